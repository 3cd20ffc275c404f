"""Optional encryption at rest with SQLCipher (Peewee's ``playhouse.sqlcipher_ext``).

An encrypted netdesk file has no plain "SQLite format 3" header, which is how the CLI
and the window know to ask for a passphrase. SQLCipher comes from the optional
``sqlcipher3`` wheel; without it netdesk says so and keeps working unencrypted.
A wrong passphrase is a :class:`WrongPassphrase`, a message rather than a traceback.
"""

import contextlib
import os
from pathlib import Path
from typing import Any

from netdesk.errors import InputError, UserError

SQLITE_HEADER = b"SQLite format 3\x00"
UNAVAILABLE_MESSAGE = (
    "encryption needs the 'encryption' extra: pip install 'netdesk[encryption]' "
    "(the sqlcipher3 module is not installed)"
)


class EncryptionUnavailable(UserError):
    """The sqlcipher3 module is missing on this platform."""


class NeedsPassphrase(UserError):
    """The file is not plain SQLite and no passphrase was given (exit code 4, as for a
    file that is not a database: it may be either)."""

    exit_code = 4


class WrongPassphrase(UserError):
    """The passphrase does not open the file (or the file is not a netdesk database)."""


def encryption_available() -> bool:
    try:
        import sqlcipher3  # noqa: F401
        from playhouse import sqlcipher_ext  # noqa: F401
    except ImportError:
        return False
    return True


def require_encryption() -> None:
    if not encryption_available():
        raise EncryptionUnavailable(UNAVAILABLE_MESSAGE)


def is_encrypted_file(path: str | os.PathLike) -> bool:
    """A non-empty file without the plain SQLite header: SQLCipher (or not a database)."""
    p = Path(path)
    try:
        with p.open("rb") as f:
            head = f.read(len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError):
        return False
    return len(head) > 0 and head != SQLITE_HEADER


def _check_passphrase(passphrase: str | None) -> str:
    if not passphrase:
        raise InputError("The passphrase is empty; an encrypted database needs a passphrase.")
    return passphrase


def _quote(passphrase: str) -> str:
    return passphrase.replace("'", "''")


def _wrong(path: Any) -> WrongPassphrase:
    return WrongPassphrase(
        f"Wrong passphrase for {path} (or the file is not a netdesk database). "
        "Nothing was changed; try again."
    )


def connect_raw(path: str | os.PathLike, passphrase: str | None = None):
    """A DB-API connection to ``path`` (sqlite3, or sqlcipher3 keyed with ``passphrase``).

    Used for copies, checks and conversions that must not disturb the models' binding.
    The key is checked at once, so a wrong passphrase fails here, not mid-way.
    """
    if passphrase is None:
        import sqlite3

        return sqlite3.connect(str(path), isolation_level=None)
    require_encryption()
    from sqlcipher3 import dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path), isolation_level=None)
    try:
        _quiet(conn)
        conn.execute(f"PRAGMA key='{_quote(_check_passphrase(passphrase))}'")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlcipher.DatabaseError as exc:
        conn.close()
        if "not a database" in str(exc):
            raise _wrong(path) from None
        raise
    return conn


def _quiet(conn) -> None:
    """SQLCipher logs failed HMAC checks to stderr; a wrong passphrase is our message."""
    with contextlib.suppress(Exception):  # older SQLCipher: the log is harmless
        conn.execute("PRAGMA cipher_log_level = NONE")


def make_encrypted_database(
    path: str, passphrase: str, pragmas: dict, busy_timeout_s: float, lock_type: str | None = None
):
    """A Peewee database for an SQLCipher file, keyed with ``passphrase``.

    Raises :class:`EncryptionUnavailable` without sqlcipher3 and :class:`WrongPassphrase`
    on connect when the key does not open the file.
    """
    require_encryption()
    _check_passphrase(passphrase)
    from playhouse.sqlcipher_ext import SqlCipherDatabase
    from sqlcipher3 import dbapi2 as sqlcipher

    class NetdeskCipherDatabase(SqlCipherDatabase):
        def _connect(self):
            conn = sqlcipher.connect(self.database, isolation_level=None, timeout=self._timeout)
            try:
                _quiet(conn)
                conn.execute(f"PRAGMA key='{_quote(self.connect_params['passphrase'])}'")
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
                self._add_conn_hooks(conn)
            except sqlcipher.DatabaseError as exc:
                conn.close()
                if "not a database" in str(exc):
                    raise _wrong(self.database) from None
                raise
            except BaseException:
                conn.close()
                raise
            return conn

    return NetdeskCipherDatabase(
        path, passphrase=passphrase, pragmas=pragmas, timeout=busy_timeout_s, lock_type=lock_type
    )


def database_passphrase(db) -> str | None:
    """The passphrase an open Peewee database was keyed with (None when plain)."""
    return (getattr(db, "connect_params", None) or {}).get("passphrase")
