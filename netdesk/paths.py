"""Where netdesk keeps its files.

The default database lives in the platform's per-user data directory so that a new
user needs no set-up; ``--db PATH`` or ``NETDESK_DB`` point elsewhere (tests, a
second profile, a shared folder).
"""

import os
from pathlib import Path

from platformdirs import user_data_path

from netdesk.errors import InputError

APP_NAME = "netdesk"
DB_ENV = "NETDESK_DB"
DATA_DIR_ENV = "NETDESK_DATA_DIR"


def data_dir() -> Path:
    """The directory for the database and backups, created user-only on first use."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else user_data_path(APP_NAME, appauthor=False)
    try:
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
    except OSError as exc:
        source = f"{DATA_DIR_ENV}={override}" if override else f"the data folder {path}"
        reason = "a file is in the way" if isinstance(exc, FileExistsError) else exc.strerror
        raise InputError(
            f"{source} cannot be used as netdesk's data folder ({reason or exc}); "
            f"set {DATA_DIR_ENV} to a folder you can write to, or give --db PATH."
        ) from exc
    return path


def default_db_path() -> Path:
    return data_dir() / "netdesk.sqlite3"


def resolve_db_path(cli_value: str | os.PathLike | None = None) -> Path:
    """``--db`` wins over ``NETDESK_DB``, which wins over the data directory."""
    if cli_value:
        return Path(cli_value).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def backup_dir(db_path: Path) -> Path:
    """Backups sit next to the database they protect, in ``backups/``."""
    path = db_path.parent / "backups"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path
