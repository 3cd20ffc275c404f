"""``netdesk backup / restore / backups / check / encrypt / decrypt``: looking after the file."""

import argparse
from pathlib import Path

from netdesk.commands.common import (
    database_passphrase_for,
    print_json,
    read_passphrase,
)
from netdesk.errors import UserError
from netdesk.models import database
from netdesk.models.store.encryption import is_encrypted_file, require_encryption
from netdesk.paths import resolve_db_path


def register(subparsers) -> None:
    b = subparsers.add_parser("backup", help="copy the database to OUT (safe while in use)")
    b.add_argument("out", metavar="OUT", help="file (or folder) to write the backup to")
    b.set_defaults(handler=backup_cmd, auto_backup=False, transaction=False)

    r = subparsers.add_parser(
        "restore", help="replace the database with backup IN (the current one is kept)"
    )
    r.add_argument("source", metavar="IN", help="a backup made by netdesk")
    r.set_defaults(handler=restore_cmd, needs_db=False)

    ls = subparsers.add_parser("backups", help="list the backups next to the database")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(handler=list_cmd, needs_db=False)

    c = subparsers.add_parser("check", help="run SQLite's integrity check on the database")
    c.set_defaults(handler=check_cmd, needs_db=False)

    e = subparsers.add_parser(
        "encrypt", help="encrypt the database with a passphrase (NETDESK_PASSPHRASE or prompt)"
    )
    e.add_argument(
        "--remove-plain-backups",
        action="store_true",
        help="afterwards delete the unencrypted backups in the backup folder",
    )
    e.set_defaults(handler=encrypt_cmd, needs_db=False)
    d = subparsers.add_parser("decrypt", help="store the encrypted database unencrypted")
    d.set_defaults(handler=decrypt_cmd, needs_db=False)


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def backup_cmd(args: argparse.Namespace) -> int:
    from netdesk.services.data.backup import backup

    out = backup(None, args.out)
    encrypted = " (encrypted, same passphrase)" if is_encrypted_file(out) else ""
    print(f"Backed up {database.database} to {out}{encrypted}, {_size(out.stat().st_size)}.")
    return 0


def restore_cmd(args: argparse.Namespace) -> int:
    from netdesk.services.data.backup import install_restore, prepare_restore

    db_path = resolve_db_path(args.db)
    source = Path(args.source).expanduser()
    key = read_passphrase(source, what="Passphrase of the backup") if _encrypted(source) else None
    current_key = None
    if is_encrypted_file(db_path):
        current_key = key or database_passphrase_for(db_path)
    prepared = prepare_restore(source, db_path, key, current_key)
    result = install_restore(prepared, reopen=False)
    print(
        f"Restored {result.restored_from} ({result.contacts} contacts, schema "
        f"v{prepared.validated.schema_version}) into {result.database}."
    )
    if result.safety_copy:
        print(f"The database it replaced was saved to {result.safety_copy}.")
    return 0


def _encrypted(path: Path) -> bool:
    if is_encrypted_file(path):
        require_encryption()
        return True
    return False


def list_cmd(args: argparse.Namespace) -> int:
    from netdesk.services.data.backup import list_backups

    db_path = resolve_db_path(args.db)
    found = list_backups(db_path)
    if args.json:
        print_json(
            [
                {
                    "path": str(b.path),
                    "kind": b.kind,
                    "taken_at": b.taken_at,
                    "size": b.size,
                    "encrypted": is_encrypted_file(b.path),
                }
                for b in found
            ]
        )
        return 0
    if not found:
        print(f"No backups yet in {db_path.parent / 'backups'}.")
        return 0
    for b in found:
        lock = "encrypted" if is_encrypted_file(b.path) else "plain"
        print(f"{b.taken_at:%Y-%m-%d %H:%M:%S}\t{b.kind}\t{_size(b.size)}\t{lock}\t{b.path}")
    return 0


def check_cmd(args: argparse.Namespace) -> int:
    """Works on a damaged file too: a raw connection, no migration, nothing written."""
    from netdesk.services.data.backup import check_file

    db_path = resolve_db_path(args.db)
    if not db_path.exists():
        raise UserError(f"{db_path}: no such database.")
    problems = check_file(db_path, database_passphrase_for(db_path))
    if problems:
        for p in problems:
            print(p)
        raise UserError(
            f"{db_path} has {len(problems)} problem(s); restore a backup (netdesk backups)."
        )
    print(f"ok: {db_path} passed the integrity check.")
    return 0


def encrypt_cmd(args: argparse.Namespace) -> int:
    from netdesk.services.data.backup import plain_backups
    from netdesk.services.data.encrypt import encrypt_database

    require_encryption()
    db_path = resolve_db_path(args.db)
    _require_file(db_path)
    passphrase = read_passphrase(db_path, confirm=True, what="New passphrase", encrypted=False)
    result = encrypt_database(db_path, passphrase)
    print(f"Encrypted {db_path} ({result.contacts} contacts).")
    plain = plain_backups(db_path)
    if args.remove_plain_backups:
        for b in plain:
            b.path.unlink(missing_ok=True)
        print(f"Deleted {len(plain)} unencrypted backup(s) from {db_path.parent / 'backups'}.")
    elif plain:
        print(
            f"{len(plain)} backup(s) in {db_path.parent / 'backups'} are NOT encrypted, "
            f"including the copy made just now ({result.safety_copy.name}). Delete them once "
            "you have checked the encrypted file (netdesk encrypt --remove-plain-backups "
            "does it for you next time, or delete the files)."
        )
    return 0


def decrypt_cmd(args: argparse.Namespace) -> int:
    from netdesk.services.data.encrypt import decrypt_database

    require_encryption()
    db_path = resolve_db_path(args.db)
    _require_file(db_path)
    result = decrypt_database(db_path, read_passphrase(db_path))
    print(
        f"Decrypted {db_path} ({result.contacts} contacts); it is now stored unencrypted. "
        f"The encrypted original was saved to {result.safety_copy}."
    )
    return 0


def _require_file(path: Path) -> None:
    if not path.exists():
        raise UserError(f"{path}: no such database.")
