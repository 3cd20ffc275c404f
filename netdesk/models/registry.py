"""Every model, in the order their tables are created."""

from netdesk.models.affiliation import Affiliation
from netdesk.models.attendance import EventAttendance
from netdesk.models.calendar_link import CalendarLink
from netdesk.models.contact import Address, Contact, ContactMethod, ContactTag, Organization, Tag
from netdesk.models.event import Event
from netdesk.models.followup import FollowUp
from netdesk.models.importing import ImportBatch, ImportChange, ImportIssue
from netdesk.models.interaction import Interaction, Relationship
from netdesk.models.setting import Setting
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
    CalendarLink,
    VCardProperty,
    CardSyncState,
    Affiliation,
]
