"""The full-text index behind type-ahead search.

An FTS5 table with the unicode61 tokenizer (diacritics removed, case folded) and
prefix indexes, kept in step with contacts, organizations and contact methods by
triggers, so every writer (GUI, CLI, importer) keeps it correct without thinking
about it.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from peewee import SqliteDatabase

_NAME = (
    "coalesce(new.display_name,'') || ' ' || coalesce(new.given_name,'') || ' ' || "
    "coalesce(new.family_name,'') || ' ' || coalesce(new.additional_names,'') || ' ' || "
    "coalesce(new.credentials,'')"
)
_ORG = (
    "coalesce((SELECT name FROM organization WHERE id = new.organization_id),'') || ' ' || "
    "coalesce(new.department,'') || ' ' || coalesce(new.title,'') || ' ' || "
    "coalesce(new.specialty,'') || ' ' || "
    # the other positions (a second appointment, a past job) find the contact too
    "coalesce((SELECT group_concat(coalesce(o.name,'') || ' ' || a.title || ' ' || a.department, "
    "' ') FROM affiliation AS a LEFT JOIN organization AS o ON o.id = a.organization_id "
    "WHERE a.contact_id = new.id AND NOT a.is_primary),'')"
)
_METHODS = (
    "coalesce((SELECT group_concat(value, ' ') FROM contact_method WHERE contact_id = {id}),'')"
)

_INSERT_CONTACT = (
    "INSERT INTO contact_search(rowid, name, org, methods) "
    f"VALUES (new.id, {_NAME}, {_ORG}, {_METHODS.format(id='new.id')});"
)


def _reindex_org(row: str) -> str:
    """The ``org`` column of the contact an affiliation trigger's ``row`` belongs to."""
    org = _ORG.replace("new.", "c.")
    return (
        f"UPDATE contact_search SET org = (SELECT {org} FROM contact AS c "
        f"WHERE c.id = {row}.contact_id) WHERE rowid = {row}.contact_id;"
    )


SCHEMA = [
    "CREATE VIRTUAL TABLE IF NOT EXISTS contact_search USING fts5("
    "name, org, methods, tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')",
    f"CREATE TRIGGER IF NOT EXISTS contact_search_ai AFTER INSERT ON contact BEGIN {_INSERT_CONTACT} END",
    # Only the columns indexed above: saving a contact's notes or the denormalised
    # last_interaction_at / organization_sort leaves its search row alone.
    "CREATE TRIGGER IF NOT EXISTS contact_search_au AFTER UPDATE OF display_name, given_name, "
    "family_name, additional_names, credentials, organization_id, department, title, specialty "
    "ON contact BEGIN "
    f"DELETE FROM contact_search WHERE rowid = old.id; {_INSERT_CONTACT} END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_ad AFTER DELETE ON contact BEGIN "
    "DELETE FROM contact_search WHERE rowid = old.id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_mi AFTER INSERT ON contact_method BEGIN "
    f"UPDATE contact_search SET methods = {_METHODS.format(id='new.contact_id')} "
    "WHERE rowid = new.contact_id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_mu AFTER UPDATE ON contact_method BEGIN "
    f"UPDATE contact_search SET methods = {_METHODS.format(id='old.contact_id')} "
    f"WHERE rowid = old.contact_id; UPDATE contact_search SET methods = "
    f"{_METHODS.format(id='new.contact_id')} WHERE rowid = new.contact_id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_md AFTER DELETE ON contact_method BEGIN "
    f"UPDATE contact_search SET methods = {_METHODS.format(id='old.contact_id')} "
    "WHERE rowid = old.contact_id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_ou AFTER UPDATE OF name ON organization BEGIN "
    "UPDATE contact SET organization_id = organization_id WHERE organization_id = new.id; "
    "UPDATE affiliation SET organization_id = organization_id "
    "WHERE organization_id = new.id AND NOT is_primary; END",
    # a position other than the primary (which the contact row carries) added, changed, removed
    "CREATE TRIGGER IF NOT EXISTS contact_search_fi AFTER INSERT ON affiliation "
    f"WHEN NOT new.is_primary BEGIN {_reindex_org('new')} END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_fu AFTER UPDATE ON affiliation "
    f"WHEN NOT (old.is_primary AND new.is_primary) BEGIN {_reindex_org('old')} "
    f"{_reindex_org('new')} END",
    "CREATE TRIGGER IF NOT EXISTS contact_search_fd AFTER DELETE ON affiliation "
    f"WHEN NOT old.is_primary BEGIN {_reindex_org('old')} END",
]


def create_search_index(db: SqliteDatabase, *, populate: bool) -> None:
    for sql in SCHEMA:
        db.execute_sql(sql)
    if populate:
        rebuild_search_index(db)


def rebuild_search_index(db: SqliteDatabase) -> None:
    """Recompute every row (after a bulk load that bypassed the triggers)."""
    name = _NAME.replace("new.", "c.")
    org = _ORG.replace("new.", "c.")
    methods = _METHODS.format(id="c.id")
    db.execute_sql("DELETE FROM contact_search")
    db.execute_sql(
        "INSERT INTO contact_search(rowid, name, org, methods) "
        f"SELECT c.id, {name}, {org}, {methods} FROM contact AS c"
    )


@contextmanager
def search_triggers_suspended(db: SqliteDatabase) -> Iterator[None]:
    """Bulk writers (the importer): no per-row trigger work inside this block.

    Use inside ``db.atomic()`` and call :func:`reindex_contacts` for every contact
    written meanwhile; DDL is transactional in SQLite, so other connections never see
    the triggers missing and a rollback brings them back.
    """
    names = [
        row[0]
        for row in db.execute_sql(
            "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'contact_search_%'"
        )
    ]
    for name in names:
        db.execute_sql(f'DROP TRIGGER "{name}"')
    try:
        yield
    finally:
        for sql in SCHEMA[1:]:
            db.execute_sql(sql)


def reindex_contacts(db: SqliteDatabase, ids: Iterable[int]) -> None:
    """Recompute the search rows of these contacts (after writes without triggers)."""
    name = _NAME.replace("new.", "c.")
    org = _ORG.replace("new.", "c.")
    methods = _METHODS.format(id="c.id")
    ids = list(ids)
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ", ".join("?" for _ in chunk)
        db.execute_sql(f"DELETE FROM contact_search WHERE rowid IN ({marks})", chunk)
        db.execute_sql(
            "INSERT INTO contact_search(rowid, name, org, methods) "
            f"SELECT c.id, {name}, {org}, {methods} FROM contact AS c WHERE c.id IN ({marks})",
            chunk,
        )
