"""Schema versions and the steps between them.

``PRAGMA user_version`` records the version. A new file gets the current schema in
one go; an older file runs each step after its version, all inside one transaction,
so a failed step leaves the file as it was. Steps are plain functions over the raw
database (playhouse.migrate for column changes) because models always describe the
*current* schema.

Before any step runs on an existing file, the hook registered with
:func:`set_pre_migration_hook` is called (the backup service makes a copy there).
"""

from collections.abc import Callable

from peewee import SqliteDatabase

from netdesk.models.registry import ALL_MODELS
from netdesk.models.store.affiliation_sync import create_affiliation_sync
from netdesk.models.store.organization_sort import create_organization_sort
from netdesk.models.store.search_index import SCHEMA as SEARCH_SCHEMA
from netdesk.models.store.search_index import create_search_index

CURRENT_VERSION = 7

_pre_migration_hook: Callable[[SqliteDatabase, int, int], None] | None = None


class MigrationError(Exception):
    """A step failed; the database file is unchanged."""


def set_pre_migration_hook(hook: Callable[[SqliteDatabase, int, int], None] | None) -> None:
    global _pre_migration_hook
    _pre_migration_hook = hook


def schema_version(db: SqliteDatabase) -> int:
    return db.execute_sql("PRAGMA user_version").fetchone()[0]


def _v2_search_index(db: SqliteDatabase) -> None:
    """v2: accent- and case-insensitive full-text search over names, orgs, emails."""
    from netdesk.models.affiliation import Affiliation

    # The index reads every position (v7 fills the table): it must exist from here on.
    with db.bind_ctx([Affiliation], bind_refs=False, bind_backrefs=False):
        db.create_tables([Affiliation], safe=True)
    create_search_index(db, populate=True)


def _v3_contact_kind(db: SqliteDatabase) -> None:
    """v3: ``contact.kind`` tells organization cards (vCard KIND:org) from people."""
    # A plain ADD COLUMN: playhouse.migrate would rebuild the table under the search triggers.
    db.execute_sql(
        """ALTER TABLE "contact" ADD COLUMN "kind" VARCHAR(255) NOT NULL DEFAULT 'person'"""
    )
    db.execute_sql('CREATE INDEX IF NOT EXISTS "contact_kind" ON "contact" ("kind")')


def _v4_calendar_links(db: SqliteDatabase) -> None:
    """v4: per-account calendar links; the CalDAV state moves out of ``followup``."""
    from playhouse.migrate import SqliteMigrator, migrate

    from netdesk.models.calendar_link import CalendarLink

    db.create_tables([CalendarLink], safe=True)
    if "follow_up" not in db.get_tables():  # files older than follow-ups get them new
        return
    columns = {c.name for c in db.get_columns("follow_up")}
    if not {"synced_sequence", "caldav_href"} <= columns:
        return
    rows = db.execute_sql(
        "SELECT uid, caldav_href, synced_sequence FROM follow_up "
        "WHERE synced_sequence IS NOT NULL AND caldav_href != ''"
    ).fetchall()
    for uid, href, sequence in rows:
        db.execute_sql(
            "INSERT INTO calendar_link (account, uid, calendar_id, event_id, etag, "
            "synced_sequence, state, updated_at) VALUES ('caldav', ?, ?, ?, '', ?, 'synced', "
            "datetime('now'))",
            (uid, href.rsplit("/", 1)[0] + "/", href, sequence),
        )
    migrator = SqliteMigrator(db)
    migrate(
        migrator.drop_column("follow_up", "synced_sequence"),
        migrator.drop_column("follow_up", "caldav_href"),
    )


def _v5_organization_sort(db: SqliteDatabase) -> None:
    """v5: the organization's name on the contact, indexed, so sorting by it pages fast.

    The search index's update trigger now fires only for the columns it indexes, so
    the triggers that keep ``organization_sort`` (and ``last_interaction_at``, ...)
    do not rewrite search rows.
    """
    db.execute_sql(
        "ALTER TABLE contact ADD COLUMN organization_sort VARCHAR(255) NOT NULL DEFAULT '' "
        "COLLATE NOCASE"
    )
    db.execute_sql("DROP TRIGGER IF EXISTS contact_search_au")
    db.execute_sql(next(sql for sql in SEARCH_SCHEMA if "contact_search_au" in sql))
    create_organization_sort(db, populate=True)


def _v6_vcard_properties_and_card_sync(db: SqliteDatabase) -> None:
    """v6: unknown vCard properties kept with contacts, and CardDAV sync state."""
    from netdesk.models.vcard_sync import CardSyncState, VCardProperty

    db.create_tables([VCardProperty, CardSyncState], safe=True)


def _v7_affiliations(db: SqliteDatabase) -> None:
    """v7: several positions per contact; each contact's position becomes its primary one.

    The search triggers are made again (they now index the other positions too) and
    the index rebuilt.
    """
    from netdesk.models.affiliation import Affiliation

    with db.bind_ctx([Affiliation], bind_refs=False, bind_backrefs=False):
        db.create_tables([Affiliation], safe=True)
    create_affiliation_sync(db, populate=True)
    for (name,) in db.execute_sql(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'contact_search_%'"
    ).fetchall():
        db.execute_sql(f'DROP TRIGGER "{name}"')
    create_search_index(db, populate=True)


STEPS: dict[int, Callable[[SqliteDatabase], None]] = {
    2: _v2_search_index,
    3: _v3_contact_kind,
    4: _v4_calendar_links,
    5: _v5_organization_sort,
    6: _v6_vcard_properties_and_card_sync,
    7: _v7_affiliations,
}


def _is_empty(db: SqliteDatabase) -> bool:
    return not db.get_tables()


def migrate_to_current(db: SqliteDatabase) -> int:
    """Create or upgrade the schema; returns the version the file had before."""
    version = schema_version(db)
    if version > CURRENT_VERSION:
        raise MigrationError(
            f"This database was written by a newer netdesk (schema {version}, this version "
            f"knows {CURRENT_VERSION}). Update netdesk; the file was not changed."
        )
    if version == 0 and _is_empty(db):
        with db.atomic():
            db.create_tables(ALL_MODELS)
            create_search_index(db, populate=False)
            create_organization_sort(db, populate=False)
            create_affiliation_sync(db, populate=False)
            db.execute_sql(f"PRAGMA user_version = {CURRENT_VERSION}")
        return 0
    if version == CURRENT_VERSION:
        # Tables added by a release without a version step (new models) appear here.
        db.create_tables(ALL_MODELS, safe=True)
        return version
    if _pre_migration_hook is not None:
        _pre_migration_hook(db, version, CURRENT_VERSION)
    try:
        with db.atomic():
            for target in range(version + 1, CURRENT_VERSION + 1):
                STEPS[target](db)
            db.create_tables(ALL_MODELS, safe=True)
            db.execute_sql(f"PRAGMA user_version = {CURRENT_VERSION}")
    except Exception as exc:
        raise MigrationError(
            f"Upgrading the database from schema {version} to {CURRENT_VERSION} failed "
            f"({exc}); the file was left as it was."
        ) from exc
    return version
