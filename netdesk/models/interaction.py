"""The relationship history: what happened with a contact, and how contacts relate."""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, TextField

from netdesk.models.contact import Contact
from netdesk.models.db import BaseModel, utcnow
from netdesk.models.event import Event
from netdesk.models.followup import FollowUp

INTERACTION_KINDS = ("interaction", "milestone", "resource")
CHANNELS = (
    "met",
    "email",
    "call",
    "video",
    "coffee",
    "message",
    "linkedin",
    "doximity",
    "sermo",
    "meeting",
    "other",
)
MILESTONE_KINDS = (
    "promotion",
    "new position",
    "publication",
    "award",
    "grant",
    "board certification",
    "graduation",
    "residency match",
    "retirement",
    "other",
)
RELATIONSHIP_KINDS = ("mentor of", "colleague", "referred by", "reports to", "collaborator")


class Interaction(BaseModel):
    """One entry of a contact's timeline.

    ``kind`` says which: a conversation (``channel`` says how), a career milestone
    (``milestone_kind``), or a resource shared or received (``resource``,
    ``direction``). ``occurred_at`` is naive UTC.
    """

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="interactions", on_delete="CASCADE")
    occurred_at = DateTimeField(default=utcnow)
    kind = CharField(default="interaction")
    channel = CharField(default="")
    milestone_kind = CharField(default="")
    summary = CharField(default="")
    note = TextField(default="")
    resource = CharField(default="")  # URL or file name
    direction = CharField(default="")  # "shared" or "received" for resources
    event = ForeignKeyField(Event, null=True, backref="interactions", on_delete="SET NULL")
    followup = ForeignKeyField(FollowUp, null=True, backref="interactions", on_delete="SET NULL")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("contact", "occurred_at"), False), (("kind", "occurred_at"), False))


class Relationship(BaseModel):
    """A directed link: ``source`` is <kind> ``target`` ("Ana is mentor of Ben")."""

    id = AutoField()
    source = ForeignKeyField(Contact, backref="relationships_out", on_delete="CASCADE")
    target = ForeignKeyField(Contact, backref="relationships_in", on_delete="CASCADE")
    kind = CharField()
    project = CharField(default="")  # for collaborators: project or publication
    note = TextField(default="")
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("source", "target", "kind"), True),)
