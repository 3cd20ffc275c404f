"""A person's positions: where they work, as what, since when and until when.

A contact may hold several positions at once (attending physician at a hospital,
associate professor at a medical school) and collects past ones as careers move.
The *primary* position is also kept on the contact row (``organization``, ``title``,
``department``) so the list, its sort by organization and the keyset paging read one
row per contact; triggers (``models/store/affiliation_sync.py``) keep the primary
affiliation in step with the contact row for every writer.
"""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
)

from netdesk.models.contact import Contact, Organization
from netdesk.models.db import BaseModel, utcnow


class Affiliation(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="affiliations", on_delete="CASCADE")
    organization = ForeignKeyField(
        Organization, null=True, backref="affiliations", on_delete="SET NULL"
    )
    title = CharField(default="")
    department = CharField(default="")
    start_date = DateField(null=True)
    end_date = DateField(null=True)  # set: a past position
    is_primary = BooleanField(default=False)
    position = IntegerField(default=0)  # order in the editor and in vCards
    created_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("contact", "is_primary"), False), (("organization",), False))
