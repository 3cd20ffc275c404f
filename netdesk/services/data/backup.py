"""Backups and restore: never lose a contact to a crash, a bad import or a mistake.

Copies use SQLite's online backup API from a fresh connection, in one step, so a
backup is a consistent snapshot even while the window or another command writes
(WAL mode lets the writer carry on). A backup of an encrypted database is keyed
with the same passphrase, so it stays encrypted. Restore validates the file first,
keeps a copy of the current database, and swaps files with ``os.replace``.

Backups live in ``paths.backup_dir(db_path)`` (``backups/`` next to the database) and
are named ``<kind>-YYYYMMDD-HHMMSS.sqlite3``; ``auto`` and ``pre-<action>`` ones are
pruned to the newest N of each kind, the others are kept.
"""

import os
import re
import shutil
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from peewee import SqliteDatabase

from netdesk.errors import InputError, UserError
from netdesk.models.db import close_database, database, open_database
from netdesk.models.store.encryption import (
    WrongPassphrase,
    connect_raw,
    database_passphrase,
    is_encrypted_file,
)
from netdesk.models.store.migrations import CURRENT_VERSION, set_pre_migration_hook
from netdesk.paths import backup_dir
from netdesk.services.progress import Progress

DEFAULT_KEEP = 7
KEEP_SETTING = "backup.keep"
AUTO = "auto"
REQUIRED_TABLES = {"contact", "contact_method", "organization", "follow_up", "interaction"}
_NAME = re.compile(r"^(?P<kind>[a-z][a-z0-9-]*?)-(?P<stamp>\d{8}-\d{6})(?:-(?P<n>\d+))?\.sqlite3$")


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    kind: str
    taken_at: datetime | None
    size: int


@dataclass(frozen=True)
class Validated:
    """What a checked database file holds."""

    path: Path
    schema_version: int
    contacts: int
    encrypted: bool


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    database: Path
    safety_copy: Path | None
    contacts: int


def _source(db: SqliteDatabase | None) -> tuple[Path, str | None]:
    db = db if db is not None else database.obj
    if db is None or db.database == ":memory:":
        raise UserError("There is no database file to back up (in-memory database).")
    return Path(db.database), database_passphrase(db)


def stamp(now: datetime | None = None) -> str:
    return (now or datetime.now()).strftime("%Y%m%d-%H%M%S")


def private_tmp(target: Path) -> Path:
    """An empty user-only file next to ``target`` (same filesystem, so replace is atomic)."""
    for n in range(1000):
        tmp = target.with_name(f".{target.name}.{os.getpid()}.{n}.tmp")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise UserError(f"Could not create a temporary file next to {target}.")


def remove_database_files(path: Path) -> None:
    for p in (path, Path(f"{path}-wal"), Path(f"{path}-shm"), Path(f"{path}-journal")):
        p.unlink(missing_ok=True)


def fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def copy_database(
    src_path: Path, out_path: Path, passphrase: str | None, progress: Progress | None = None
) -> Path:
    """Online-backup ``src_path`` into ``out_path`` atomically (user-only, same key)."""
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = private_tmp(out_path)
    try:
        src = connect_raw(src_path, passphrase)
        try:
            dst = connect_raw(tmp, passphrase)
            try:
                if progress is not None:
                    progress.step(0, 1, f"Copying {src_path.name}…")
                # pages=-1: one step under one read snapshot, so concurrent writes
                # neither restart the copy nor leak into it.
                src.backup(dst, pages=-1)
                dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
            finally:
                dst.close()
        finally:
            src.close()
        os.chmod(tmp, 0o600)
        os.replace(tmp, out_path)
        fsync_dir(out_path.parent)
    except BaseException:
        remove_database_files(tmp)
        raise
    if progress is not None:
        progress.step(1, 1, f"Saved {out_path.name}")
    return out_path


def backup(
    db: SqliteDatabase | None, out_path: str | os.PathLike, progress: Progress | None = None
) -> Path:
    """Copy the open database ``db`` (default: the models' one) to ``out_path``."""
    src_path, passphrase = _source(db)
    out = Path(out_path).expanduser()
    if out.resolve() == src_path.resolve():
        raise InputError(f"{out} is the database itself; choose another file for the backup.")
    if out.is_dir():
        out = out / f"netdesk-{stamp()}.sqlite3"
    return copy_database(src_path, out, passphrase, progress)


def backup_to_dir(db: SqliteDatabase | None, kind: str, progress: Progress | None = None) -> Path:
    """A backup named ``<kind>-<stamp>.sqlite3`` in the database's backup folder."""
    src_path, passphrase = _source(db)
    folder = backup_dir(src_path)
    out = folder / f"{kind}-{stamp()}.sqlite3"
    n = 1
    while out.exists():
        out = folder / f"{kind}-{stamp()}-{n}.sqlite3"
        n += 1
    return copy_database(src_path, out, passphrase, progress)


def list_backups(db_path: str | os.PathLike) -> list[BackupInfo]:
    """Backups in the database's backup folder, newest first."""
    folder = Path(db_path).parent / "backups"
    if not folder.is_dir():
        return []
    found = []
    for p in folder.iterdir():
        m = _NAME.match(p.name)
        if not m or not p.is_file():
            continue
        taken = datetime.strptime(m["stamp"], "%Y%m%d-%H%M%S")
        found.append((taken, int(m["n"] or 0), BackupInfo(p, m["kind"], taken, p.stat().st_size)))
    return [b for _, _, b in sorted(found, key=lambda t: t[:2], reverse=True)]


def plain_backups(db_path: str | os.PathLike) -> list[BackupInfo]:
    """Backups that are not encrypted (left over after ``netdesk encrypt``)."""
    return [b for b in list_backups(db_path) if not is_encrypted_file(b.path)]


def prune_backups(db_path: Path, keep: int, kind: str = AUTO) -> list[Path]:
    """Delete all but the newest ``keep`` backups of ``kind``; returns what was removed."""
    same = [b for b in list_backups(db_path) if b.kind == kind]
    removed = []
    for b in same[max(keep, 1) :]:
        b.path.unlink(missing_ok=True)
        removed.append(b.path)
    return removed


def prune_auto_backups(db_path: Path, keep: int) -> list[Path]:
    return prune_backups(db_path, keep, AUTO)


def backup_before(action: str, db: SqliteDatabase | None = None) -> Path:
    """A ``pre-<action>`` backup before something hard to take back (import, undo-import,
    merge, restore); the newest N of each kind are kept."""
    src_path, _ = _source(db)
    kind = "pre-" + re.sub(r"[^a-z0-9]+", "-", action.lower()).strip("-")
    out = backup_to_dir(db, kind)
    prune_backups(src_path, keep_count(), kind)
    return out


def keep_count() -> int:
    from netdesk.models.setting import get_setting

    try:
        value = int(get_setting(KEEP_SETTING, DEFAULT_KEEP))
    except (TypeError, ValueError):
        return DEFAULT_KEEP
    return min(max(value, 1), 365)


def auto_backup(db: SqliteDatabase | None = None, today: date | None = None) -> Path | None:
    """Once a day: back up, then keep only the newest N automatic backups.

    Cheap when today's backup exists (one directory listing), so every start may call it.
    """
    src_path, _ = _source(db)
    if not src_path.exists() or src_path.stat().st_size == 0:
        return None
    today = today or date.today()
    if any(
        b.kind == AUTO and b.taken_at and b.taken_at.date() == today for b in list_backups(src_path)
    ):
        return None
    out = backup_to_dir(db, AUTO)
    prune_auto_backups(src_path, keep_count())
    return out


def validate_file(
    path: str | os.PathLike,
    passphrase: str | None = None,
    *,
    integrity: bool = True,
    label: str | os.PathLike | None = None,
) -> Validated:
    """Check that ``path`` is a sound netdesk database this version can open.

    ``integrity=False`` skips ``PRAGMA integrity_check`` (seconds on a big file) for a
    first, quick look; ``label`` is the name used in messages (the user's file rather
    than a staged copy). Raises InputError (or WrongPassphrase) naming the file.
    """
    path = Path(path)
    name = label if label is not None else path
    if not path.is_file():
        raise InputError(f"{name}: no such file.")
    encrypted = is_encrypted_file(path)
    if encrypted and not passphrase:
        raise InputError(
            f"{name} is either an encrypted netdesk database (give its passphrase: "
            "NETDESK_PASSPHRASE) or not a netdesk database at all."
        )
    try:
        conn = connect_raw(path, passphrase if encrypted else None)
    except WrongPassphrase:
        raise
    except Exception as exc:
        raise InputError(f"{name} is damaged or not a netdesk database ({exc}).") from None
    try:
        try:
            check = "PRAGMA integrity_check" if integrity else "PRAGMA schema_version"
            problems = [r[0] for r in conn.execute(check).fetchall()]
            problems = problems if integrity else ["ok"]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except Exception as exc:  # sqlite3's or sqlcipher3's DatabaseError
            raise InputError(f"{name} is damaged or not a netdesk database ({exc}).") from None
        if problems != ["ok"]:
            raise InputError(
                f"{name} is damaged (integrity check: {'; '.join(problems[:3])}); "
                "choose another backup."
            )
        missing = REQUIRED_TABLES - tables
        if missing:
            raise InputError(
                f"{name} is not a netdesk database (no {', '.join(sorted(missing))} table)."
            )
        if version > CURRENT_VERSION:
            raise InputError(
                f"{name} was written by a newer netdesk (schema {version}, this version knows "
                f"{CURRENT_VERSION}); update netdesk to restore it."
            )
        contacts = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
    finally:
        conn.close()
    return Validated(path, version, contacts, encrypted)


def check_file(path: str | os.PathLike, passphrase: str | None = None) -> list[str]:
    """Problems found by ``integrity_check`` and ``foreign_key_check`` (empty = healthy).

    A raw connection, no migration, nothing written: works on a damaged file too.
    Raises UserError when the file cannot be read at all.
    """
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such database.")
    conn = connect_raw(path, passphrase if is_encrypted_file(path) else None)
    try:
        try:
            rows = [r[0] for r in conn.execute("PRAGMA integrity_check").fetchall()]
            fk = conn.execute("PRAGMA foreign_key_check").fetchall()
        except Exception as exc:  # sqlite3 or sqlcipher3 DatabaseError
            raise UserError(
                f"{path} cannot be read ({exc}); restore a backup (netdesk backups)."
            ) from None
    finally:
        conn.close()
    problems = [] if rows == ["ok"] else rows
    return problems + [f"row {r[1]} of {r[0]} points at a missing {r[2]}" for r in fk[:20]]


def ensure_only_user(path: Path, passphrase: str | None) -> None:
    """Refuse to swap the file while another process has it open.

    The last connection to close removes the ``-wal`` file; after a TRUNCATE
    checkpoint from our side, a ``-wal`` that is still there belongs to someone else.
    """
    wal = Path(f"{path}-wal")
    if not wal.exists():
        return
    conn = connect_raw(path, passphrase if is_encrypted_file(path) else None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    if wal.exists():
        raise UserError(
            f"{path} is open in another netdesk window or command; close it and try again. "
            "Nothing was changed."
        )


def _safety_copy(target: Path, passphrase: str | None, progress: Progress | None) -> Path:
    """A copy of the database about to be replaced; byte copies if it is too damaged to read."""
    out = backup_dir(target) / f"before-restore-{stamp()}.sqlite3"
    try:
        key = passphrase if is_encrypted_file(target) else None
        return copy_database(target, out, key, progress)
    except Exception:  # unreadable or unknown key: keep its bytes (and its WAL) as they are
        for suffix in ("", "-wal"):
            src = Path(f"{target}{suffix}")
            if src.exists():
                dst = Path(f"{out}{suffix}")
                fd = os.open(dst, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
                with os.fdopen(fd, "wb") as f, src.open("rb") as s:
                    shutil.copyfileobj(s, f)
        return out


@dataclass
class PreparedRestore:
    """A validated copy waiting next to the database, plus the safety copy already made."""

    source: Path
    database: Path
    staged: Path
    validated: Validated
    safety_copy: Path | None
    passphrase: str | None
    current_passphrase: str | None

    def discard(self) -> None:
        remove_database_files(self.staged)


def prepare_restore(
    in_path: str | os.PathLike,
    db_path: str | os.PathLike,
    passphrase: str | None = None,
    current_passphrase: str | None = None,
    progress: Progress | None = None,
    safety_copy: bool = True,
) -> PreparedRestore:
    """The slow, safe half of a restore (fine on a worker thread); changes nothing live.

    ``passphrase`` opens the backup (if encrypted); ``current_passphrase`` the database
    it replaces. A copy of the current database is saved as ``before-restore-…``
    (``safety_copy=False`` defers that to :func:`make_safety_copy`, after the user
    confirmed).
    """
    source, target = Path(in_path).expanduser(), Path(db_path)
    if target.exists() and source.resolve() == target.resolve():
        raise InputError(f"{source} is the database itself; choose a backup file.")
    key = passphrase if is_encrypted_file(source) else None
    validate_file(source, key, integrity=False)  # quick: readable, netdesk, not newer
    staged = private_tmp(target)
    try:
        copy_database(source, staged, key, progress)
    except BaseException as exc:
        remove_database_files(staged)
        if isinstance(exc, UserError) or not isinstance(exc, Exception):
            raise
        # unreadable pages: sqlite3's or sqlcipher3's DatabaseError
        raise InputError(f"{source} is damaged ({exc}); choose another backup.") from None
    try:  # the full check runs on the very bytes that will be installed
        validated = validate_file(staged, key, label=source)
    except BaseException:
        remove_database_files(staged)
        raise
    prepared = PreparedRestore(source, target, staged, validated, None, key, current_passphrase)
    if safety_copy:
        make_safety_copy(prepared, progress)
    return prepared


def make_safety_copy(prepared: PreparedRestore, progress: Progress | None = None) -> None:
    """Copy the database a restore is about to replace into the backup folder."""
    target = prepared.database
    try:
        if target.exists() and target.stat().st_size > 0:
            prepared.safety_copy = _safety_copy(target, prepared.current_passphrase, progress)
    except BaseException:
        prepared.discard()
        raise


def install_restore(prepared: PreparedRestore, reopen: bool = True) -> RestoreResult:
    """The quick half: close this thread's connection, swap the files, reopen.

    Call it on the thread that owns the models' connection (the GUI thread).
    """
    target = prepared.database
    was_bound = database.obj is not None and database.database not in (None, ":memory:")
    bound_here = was_bound and Path(database.database).resolve() == target.resolve()
    if bound_here:
        close_database()
    try:
        ensure_only_user(target, prepared.current_passphrase)
        Path(f"{target}-wal").unlink(missing_ok=True)
        Path(f"{target}-shm").unlink(missing_ok=True)
        os.replace(prepared.staged, target)
        os.chmod(target, 0o600)
        fsync_dir(target.parent)
    except BaseException:
        prepared.discard()
        if bound_here and reopen:
            open_database(target, passphrase=prepared.current_passphrase)
        raise
    if bound_here and reopen:
        open_database(target, passphrase=prepared.passphrase)
    return RestoreResult(prepared.source, target, prepared.safety_copy, prepared.validated.contacts)


def restore(
    in_path: str | os.PathLike,
    db_path: str | os.PathLike | None = None,
    passphrase: str | None = None,
    current_passphrase: str | None = None,
) -> RestoreResult:
    """Replace the database with a validated backup, keeping a copy of the current one."""
    if db_path is None:
        db_path, current = _source(None)
        current_passphrase = current_passphrase or current
    prepared = prepare_restore(in_path, db_path, passphrase, current_passphrase)
    return install_restore(prepared)


def pre_migration_backup(db: SqliteDatabase, from_version: int, to_version: int) -> None:
    """Migration hook: no schema step runs on a file that was not copied first."""
    if db.database == ":memory:":
        return
    try:
        backup_to_dir(db, f"pre-migration-v{from_version}-to-v{to_version}")
    except UserError:
        raise
    except Exception as exc:
        raise UserError(
            f"Could not back up {db.database} before upgrading it ({exc}); "
            "the upgrade did not run and the file was not changed."
        ) from exc


def install_pre_migration_backup() -> None:
    set_pre_migration_hook(pre_migration_backup)


install_pre_migration_backup()
