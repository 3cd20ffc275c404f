"""The ``netdesk`` command: every feature, scriptable, without a window.

Each module in :data:`COMMAND_MODULES` adds its subcommands through a ``register``
function; handlers take the parsed arguments and return an exit code. Errors the
user can fix are printed as one line on stderr, never a traceback.
"""

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from peewee import DatabaseError, OperationalError

from netdesk import __version__
from netdesk.errors import UserError

COMMAND_MODULES = (
    "netdesk.commands.contacts",
    "netdesk.commands.positions",
    "netdesk.commands.importing",
    "netdesk.commands.history",
    "netdesk.commands.followups",
    "netdesk.commands.calendars",
    "netdesk.commands.carddav",
    "netdesk.commands.data",
    "netdesk.commands.my_card",
)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2, like every other usage error
        self.exit(2, f"netdesk: {message} (see 'netdesk --help')\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="netdesk", description=__doc__.splitlines()[0])
    parser.add_argument("--version", action="version", version=f"netdesk {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="database file (default: NETDESK_DB or the data directory)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    gui = subparsers.add_parser("gui", help="start the window (the default)")
    gui.set_defaults(handler=run_gui, needs_db=False)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def run_gui(args: argparse.Namespace) -> int:
    from netdesk.ui.app import run

    return run(db=args.db)


def main(argv: Sequence[str] | None = None) -> int:
    os.umask(0o077)  # every file netdesk writes (db, backups, exports) is user-only
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        args.handler, args.needs_db = run_gui, False
    try:
        if getattr(args, "needs_db", True):
            from netdesk.commands.common import open_cli_database
            from netdesk.models.store.retry import retry_on_busy

            open_cli_database(args)
            # One command = one transaction: all or nothing, no update lost between
            # reading and writing, retried if another process keeps the database busy.
            # ``transaction=False`` (set_defaults) opts out.
            handler = retry_on_busy(
                args.handler, atomic=getattr(args, "transaction", True), optimistic=True
            )
            return int(handler(args) or 0)
        return int(args.handler(args) or 0)
    except UserError as exc:
        print(f"netdesk: {exc}", file=sys.stderr)
        return exc.exit_code
    except (OperationalError, DatabaseError, sqlite3.DatabaseError) as exc:
        from netdesk.models.store.db_location import unusable
        from netdesk.paths import resolve_db_path

        problem = unusable(resolve_db_path(args.db), exc)  # e.g. the disk filled up mid-command
        if problem is not None:
            print(f"netdesk: {problem}", file=sys.stderr)
            return problem.exit_code
        print(f"netdesk: database problem: {exc}. Is --db a netdesk database?", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("netdesk: interrupted; nothing was half-written.", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: say so in one line, full trace only on request
        if os.environ.get("NETDESK_DEBUG"):
            raise
        print(
            f"netdesk: internal error: {type(exc).__name__}: {exc} "
            "(set NETDESK_DEBUG=1 for details and please report it)",
            file=sys.stderr,
        )
        return 70
