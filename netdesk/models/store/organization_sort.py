"""``contact.organization_sort``: the organization's name copied onto the contact.

Sorting the list by organization used to sort every contact through a join; with
the name on the contact row, one index (organization_sort, sort_key) gives any page
in order, keyset-paged from either end. Triggers keep the copy right for every
writer, as for the search index: a contact added or moved, an organization renamed
or deleted. "" (no organization) sorts first, as NULL did through the join. The
same step indexes the last-contact order on a NULL-free expression, for keyset paging.
"""

from peewee import SqliteDatabase

_NAME_OF = "coalesce((SELECT name FROM organization WHERE id = {id}), '')"

SCHEMA = [
    "CREATE INDEX IF NOT EXISTS contact_organization_sort ON contact(organization_sort, sort_key)",
    # The last-contact order pages by key too, on a NULL-free expression ('' = never).
    "CREATE INDEX IF NOT EXISTS contact_last_contact_sort "
    "ON contact(coalesce(last_interaction_at, ''), sort_key)",
    # A writer that already wrote the name (the importer, in bulk) costs no UPDATE.
    "CREATE TRIGGER IF NOT EXISTS contact_org_sort_ai AFTER INSERT ON contact "
    "WHEN new.organization_id IS NOT NULL AND new.organization_sort IS NOT "
    f"{_NAME_OF.format(id='new.organization_id')} COLLATE BINARY BEGIN "
    f"UPDATE contact SET organization_sort = {_NAME_OF.format(id='new.organization_id')} "
    "WHERE id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_org_sort_au AFTER UPDATE OF organization_id ON contact "
    "BEGIN "
    f"UPDATE contact SET organization_sort = {_NAME_OF.format(id='new.organization_id')} "
    "WHERE id = new.id; END",
    "CREATE TRIGGER IF NOT EXISTS contact_org_sort_ou AFTER UPDATE OF name ON organization "
    "BEGIN UPDATE contact SET organization_sort = new.name WHERE organization_id = new.id; END",
]


def create_organization_sort(db: SqliteDatabase, *, populate: bool) -> None:
    """The index and triggers (the column itself is part of the Contact model)."""
    if populate:
        db.execute_sql(
            "UPDATE contact SET organization_sort = "
            f"{_NAME_OF.format(id='contact.organization_id')} WHERE organization_id IS NOT NULL"
        )
    for sql in SCHEMA:
        db.execute_sql(sql)
