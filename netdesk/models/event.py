"""Where people were met: conferences, CE courses, webinars, committees, rotations."""

from peewee import AutoField, CharField, DateField, DateTimeField, TextField

from netdesk.models.db import BaseModel, utcnow

EVENT_KINDS = (
    "conference",
    "ce course",
    "symposium",
    "webinar",
    "virtual summit",
    "committee",
    "rotation",
    "other",
)


class Event(BaseModel):
    id = AutoField()
    name = CharField(index=True)
    kind = CharField(default="conference")  # one of EVENT_KINDS
    start_date = DateField(null=True, index=True)
    end_date = DateField(null=True)
    location = CharField(default="")
    url = CharField(default="")
    notes = TextField(default="")
    created_at = DateTimeField(default=utcnow)
