"""The primary affiliation kept in step with the contact row, by triggers.

The contact row keeps its primary position (``organization_id``, ``title``,
``department``) so the list and its sorts read one row per contact. Every writer
(editor, CLI, importer in bulk, CardDAV sync, restore) changes those columns; these
triggers make the ``is_primary`` affiliation follow, as the search index does: a
contact that gains a position gets a primary affiliation, a changed one updates it,
a cleared one removes it. Services that edit affiliations write the primary's values
onto the contact row and let these triggers do the rest.
"""

from peewee import SqliteDatabase

_HAS_POSITION = "(new.organization_id IS NOT NULL OR new.title != '' OR new.department != '')"
_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now')"
_INSERT_PRIMARY = (
    "INSERT INTO affiliation (contact_id, organization_id, title, department, is_primary, "
    f"position, created_at) SELECT new.id, new.organization_id, new.title, new.department, 1, 0, "
    f"{_NOW} WHERE {_HAS_POSITION} AND NOT EXISTS "
    "(SELECT 1 FROM affiliation WHERE contact_id = new.id AND is_primary);"
)

SCHEMA = [
    "CREATE TRIGGER IF NOT EXISTS contact_affiliation_ai AFTER INSERT ON contact "
    f"WHEN {_HAS_POSITION} BEGIN {_INSERT_PRIMARY} END",
    "CREATE TRIGGER IF NOT EXISTS contact_affiliation_au AFTER UPDATE OF organization_id, title, "
    "department ON contact BEGIN "
    "UPDATE affiliation SET organization_id = new.organization_id, title = new.title, "
    "department = new.department WHERE contact_id = new.id AND is_primary AND "
    "(organization_id IS NOT new.organization_id OR title != new.title "
    "OR department != new.department); "
    f"DELETE FROM affiliation WHERE contact_id = new.id AND is_primary AND NOT {_HAS_POSITION}; "
    f"{_INSERT_PRIMARY} END",
]


def create_affiliation_sync(db: SqliteDatabase, *, populate: bool) -> None:
    """The triggers; with ``populate``, one primary affiliation per contact with a position."""
    if populate:
        db.execute_sql(
            "INSERT INTO affiliation (contact_id, organization_id, title, department, "
            f"is_primary, position, created_at) SELECT c.id, c.organization_id, c.title, "
            f"c.department, 1, 0, {_NOW} FROM contact AS c WHERE "
            "(c.organization_id IS NOT NULL OR c.title != '' OR c.department != '') AND NOT "
            "EXISTS (SELECT 1 FROM affiliation AS a WHERE a.contact_id = c.id AND a.is_primary)"
        )
    for sql in SCHEMA:
        db.execute_sql(sql)
