"""Follow-ups: what the user means to do, when, and what the calendar already knows."""

from peewee import (
    AutoField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
    TimeField,
)

from netdesk.models.contact import Contact
from netdesk.models.db import BaseModel, utcnow

STATUSES = ("open", "done", "snoozed", "cancelled")
ORIGINS = ("manual", "event", "cadence", "milestone")


class FollowUp(BaseModel):
    """One follow-up.

    All-day when ``due_time`` is null, else a timed slot of ``duration_minutes`` in
    ``timezone`` (IANA). ``uid`` never changes; ``sequence`` is bumped on every change
    so calendars update the event instead of duplicating it. ``origin_key`` makes
    rules idempotent ("event:12", "milestone:40", "cadence:7:2026-12-01"). What each
    connected calendar holds is in :class:`~netdesk.models.calendar_link.CalendarLink`.
    """

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="followups", on_delete="CASCADE")
    title = CharField()
    note = TextField(default="")
    due_date = DateField(index=True)
    due_time = TimeField(null=True)
    duration_minutes = IntegerField(default=15)
    timezone = CharField(default="")
    status = CharField(default="open", index=True)
    origin = CharField(default="manual")
    origin_key = CharField(null=True, unique=True)
    template = CharField(default="")
    uid = CharField(unique=True)
    sequence = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)
    completed_at = DateTimeField(null=True)
    exported_sequence = IntegerField(null=True)

    class Meta:
        indexes = ((("status", "due_date"), False),)
