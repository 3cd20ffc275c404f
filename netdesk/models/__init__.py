"""Peewee models. Plain Python: nothing here imports Qt."""

from netdesk.models.affiliation import Affiliation
from netdesk.models.attendance import EventAttendance
from netdesk.models.calendar_link import LINK_STATES, CalendarLink
from netdesk.models.contact import (
    CONTACT_KINDS,
    METHOD_KINDS,
    ROLES,
    Address,
    Contact,
    ContactMethod,
    ContactTag,
    Organization,
    Tag,
)
from netdesk.models.db import (
    BaseModel,
    close_database,
    database,
    database_path,
    utcnow,
)
from netdesk.models.event import EVENT_KINDS, Event
from netdesk.models.followup import ORIGINS, STATUSES, FollowUp
from netdesk.models.importing import ImportBatch, ImportChange, ImportIssue
from netdesk.models.interaction import (
    CHANNELS,
    INTERACTION_KINDS,
    MILESTONE_KINDS,
    RELATIONSHIP_KINDS,
    Interaction,
    Relationship,
)
from netdesk.models.registry import ALL_MODELS
from netdesk.models.setting import Setting, get_setting, set_setting
from netdesk.models.store import sqlite_only  # noqa: F401 (first: peewee without Postgres drivers)
from netdesk.models.store.opening import open_database
from netdesk.models.vcard_sync import CardSyncState, VCardProperty

__all__ = [
    "Affiliation",
    "ALL_MODELS",
    "CHANNELS",
    "EVENT_KINDS",
    "INTERACTION_KINDS",
    "LINK_STATES",
    "METHOD_KINDS",
    "MILESTONE_KINDS",
    "ORIGINS",
    "RELATIONSHIP_KINDS",
    "ROLES",
    "CONTACT_KINDS",
    "STATUSES",
    "Address",
    "BaseModel",
    "CalendarLink",
    "CardSyncState",
    "Contact",
    "ContactMethod",
    "ContactTag",
    "Event",
    "EventAttendance",
    "FollowUp",
    "ImportBatch",
    "ImportChange",
    "ImportIssue",
    "Interaction",
    "Organization",
    "Relationship",
    "Setting",
    "Tag",
    "VCardProperty",
    "close_database",
    "database",
    "database_path",
    "get_setting",
    "open_database",
    "set_setting",
    "utcnow",
]
