"""Who was met where."""

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField

from netdesk.models.contact import Contact
from netdesk.models.db import BaseModel, utcnow
from netdesk.models.event import Event
from netdesk.models.importing import ImportBatch


class EventAttendance(BaseModel):
    """ "Met at": a contact seen at an event, and the import batch that recorded it."""

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="attendances", on_delete="CASCADE")
    event = ForeignKeyField(Event, backref="attendances", on_delete="CASCADE")
    import_batch = ForeignKeyField(
        ImportBatch, null=True, backref="attendances", on_delete="SET NULL"
    )
    role = CharField(default="")  # attendee, speaker, exhibitor, ...
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("contact", "event"), True),)
