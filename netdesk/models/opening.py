"""Opening a database file: create it private to the user, bind the models, migrate.

Kept apart from :mod:`netdesk.models.db` because migrating needs every model, and every
model needs the database proxy: with both in one module they would import each other.
"""

import os
from pathlib import Path

from peewee import SqliteDatabase

from netdesk.models.db import _make_database, close_database, database
from netdesk.models.migrations import migrate_to_current


def open_database(
    path: str | os.PathLike, *, passphrase: str | None = None, migrate: bool = True
) -> SqliteDatabase:
    """Open (creating if needed) the database at ``path`` and bind the models to it.

    ``":memory:"`` is accepted for throwaway use. New files are created readable by
    the user only. With ``migrate`` the schema is created or upgraded.
    """
    path_str = str(path)
    if path_str != ":memory:":
        p = Path(path_str)
        p.parent.mkdir(parents=True, exist_ok=True)
        if not p.exists():
            fd = os.open(p, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    db = _make_database(path_str, passphrase)
    close_database()
    database.initialize(db)
    db.connect(reuse_if_open=True)
    if migrate:
        migrate_to_current(db)
    return db
