"""Helpers every subcommand shares: opening the database, printing JSON, parsing flags."""

import argparse
import json
import sys
from datetime import date
from typing import Any

from netdesk.errors import InputError
from netdesk.models import open_database
from netdesk.paths import resolve_db_path


def open_cli_database(args: argparse.Namespace):
    return open_database(resolve_db_path(args.db))


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
