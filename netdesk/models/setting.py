"""Settings that services need (CalDAV URL, alarms, CSV column mappings, time zone).

Window geometry and other view state live in QSettings; what the CLI also needs
lives here. Never secrets: passwords go to the system keyring.
"""

import json
from typing import Any

from peewee import CharField, TextField

from netdesk.models.db import BaseModel


class Setting(BaseModel):
    key = CharField(primary_key=True)
    value = TextField()  # JSON


def get_setting(key: str, default: Any = None) -> Any:
    """The stored value, or ``default`` when missing or unreadable (hand-edited files)."""
    row = Setting.get_or_none(Setting.key == key)
    if row is None:
        return default
    try:
        return json.loads(row.value)
    except (ValueError, TypeError, RecursionError):
        return default


def set_setting(key: str, value: Any) -> None:
    Setting.replace(key=key, value=json.dumps(value)).execute()
