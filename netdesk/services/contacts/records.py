"""Creating, editing, describing and deleting contacts (with a way back)."""

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from peewee import fn

from netdesk.errors import InputError
from netdesk.models import (
    CONTACT_KINDS,
    ROLES,
    Address,
    Affiliation,
    Contact,
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Organization,
    Relationship,
    Tag,
    database,
)
from netdesk.services.contacts.normalize import (
    is_safe_link,
    is_valid_email,
    is_valid_npi,
    is_valid_phone,
    normalize_method,
)
from netdesk.services.lookup import get_or_not_found

MAX_FIELD_CHARS = 1_000
MAX_NOTES_CHARS = 100_000
TEXT_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "additional_names",
    "prefix",
    "suffix",
    "credentials",
    "role",
    "specialty",
    "title",
    "department",
    "npi",
    "photo_url",
    "uid",
)
EDITABLE_FIELDS = (
    *TEXT_FIELDS,
    "kind",
    "notes",
    "stay_in_touch_days",
    "birthday",
    "anniversary",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufeff]")  # and stray byte-order marks


def clean_text(value: Any, limit: int = MAX_FIELD_CHARS) -> str:
    """Strip control characters and bound the length; every text field goes through here."""
    text = "" if value is None else str(value)
    return _CONTROL.sub("", text).strip()[:limit]


def split_name(full: str) -> tuple[str, str]:
    """ "Jane Q. Doe" -> ("Jane Q.", "Doe"); "Doe, Jane" -> ("Jane", "Doe")."""
    full = clean_text(full)
    if "," in full:
        family, _, given = full.partition(",")
        return given.strip(), family.strip()
    parts = full.split()
    if len(parts) < 2:
        return full, ""
    return " ".join(parts[:-1]), parts[-1]


def validate_fields(fields: dict[str, Any]) -> list[str]:
    """Messages for values the user should fix before saving (empty list = fine)."""
    problems = []
    if "role" in fields and fields["role"] and fields["role"] not in ROLES:
        problems.append(f"Role {fields['role']!r} is not one of: {', '.join(ROLES)}.")
    if fields.get("kind") not in (None, "", *CONTACT_KINDS):
        problems.append(f"Kind {fields['kind']!r} is not one of: {', '.join(CONTACT_KINDS)}.")
    npi = fields.get("npi")
    if npi and not is_valid_npi(str(npi)):
        problems.append(f"NPI {npi!r} is not a valid 10-digit NPI (check digit wrong).")
    days = fields.get("stay_in_touch_days")
    if days not in (None, "") and (not str(days).isdigit() or not 1 <= int(days) <= 3650):
        problems.append("Stay-in-touch cadence must be a number of days from 1 to 3650.")
    return problems


def validate_method(kind: str, value: str) -> str | None:
    if kind == "email" and not is_valid_email(value):
        return f"{value!r} is not a valid email address."
    if kind == "phone" and not is_valid_phone(value):
        return f"{value!r} is not a phone number (include the country code outside the US)."
    if kind in ("url", "social") and not is_safe_link(value):
        return (
            f"{value[:80]!r} cannot be saved as a link: only web, mail and phone links "
            "(https:, mailto:, tel:, …) are kept."
        )
    return None


def get_contact(contact_id: int) -> Contact:
    return get_or_not_found(Contact, contact_id, "contact")


def organization_named(name: str) -> Organization | None:
    name = clean_text(name)
    if not name:
        return None
    org, _ = Organization.get_or_create(name=name)
    return org


def tag_named(name: str) -> Tag:
    name = clean_text(name, 100)
    if not name:
        raise InputError("A tag needs a name.")
    tag, _ = Tag.get_or_create(name=name)
    return tag


def add_tags(contact: Contact, names: Iterable[str]) -> None:
    for name in names:
        if clean_text(name):
            ContactTag.insert(contact=contact, tag=tag_named(name)).on_conflict_ignore().execute()


def add_method(contact: Contact, kind: str, value: str, label: str = "", preferred=False):
    """Add an email/phone/url unless the contact already has it (normalised)."""
    value = clean_text(value)
    if not value:
        return None
    normalized = normalize_method(kind, value)
    existing = ContactMethod.get_or_none(
        (ContactMethod.contact == contact)
        & (ContactMethod.kind == kind)
        & (ContactMethod.normalized == normalized)
    )
    if existing is not None:
        return existing
    return ContactMethod.create(
        contact=contact,
        kind=kind,
        value=value,
        label=clean_text(label, 100),
        normalized=normalized,
        preferred=preferred,
    )


def _coerce(field: str, value: Any) -> Any:
    if field == "notes":
        return clean_text(value, MAX_NOTES_CHARS)
    if field == "kind":
        return clean_text(value) or "person"
    if field == "stay_in_touch_days":
        return int(value) if value not in (None, "") else None
    if field in ("birthday", "anniversary"):
        if value in (None, ""):
            return None
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    return clean_text(value)


def create_contact(
    *,
    name: str = "",
    emails: Iterable[str] = (),
    phones: Iterable[str] = (),
    organization: str = "",
    tags: Iterable[str] = (),
    **fields: Any,
) -> Contact:
    """Create a contact from a full name and/or fields; raises InputError on bad values."""
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(f"Unknown contact field(s): {', '.join(sorted(unknown))}.")
    is_org = fields.get("kind") == "org"  # an organization's name is not split
    if name and not is_org and not (fields.get("given_name") or fields.get("family_name")):
        fields["given_name"], fields["family_name"] = split_name(name)
    if name:
        fields.setdefault("display_name", clean_text(name))
    emails, phones = list(emails), list(phones)
    problems = validate_fields(fields)
    problems += [
        p
        for kind, vals in (("email", emails), ("phone", phones))
        for v in vals
        if (p := validate_method(kind, v))
    ]
    if not any(fields.get(k) for k in ("display_name", "given_name", "family_name")) and not (
        emails or organization
    ):
        problems.append("A contact needs at least a name, an email or an organization.")
    if problems:
        raise InputError(" ".join(problems))
    with database.atomic():
        contact = Contact(**{k: _coerce(k, v) for k, v in fields.items()})
        contact.organization = organization_named(organization)
        contact.save()
        for i, email in enumerate(emails):
            add_method(contact, "email", email, preferred=i == 0)
        for i, phone in enumerate(phones):
            add_method(contact, "phone", phone, preferred=i == 0)
        add_tags(contact, tags)
    return contact


def update_contact(contact: Contact, organization: str | None = None, **fields: Any) -> Contact:
    """Set the given fields (validated); ``organization`` by name, "" to clear."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(f"Unknown contact field(s): {', '.join(sorted(unknown))}.")
    problems = validate_fields(fields)
    if problems:
        raise InputError(" ".join(problems))
    with database.atomic():
        for key, value in fields.items():
            setattr(contact, key, _coerce(key, value))
        if organization is not None:
            contact.organization = organization_named(organization)
        contact.save()
    return contact


def _iso(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def contact_to_dict(contact: Contact) -> dict[str, Any]:
    """The JSON shape the CLI prints (``contacts --json``) and exports build on."""
    methods = list(contact.methods.order_by(ContactMethod.preferred.desc(), ContactMethod.id))
    tags = (
        Tag.select(Tag.name)
        .join(ContactTag)
        .where(ContactTag.contact == contact)
        .order_by(Tag.name)
    )
    events = (
        Event.select(Event.id, Event.name, Event.start_date)
        .join(EventAttendance)
        .where(EventAttendance.contact == contact)
        .order_by(Event.start_date)
    )
    return {
        "id": contact.id,
        "name": contact.name,
        "display_name": contact.display_name,
        "given_name": contact.given_name,
        "family_name": contact.family_name,
        "prefix": contact.prefix,
        "suffix": contact.suffix,
        "credentials": contact.credentials,
        "kind": contact.kind,
        "role": contact.role,
        "specialty": contact.specialty,
        "title": contact.title,
        "organization": contact.organization.name if contact.organization_id else "",
        "department": contact.department,
        "affiliations": _affiliations(contact),
        "npi": contact.npi,
        "emails": [m.value for m in methods if m.kind == "email"],
        "phones": [m.value for m in methods if m.kind == "phone"],
        "urls": [m.value for m in methods if m.kind in ("url", "social")],
        "tags": [t.name for t in tags],
        "events": [{"id": e.id, "name": e.name, "date": _iso(e.start_date)} for e in events],
        "notes": contact.notes,
        "birthday": _iso(contact.birthday),
        "stay_in_touch_days": contact.stay_in_touch_days,
        "last_interaction_at": _iso(contact.last_interaction_at),
        "archived": contact.archived,
        "created_at": _iso(contact.created_at),
        "updated_at": _iso(contact.updated_at),
    }


def _affiliations(contact: Contact) -> list[dict[str, Any]]:
    """Every position, the primary first, then current ones, then past ones."""
    query = (
        Affiliation.select(Affiliation, Organization.name.alias("org_name"))
        .left_outer_join(Organization, on=(Affiliation.organization == Organization.id))
        .where(Affiliation.contact == contact)
        .order_by(
            Affiliation.is_primary.desc(),
            Affiliation.end_date.is_null(False),
            Affiliation.end_date.desc(),
            Affiliation.id,
        )
        .objects()
    )
    return [
        {
            "organization": a.org_name or "",
            "title": a.title,
            "department": a.department,
            "start_date": _iso(a.start_date),
            "end_date": _iso(a.end_date),
            "primary": bool(a.is_primary),
        }
        for a in query
    ]


# Rows that belong to a contact and go (and come back) with it.
_CHILD_TABLES = (
    (ContactMethod, ContactMethod.contact),
    (Address, Address.contact),
    (Affiliation, Affiliation.contact),
    (ContactTag, ContactTag.contact),
    (EventAttendance, EventAttendance.contact),
    (FollowUp, FollowUp.contact),
    (Interaction, Interaction.contact),
    (Relationship, Relationship.source),
    (Relationship, Relationship.target),
)


_BATCH = 500  # ids per query: well under SQLite's bound-parameter limit


def snapshot_contacts(ids: Iterable[int]) -> list[dict[str, Any]]:
    """Everything needed to bring deleted contacts back exactly (same ids, same rows).

    Read in batches (one query per table per 500 contacts), so a multi-select of
    thousands snapshots in well under a second.
    """
    ids = list(dict.fromkeys(ids))
    shots = []
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        contacts = list(Contact.select().where(Contact.id.in_(chunk)).dicts())
        children: dict[tuple[int, int], list[dict]] = {}
        for index, (model, field) in enumerate(_CHILD_TABLES):
            for row in model.select().where(field.in_(chunk)).dicts():
                children.setdefault((index, row[field.name]), []).append(row)
        for contact in contacts:
            shots.append(
                {
                    "contact": contact,
                    "children": [
                        (model, children.get((index, contact["id"]), []))
                        for index, (model, _) in enumerate(_CHILD_TABLES)
                    ],
                }
            )
    return shots


def restore_contacts(shots: list[dict[str, Any]]) -> None:
    """Re-insert what :func:`snapshot_contacts` captured (undo of a delete)."""
    by_model: dict[Any, list[dict]] = {}
    for shot in shots:
        for model, rows in shot["children"]:
            by_model.setdefault(model, []).extend(rows)
    with database.atomic():
        _insert_batches(Contact, [shot["contact"] for shot in shots])
        # the contact rows' triggers made primary affiliations: the snapshot's come back instead
        ids = [shot["contact"]["id"] for shot in shots]
        for start in range(0, len(ids), _BATCH):
            chunk = ids[start : start + _BATCH]
            Affiliation.delete().where(Affiliation.contact.in_(chunk)).execute()
        for model, rows in by_model.items():
            _insert_batches(model, rows)


def _insert_batches(model, rows: list[dict]) -> None:
    for start in range(0, len(rows), 100):
        model.insert_many(rows[start : start + 100]).on_conflict_ignore().execute()


def delete_contacts(ids: Iterable[int]) -> int:
    with database.atomic():
        return Contact.delete().where(Contact.id.in_(list(ids))).execute()


def set_archived(ids: Iterable[int], archived: bool) -> None:
    Contact.update(archived=archived).where(Contact.id.in_(list(ids))).execute()


def count_contacts(include_archived: bool = False) -> int:
    query = Contact.select(fn.COUNT(Contact.id))
    if not include_archived:
        query = query.where(~Contact.archived)
    return query.scalar()
