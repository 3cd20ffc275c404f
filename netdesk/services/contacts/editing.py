"""What the contact editor needs beyond create/update: whole-record saves, undo, choices.

The editor edits a contact as one form (fields, emails, phones, URLs, tags,
addresses, photo), so a save replaces those lists in one transaction. Undo of an edit puts back a
:func:`~netdesk.services.contacts.records.snapshot_contacts` snapshot with
:func:`replace_contacts`.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from peewee import fn

from netdesk.errors import InputError
from netdesk.models import (
    Address,
    Contact,
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Tag,
    database,
)
from netdesk.models.contact import ADDRESS_FIELDS
from netdesk.services.contacts.affiliations import (
    other_positions,
    set_other_positions,
    validate_affiliations,
)
from netdesk.services.contacts.normalize import normalize_method
from netdesk.services.contacts.records import (
    EDITABLE_FIELDS,
    add_method,
    add_tags,
    clean_text,
    create_contact,
    get_contact,
    restore_contacts,
    update_contact,
    validate_fields,
    validate_method,
)
from netdesk.services.limits import MAX_PHOTO_BYTES

URL_KINDS = ("url", "social")
# Editor list fields checked line by line: (form key, method kind).
METHOD_FIELDS = (("emails", "email"), ("phones", "phone"), ("urls", "url"))


def validate_form(values: dict[str, Any]) -> list[str]:
    """Every problem with an editor form, as messages (empty = it can be saved)."""
    fields = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    problems = validate_fields(fields)
    for key, kind in METHOD_FIELDS:
        problems += [p for v in values.get(key, ()) if (p := validate_method(kind, v))]
    for key in ("birthday", "anniversary"):
        if values.get(key) not in (None, "") and not _is_date(values[key]):
            problems.append(f"{key.title()} {values[key]!r} is not a date (use YYYY-MM-DD).")
    problems += validate_affiliations({**p, "primary": False} for p in values.get("positions", ()))
    photo = values.get("photo")
    if photo is not None and len(photo) > MAX_PHOTO_BYTES:
        problems.append(f"The photo is larger than {MAX_PHOTO_BYTES // 1024} KB.")
    named = any(clean_text(fields.get(k)) for k in ("display_name", "given_name", "family_name"))
    if not (named or values.get("emails") or clean_text(values.get("organization"))):
        problems.append("A contact needs at least a name, an email or an organization.")
    return problems


def _is_date(value: Any) -> bool:
    if isinstance(value, date):
        return True
    try:
        date.fromisoformat(str(value))
    except ValueError:
        return False
    return True


def set_methods(contact: Contact, kinds: tuple[str, ...], values: Iterable[str]) -> None:
    """Make the contact's methods of ``kinds`` exactly ``values`` (first one preferred).

    Methods that stay keep their label and kind; new ones get ``kinds[0]``.
    """
    values = [v for v in (clean_text(v) for v in values) if v]
    wanted = {normalize_method(kinds[0], v) for v in values}
    existing = list(contact.methods.where(ContactMethod.kind.in_(kinds)))
    for method in existing:
        if normalize_method(kinds[0], method.value) not in wanted:
            method.delete_instance()
    kept = {normalize_method(kinds[0], m.value): m for m in existing}
    for i, value in enumerate(values):
        method = kept.get(normalize_method(kinds[0], value))
        if method is None:
            method = add_method(contact, kinds[0], value)
        if method is not None and method.preferred != (i == 0):
            method.preferred = i == 0
            method.save()


def set_tags(contact: Contact, names: Iterable[str]) -> None:
    """Make the contact's tags exactly ``names`` (case-insensitive)."""
    names = [n for n in (clean_text(n, 100) for n in names) if n]
    keep = {n.casefold() for n in names}
    for link in ContactTag.select(ContactTag, Tag).join(Tag).where(ContactTag.contact == contact):
        if link.tag.name.casefold() not in keep:
            link.delete_instance()
    add_tags(contact, names)


def clean_addresses(addresses: Iterable[dict[str, Any]]) -> list[dict[str, str]]:
    """Addresses as stored: every column cleaned, rows with nothing but a label dropped."""
    rows = [{k: clean_text(a.get(k)) for k in ADDRESS_FIELDS} for a in addresses]
    return [r for r in rows if any(v for k, v in r.items() if k != "label")]


def address_rows(contact: Contact) -> list[dict[str, str]]:
    """The contact's addresses, in the order they were added."""
    query = contact.addresses.order_by(Address.id)
    return [{k: getattr(a, k) for k in ADDRESS_FIELDS} for a in query]


def set_addresses(contact: Contact, addresses: Iterable[dict[str, Any]]) -> bool:
    """Make the contact's addresses exactly ``addresses``; untouched if already so.

    Replacing all rows (rather than matching them up) is simplest and, inside the
    caller's transaction, atomic. Returns whether anything changed.
    """
    wanted = clean_addresses(addresses)
    if wanted == address_rows(contact):
        return False
    with database.atomic():
        Address.delete().where(Address.contact == contact).execute()
        for row in wanted:
            Address.create(contact=contact, **row)
    return True


def set_photo(contact: Contact, photo: bytes | None) -> bool:
    """Store ``photo`` (already bounded by the caller) or remove it with None."""
    photo = bytes(photo) if photo else None
    current = bytes(contact.photo) if contact.photo else None
    if photo == current:
        return False
    contact.photo = photo
    contact.save()
    return True


def save_contact(contact_id: int | None, values: dict[str, Any]) -> Contact:
    """Create (``contact_id`` None) or update a contact from an editor form, atomically.

    ``values`` holds EDITABLE_FIELDS plus ``organization``, ``emails``, ``phones``,
    ``urls``, ``tags`` and optionally ``addresses`` (list of dicts with
    ADDRESS_FIELDS), ``positions`` (the positions besides the primary one, which is
    ``organization`` / ``title`` / ``department``) and ``photo`` (bytes or None); a key
    left out is left alone.
    Read-only keys from :func:`form_values` (``uid``, ``photo_url``) are ignored. Raises InputError, naming every problem, before writing.
    """
    problems = validate_form(values)
    if problems:
        raise InputError(" ".join(problems))
    fields = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    emails, phones = list(values.get("emails", ())), list(values.get("phones", ()))
    with database.atomic():
        if contact_id is None:
            contact = create_contact(
                emails=emails,
                phones=phones,
                organization=values.get("organization", ""),
                tags=values.get("tags", ()),
                **fields,
            )
        else:
            contact = get_contact(contact_id)
            update_contact(contact, organization=values.get("organization", ""), **fields)
            set_methods(contact, ("email",), emails)
            set_methods(contact, ("phone",), phones)
            set_tags(contact, values.get("tags", ()))
        set_methods(contact, URL_KINDS, values.get("urls", ()))
        if "addresses" in values:
            set_addresses(contact, values["addresses"])
        if "photo" in values:
            set_photo(contact, values["photo"])
        if "positions" in values:
            set_other_positions(contact, values["positions"])
    return contact


def replace_contacts(shots: list[dict[str, Any]]) -> None:
    """Put contacts back exactly as snapshotted (undo/redo of an edit)."""
    ids = [shot["contact"]["id"] for shot in shots]
    with database.atomic():
        Contact.delete().where(Contact.id.in_(ids)).execute()
        restore_contacts(shots)


def deletion_summary(ids: Iterable[int]) -> dict[str, int]:
    """How much goes with these contacts, for a confirmation that says what is deleted."""
    ids = list(ids)

    def count(model, field) -> int:
        return model.select(fn.COUNT(model.id)).where(field.in_(ids)).scalar() or 0

    return {
        "contacts": count(Contact, Contact.id),
        "interactions": count(Interaction, Interaction.contact),
        "followups": count(FollowUp, FollowUp.contact),
        "attendances": count(EventAttendance, EventAttendance.contact),
        "methods": count(ContactMethod, ContactMethod.contact),
    }


def contact_names(ids: Iterable[int], limit: int = 3) -> list[str]:
    """The first few names among ``ids``, for messages."""
    query = Contact.select().where(Contact.id.in_(list(ids))).order_by(Contact.sort_key)
    return [c.name or f"#{c.id}" for c in query.limit(limit)]


def tag_names() -> list[str]:
    return [t.name for t in Tag.select(Tag.name).order_by(fn.lower(Tag.name))]


def event_choices() -> list[tuple[int, str]]:
    """(id, label) of every event, newest first, for a filter."""
    query = Event.select(Event.id, Event.name, Event.start_date).order_by(
        Event.start_date.desc(nulls="LAST"), Event.name
    )
    return [(e.id, f"{e.name} ({e.start_date:%Y})" if e.start_date else e.name) for e in query]


def form_values(contact: Contact) -> dict[str, Any]:
    """A contact as the editor's form values (the inverse of :func:`save_contact`)."""
    methods = list(contact.methods.order_by(ContactMethod.preferred.desc(), ContactMethod.id))
    values: dict[str, Any] = {k: getattr(contact, k) for k in EDITABLE_FIELDS}
    values["organization"] = contact.organization.name if contact.organization_id else ""
    values["emails"] = [m.value for m in methods if m.kind == "email"]
    values["phones"] = [m.value for m in methods if m.kind == "phone"]
    values["urls"] = [m.value for m in methods if m.kind in URL_KINDS]
    values["tags"] = [
        t.name
        for t in Tag.select(Tag.name)
        .join(ContactTag)
        .where(ContactTag.contact == contact)
        .order_by(fn.lower(Tag.name))
    ]
    values["addresses"] = address_rows(contact)
    values["positions"] = other_positions(contact)
    values["photo"] = bytes(contact.photo) if contact.photo else None
    values["photo_url"] = contact.photo_url  # read-only: shown, never fetched
    values["uid"] = contact.uid  # read-only: the link to the original card
    return values
