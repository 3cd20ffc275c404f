"""Optional encryption at rest with SQLCipher (Peewee's ``playhouse.sqlcipher_ext``).

An encrypted netdesk file has no plain "SQLite format 3" header, which is how the CLI
and the window know to ask for a passphrase. SQLCipher comes from the optional
``sqlcipher3`` wheel; without it netdesk says so and keeps working unencrypted.
A wrong passphrase is a :class:`WrongPassphrase`, a message rather than a traceback.
"""

import contextlib
import functools
import hashlib
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


# SQLCipher 4's defaults: PBKDF2-HMAC-SHA512, 256,000 iterations, a 256-bit key.
KDF_ITERATIONS = 256_000
SALT_BYTES = 16


@functools.lru_cache(maxsize=8)
def _derived_key(passphrase: str, salt: bytes) -> str:
    """The key SQLCipher derives from ``passphrase`` and the file's salt, as hex.

    Deriving is slow on purpose (~0.4 s); caching it means one derivation per process
    and file instead of one per connection (each worker thread opens its own).
    """
    key = hashlib.pbkdf2_hmac("sha512", passphrase.encode("utf-8"), salt, KDF_ITERATIONS, 32)
    return key.hex()


def _file_salt(path: str | os.PathLike) -> bytes | None:
    """An existing SQLCipher file starts with its random salt."""
    try:
        with open(path, "rb") as f:
            head = f.read(SALT_BYTES)
    except OSError:
        return None
    return head if len(head) == SALT_BYTES and head != SQLITE_HEADER else None


def _keyed_connection(path: str | os.PathLike, passphrase: str, timeout: float = 5.0):
    """A sqlcipher3 connection keyed and checked; WrongPassphrase if the key fails."""
    from sqlcipher3 import dbapi2 as sqlcipher

    _check_passphrase(passphrase)
    salt = _file_salt(path)
    attempts = [f"PRAGMA key='{_quote(passphrase)}'"]
    if salt is not None:  # fast path first; the passphrase itself if the file uses other settings
        attempts.insert(0, f"PRAGMA key=\"x'{_derived_key(passphrase, salt)}'\"")
    for pragma in attempts:
        conn = sqlcipher.connect(str(path), isolation_level=None, timeout=timeout)
        try:
            _quiet(conn)
            conn.execute(pragma)
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlcipher.DatabaseError as exc:
            conn.close()
            if "not a database" not in str(exc):
                raise
        except BaseException:
            conn.close()
            raise
    raise _wrong(path)


def connect_raw(path: str | os.PathLike, passphrase: str | None = None):
    """A DB-API connection to ``path`` (sqlite3, or sqlcipher3 keyed with ``passphrase``).

    Used for copies, checks and conversions that must not disturb the models' binding.
    The key is checked at once, so a wrong passphrase fails here, not mid-way.
    """
    if passphrase is None:
        import sqlite3

        return sqlite3.connect(str(path), isolation_level=None)
    require_encryption()
    return _keyed_connection(path, passphrase)


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

    class NetdeskCipherDatabase(SqlCipherDatabase):
        def _connect(self):
            conn = _keyed_connection(
                self.database, self.connect_params["passphrase"], timeout=self._timeout
            )
            try:
                self._add_conn_hooks(conn)
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
