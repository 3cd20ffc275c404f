"""Opening a database file: create it private to the user, bind the models, migrate.

Kept apart from :mod:`netdesk.models.db` because migrating needs every model, and every
model needs the database proxy: with both in one module they would import each other.
"""

import os
from pathlib import Path

from peewee import SqliteDatabase

from netdesk.models.db import _make_database, close_database, database
from netdesk.models.store.db_location import check_location, unusable
from netdesk.models.store.migrations import migrate_to_current


def open_database(
    path: str | os.PathLike, *, passphrase: str | None = None, migrate: bool = True
) -> SqliteDatabase:
    """Open (creating if needed) the database at ``path`` and bind the models to it.

    ``":memory:"`` is accepted for throwaway use. New files are created readable by
    the user only. With ``migrate`` the schema is created or upgraded.
    """
    path_str = str(path)
    if path_str != ":memory:":
        _create_file(Path(path_str))
    db = _make_database(path_str, passphrase)
    close_database()
    database.initialize(db)
    try:
        db.connect(reuse_if_open=True)
        if migrate:
            migrate_to_current(db)
    except Exception as exc:
        problem = unusable(Path(path_str), exc) if path_str != ":memory:" else None
        if problem is None:
            raise
        db.close()
        database.initialize(None)  # bound to nothing rather than to an unusable file
        raise problem from exc
    return db


def _create_file(path: Path) -> None:
    """Create missing parent folders and an empty user-only file; say why if impossible."""
    try:
        check_location(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
            os.close(fd)
    except OSError as exc:
        raise unusable(path, exc) from exc
