"""What a contact carries beyond netdesk's own fields, and where it lives on a CardDAV server.

:class:`VCardProperty` keeps every vCard property (and every parameter of a modelled
property) netdesk does not understand exactly as received, so an export or a sync
writes it back unchanged. :class:`CardSyncState` remembers, per contact and address
book, the server's href and ETag and what both sides agreed on at the last sync, so
the next run can tell who changed what (three-way merge) without re-importing its
own writes.
"""

from peewee import (
    AutoField,
    BooleanField,
    CharField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from netdesk.models.contact import Contact
from netdesk.models.db import BaseModel, utcnow


class VCardProperty(BaseModel):
    """One preserved property line, or the unknown parameters of a modelled one.

    ``target`` is empty for a whole line (``text`` is the unfolded line as received,
    group and all); otherwise it names the modelled property the parameters in
    ``text`` belong to: ``email:<normalized>``, ``ADR:<parts>``, ``FN``, ``PHOTO``…
    """

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="vcard_properties", on_delete="CASCADE")
    position = IntegerField(default=0)
    target = CharField(default="")
    name = CharField(default="")
    group = CharField(default="")
    text = TextField()

    class Meta:
        indexes = ((("contact", "position"), False),)


class CardSyncState(BaseModel):
    """A contact as last agreed with one address book.

    ``contact`` becomes NULL when the contact is deleted in netdesk, so the next
    sync still knows which card to delete on the server. ``local_hash`` is the hash
    of the vCard netdesk would write for the contact, ``remote_hash`` the content
    hash of the server's card (volatile properties left out), ``base`` the card
    text both sides agreed on (the common ancestor of a three-way merge).
    """

    id = AutoField()
    book = CharField(index=True)  # address book URL
    contact = ForeignKeyField(
        Contact, null=True, backref="sync_states", on_delete="SET NULL", index=True
    )
    href = CharField()
    etag = CharField(default="")
    local_hash = CharField(default="")
    remote_hash = CharField(default="")
    base = TextField(default="")
    pending = BooleanField(default=False)  # a write was sent; its outcome is not known yet
    synced_at = DateTimeField(default=utcnow)

    class Meta:
        indexes = ((("book", "href"), True),)
