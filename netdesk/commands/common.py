"""Helpers every subcommand shares: opening the database, printing JSON, parsing flags."""

import argparse
import getpass
import json
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from netdesk.errors import InputError, UserError
from netdesk.models import open_database
from netdesk.models.store.encryption import NeedsPassphrase
from netdesk.paths import resolve_db_path

PASSPHRASE_ENV = "NETDESK_PASSPHRASE"
# Commands that change many rows at once get a backup first (kept: the newest N each).
BACKUP_BEFORE = frozenset({"import", "undo-import", "merge", "dedupe", "delete"})


def read_passphrase(
    path: Path, *, confirm: bool = False, what: str = "Passphrase", encrypted: bool = True
) -> str:
    """``NETDESK_PASSPHRASE``, else a hidden prompt when there is a terminal."""
    value = os.environ.get(PASSPHRASE_ENV)
    if value:
        return value
    if not sys.stdin.isatty():
        if encrypted:
            raise NeedsPassphrase(
                f"{path} is either encrypted or not a netdesk database at all; if it is "
                f"encrypted, set {PASSPHRASE_ENV} or run netdesk in a terminal."
            )
        raise InputError(
            f"{path} needs a new passphrase: set {PASSPHRASE_ENV} or run netdesk in a terminal."
        )
    value = getpass.getpass(f"{what} for {path}: ")
    if confirm and getpass.getpass("Repeat it: ") != value:
        raise InputError("The two passphrases differ; nothing was changed.")
    if not value:
        raise InputError("The passphrase is empty; nothing was changed.")
    return value


def database_passphrase_for(path: Path) -> str | None:
    """The passphrase to open ``path``: None for a plain file, asked for an encrypted one."""
    from netdesk.models.store.encryption import is_encrypted_file, require_encryption

    if not is_encrypted_file(path):
        return None
    require_encryption()
    return read_passphrase(path)


def open_cli_database(args: argparse.Namespace):
    """Open --db (asking for a passphrase if it is encrypted), backed up before migrating.

    The daily automatic backup also runs here: a directory listing when today's backup
    exists, one online copy the first time a day (see docs/your-data.md).
    """
    from netdesk.models.store.migrations import MigrationError
    from netdesk.services.data import backup

    path = resolve_db_path(args.db)
    backup.install_pre_migration_backup()
    try:
        db = open_database(path, passphrase=database_passphrase_for(path))
    except MigrationError as exc:
        raise UserError(str(exc)) from None
    if getattr(args, "auto_backup", True) and not os.environ.get("NETDESK_NO_AUTO_BACKUP"):
        try:
            backup.auto_backup(db)
        except Exception as exc:  # a failed daily copy must not block the command
            print(f"netdesk: warning: the daily backup failed: {exc}", file=sys.stderr)
    command = getattr(args, "command", None)
    if command in BACKUP_BEFORE and not getattr(args, "dry_run", False):
        try:
            backup.backup_before(command, db)
        except Exception as exc:
            raise UserError(
                f"Could not back up the database before '{command}' ({exc}); nothing was changed."
            ) from exc
    return db


def print_json(data: Any) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def parse_date(value: str) -> date:
    """argparse ``type=`` for YYYY-MM-DD with a message that says what is wrong."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def require(condition: bool, message: str) -> None:
    if not condition:
        raise InputError(message)
