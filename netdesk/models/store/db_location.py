"""Why a database path cannot be used, said in one line the user can act on.

Opening a database touches the file system (parent folders, the file) and then
SQLite; either can fail because of where the path points: inside a regular file,
under /proc, a read-only folder, a folder given as the file, a file that is not a
database, a full disk. Those are bad input (exit 2), not bugs, so each becomes an
:class:`~netdesk.errors.InputError` naming the path and what to do.
"""

import errno
import sqlite3
from pathlib import Path

from peewee import DatabaseError

from netdesk.errors import InputError

WHAT_TO_DO = "choose another database file (--db PATH or NETDESK_DB)"
# SQLite messages that come from the file or its place, not from the data.
_SQLITE_PLACE_ERRORS = {
    "unable to open database file": "cannot be opened there; ",
    "file is not a database": "is not a netdesk database (nor any SQLite file); ",
    "attempt to write a readonly database": "is read-only; ",
    "disk i/o error": "could not be written (is the disk full?); free some space or ",
    "database or disk is full": "could not be written: the disk is full; free some space or ",
}
_FULL = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
_READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


def check_location(path: Path) -> None:
    """Refuse, before anything is created, a folder given as the file or a path inside a file."""
    if path.is_dir():
        raise InputError(
            f"{path} is a folder, not a database file; give a file name inside it "
            f"(e.g. {path / 'netdesk.sqlite3'}) or {WHAT_TO_DO}."
        )
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                raise InputError(
                    f"{path} cannot be a database: {parent} is a file, not a folder; {WHAT_TO_DO}."
                )
            return


def unusable(path: Path, exc: BaseException) -> InputError | None:
    """The one-line error for ``exc`` raised while opening ``path``; None if it is not about the place."""
    if isinstance(exc, OSError):
        reason = exc.strerror or type(exc).__name__
        if exc.errno in _FULL:
            return InputError(
                f"{path} could not be written ({reason}); free some space or {WHAT_TO_DO}."
            )
        if exc.errno in _READ_ONLY:
            return InputError(
                f"{path} is in a place netdesk cannot write to ({reason}); {WHAT_TO_DO}."
            )
        if exc.errno == errno.ENOENT:
            return InputError(
                f"{path} cannot be created: {path.parent} takes no new files; {WHAT_TO_DO}."
            )
        return InputError(f"{path} cannot be created ({reason}); {WHAT_TO_DO}.")
    if isinstance(exc, (DatabaseError, sqlite3.DatabaseError)):
        what = _SQLITE_PLACE_ERRORS.get(str(exc).strip().lower())
        if what:
            return InputError(f"{path} {what}{WHAT_TO_DO}.")
    return None
