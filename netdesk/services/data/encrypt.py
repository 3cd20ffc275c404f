"""Converting a database between plain SQLite and SQLCipher (``netdesk encrypt/decrypt``).

``sqlcipher_export`` copies every table into a new file next to the database; the
copy is validated, a backup of the original is kept, and only then does
``os.replace`` swap the files. A failure at any point leaves the original as it was.
"""

import os
from dataclasses import dataclass
from pathlib import Path

from netdesk.errors import InputError
from netdesk.models.db import close_database, database, open_database
from netdesk.models.store.encryption import connect_raw, is_encrypted_file, require_encryption
from netdesk.paths import backup_dir
from netdesk.services.data import backup as backups


@dataclass(frozen=True)
class Converted:
    database: Path
    safety_copy: Path
    contacts: int


def _export(src: Path, src_key: str | None, dst: Path, dst_key: str) -> None:
    """Copy ``src`` into the empty file ``dst`` keyed with ``dst_key`` ('' = plain)."""
    from sqlcipher3 import dbapi2 as sqlcipher

    if src_key:
        conn = connect_raw(src, src_key)
    else:  # SQLCipher reads a plain file when no key is set
        conn = sqlcipher.connect(str(src), isolation_level=None)
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        conn.execute("ATTACH DATABASE ? AS converted KEY ?", (str(dst), dst_key))
        conn.execute("SELECT sqlcipher_export('converted')")
        conn.execute(f"PRAGMA converted.user_version = {int(version)}")
        conn.execute("DETACH DATABASE converted")
    finally:
        conn.close()


def _convert(db_path: Path, src_key: str | None, dst_key: str | None, kind: str) -> Converted:
    require_encryption()
    bound = database.obj is not None and database.database not in (None, ":memory:")
    bound_here = bound and Path(database.database).resolve() == db_path.resolve()
    safety = backups.copy_database(
        db_path, backup_dir(db_path) / f"{kind}-{backups.stamp()}.sqlite3", src_key
    )
    staged = backups.private_tmp(db_path)
    try:
        _export(db_path, src_key, staged, dst_key or "")
        checked = backups.validate_file(staged, dst_key)
        if bound_here:
            close_database()
        backups.ensure_only_user(db_path, src_key)
        Path(f"{db_path}-wal").unlink(missing_ok=True)
        Path(f"{db_path}-shm").unlink(missing_ok=True)
        os.replace(staged, db_path)
        os.chmod(db_path, 0o600)
        backups.fsync_dir(db_path.parent)
    except BaseException:
        backups.remove_database_files(staged)
        if bound_here and database.is_closed():
            open_database(db_path, passphrase=src_key)
        raise
    if bound_here:
        open_database(db_path, passphrase=dst_key)
    return Converted(db_path, safety, checked.contacts)


def encrypt_database(db_path: str | os.PathLike, passphrase: str) -> Converted:
    """Encrypt the plain database at ``db_path`` with ``passphrase`` (backup kept)."""
    path = Path(db_path)
    if is_encrypted_file(path):
        raise InputError(f"{path} is already encrypted.")
    if not passphrase:
        raise InputError("The new passphrase is empty.")
    return _convert(path, None, passphrase, "pre-encrypt")


def decrypt_database(db_path: str | os.PathLike, passphrase: str) -> Converted:
    """Store the encrypted database at ``db_path`` as plain SQLite (backup kept, encrypted)."""
    path = Path(db_path)
    if not is_encrypted_file(path):
        raise InputError(f"{path} is not encrypted.")
    connect_raw(path, passphrase).close()  # wrong passphrase: a message, nothing touched
    return _convert(path, passphrase, None, "pre-decrypt")
