"""People, how to reach them, where they work, and how the user groups them."""

from peewee import (
    AutoField,
    BlobField,
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from netdesk.models.db import BaseModel, utcnow

ROLES = (
    "physician",
    "nurse",
    "technician",
    "social worker",
    "administrator",
    "it",
    "researcher",
    "pharmacist",
    "therapist",
    "industry",
    "other",
)

METHOD_KINDS = ("email", "phone", "url", "social", "impp")

# What a contact is: a person, or an organization (a company or exhibitor card, vCard KIND:org).
CONTACT_KINDS = ("person", "org")
ORG_MARKER = " (organization)"  # after an organization's name wherever names are listed


class Organization(BaseModel):
    id = AutoField()
    name = CharField(unique=True, collation="NOCASE")
    created_at = DateTimeField(default=utcnow)


class Contact(BaseModel):
    id = AutoField()
    display_name = CharField(default="")
    given_name = CharField(default="")
    family_name = CharField(default="")
    additional_names = CharField(default="")
    prefix = CharField(default="")
    suffix = CharField(default="")
    credentials = CharField(default="")  # "MD, FACC" — comma separated, in order
    role = CharField(default="", index=True)  # one of ROLES or ""
    specialty = CharField(default="")
    title = CharField(default="")
    organization = ForeignKeyField(
        Organization, null=True, backref="contacts", on_delete="SET NULL"
    )
    department = CharField(default="")
    npi = CharField(default="")
    notes = TextField(default="")
    photo = BlobField(null=True)  # JPEG/PNG bytes, bounded by the importer
    photo_url = CharField(default="")  # recorded, never fetched
    birthday = DateField(null=True)
    anniversary = DateField(null=True)
    uid = CharField(default="", index=True)  # vCard UID, kept for round trips
    sort_key = CharField(default="", index=True)  # casefolded "family given" for sorting
    # the organization's name, kept by triggers (models/store/organization_sort.py) for sorting
    organization_sort = CharField(default="", collation="NOCASE")
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow, index=True)
    last_interaction_at = DateTimeField(null=True, index=True)
    stay_in_touch_days = IntegerField(null=True)
    archived = BooleanField(default=False, index=True)
    kind = CharField(default="person", index=True)  # one of CONTACT_KINDS

    @property
    def name(self) -> str:
        """What to call the person: the display name, or one built from the parts."""
        return format_name(*(getattr(self, f.name) for f in NAME_FIELDS))

    def save(self, *args, **kwargs):
        self.updated_at = utcnow()
        self.sort_key = make_sort_key(self.family_name, self.given_name, self.display_name)
        return super().save(*args, **kwargs)


# The columns format_name takes, in its order: select these to name rows without models.
NAME_FIELDS = (
    Contact.display_name,
    Contact.prefix,
    Contact.given_name,
    Contact.additional_names,
    Contact.family_name,
    Contact.suffix,
)


def format_name(
    display: str, prefix: str, given: str, additional: str, family: str, suffix: str
) -> str:
    """Contact.name from raw column values (lists read rows without building models)."""
    if display:
        return display
    built = " ".join(p for p in (prefix, given, additional, family) if p)
    if suffix:
        built = f"{built}, {suffix}" if built else suffix
    return built


def make_sort_key(family: str, given: str, display: str) -> str:
    """Sort by family then given name; fall back to the display name."""
    key = f"{family} {given}".strip() or display
    return key.casefold()[:120]


class ContactMethod(BaseModel):
    """An email, phone, URL, social profile or IM handle.

    ``normalized`` is what duplicates are matched on: lower-case email, E.164 phone,
    URL without scheme or trailing slash.
    """

    id = AutoField()
    contact = ForeignKeyField(Contact, backref="methods", on_delete="CASCADE")
    kind = CharField()  # one of METHOD_KINDS
    label = CharField(default="")  # work, home, cell, LinkedIn, Doximity, ...
    value = CharField()
    normalized = CharField(default="")
    preferred = BooleanField(default=False)

    class Meta:
        indexes = ((("kind", "normalized"), False),)


class Address(BaseModel):
    id = AutoField()
    contact = ForeignKeyField(Contact, backref="addresses", on_delete="CASCADE")
    label = CharField(default="")
    street = CharField(default="")
    locality = CharField(default="")
    region = CharField(default="")
    postal_code = CharField(default="")
    country = CharField(default="")
    po_box = CharField(default="")
    extended = CharField(default="")


# Every Address column a form or import carries (po_box/extended from vCards, not shown).
ADDRESS_FIELDS = (
    "label",
    "street",
    "locality",
    "region",
    "postal_code",
    "country",
    "po_box",
    "extended",
)


class Tag(BaseModel):
    id = AutoField()
    name = CharField(unique=True, collation="NOCASE")
    stay_in_touch_days = IntegerField(null=True)  # cadence for everyone with this tag


class ContactTag(BaseModel):
    contact = ForeignKeyField(Contact, backref="contact_tags", on_delete="CASCADE")
    tag = ForeignKeyField(Tag, backref="contact_tags", on_delete="CASCADE")

    class Meta:
        indexes = ((("contact", "tag"), True),)
