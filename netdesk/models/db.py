"""One Peewee database per process, opened by :func:`open_database`.

SQLite in WAL mode lets the GUI read while the CLI (or a worker) writes; the busy
timeout makes a second process wait for a lock instead of failing with "database is
locked". The schema version lives in ``PRAGMA user_version`` and
:mod:`netdesk.models.store.migrations` brings older files up to date.
"""

import os
from datetime import UTC, datetime
from pathlib import Path

from peewee import DatabaseProxy, Model, SqliteDatabase

database = DatabaseProxy()

BUSY_TIMEOUT_S = 15.0
PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -32_000,  # 32 MB page cache
    "temp_store": "memory",
}
# Write transactions take the write lock at BEGIN, so the busy timeout applies; a
# deferred one that read first can fail at once with "database is locked" when
# another process committed in between (SQLITE_BUSY_SNAPSHOT).
LOCK_TYPE = "IMMEDIATE"


def utcnow() -> datetime:
    """Naive UTC timestamp: what every DateTimeField stores."""
    return datetime.now(UTC).replace(tzinfo=None)


class BaseModel(Model):
    class Meta:
        database = database
        legacy_table_names = False


def _make_database(path: str, passphrase: str | None) -> SqliteDatabase:
    if passphrase is None:
        return SqliteDatabase(path, pragmas=PRAGMAS, timeout=BUSY_TIMEOUT_S, lock_type=LOCK_TYPE)
    from netdesk.models.store.encryption import make_encrypted_database

    return make_encrypted_database(path, passphrase, PRAGMAS, BUSY_TIMEOUT_S, LOCK_TYPE)


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
        from netdesk.models.store.migrations import migrate_to_current

        migrate_to_current(db)
    return db


def close_database() -> None:
    if database.obj is not None and not database.is_closed():
        database.close()


def database_path() -> Path | None:
    """The file the models are bound to, or None for an in-memory database."""
    if database.obj is None or database.database == ":memory:":
        return None
    return Path(database.database)
