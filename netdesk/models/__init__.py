"""Peewee models. Plain Python: nothing here imports Qt."""

from netdesk.models.attendance import EventAttendance
from netdesk.models.contact import (
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
    open_database,
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
from netdesk.models.setting import Setting, get_setting, set_setting
from netdesk.models.vcard_sync import CardSyncState, VCardProperty

ALL_MODELS = [
    Organization,
    Contact,
    ContactMethod,
    Address,
    Tag,
    ContactTag,
    Event,
    ImportBatch,
    EventAttendance,
    FollowUp,
    Interaction,
    Relationship,
    ImportIssue,
    ImportChange,
    Setting,
    VCardProperty,
    CardSyncState,
]

__all__ = [
    "ALL_MODELS",
    "CHANNELS",
    "EVENT_KINDS",
    "INTERACTION_KINDS",
    "METHOD_KINDS",
    "MILESTONE_KINDS",
    "ORIGINS",
    "RELATIONSHIP_KINDS",
    "ROLES",
    "STATUSES",
    "Address",
    "BaseModel",
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
