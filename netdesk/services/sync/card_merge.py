"""How one card and one contact are compared, merged and made to agree.

Content hashes are taken over the parsed card, so a server's rewrite of the same
content (REV, PRODID, folding, order, case) hashes the same. The three-way merge
works on drafts (the parse of the base card, of the contact's own vCard, and of the
server's card), so all three sides are normalised alike. :func:`apply_draft` writes
a merged or received card into a contact, never clearing what only netdesk writes.
"""

import hashlib
import json
from dataclasses import dataclass, replace
from typing import Any

from netdesk.models import Address, Contact, ContactMethod, Organization
from netdesk.models.contact import ADDRESS_FIELDS
from netdesk.services.careers.moves import detect_change, record_move
from netdesk.services.contacts.affiliations import Position, add_affiliations, affiliation_rows
from netdesk.services.contacts.records import MAX_NOTES_CHARS, clean_text
from netdesk.services.importing.dedupe import normalized
from netdesk.services.importing.drafts import DRAFT_FIELDS, ContactDraft, ParseProblem
from netdesk.services.importing.vcard import VOLATILE_PROPERTIES, draft_from_card
from netdesk.services.importing.vcard_extras import draft_extras, replace_extras

# Fields only netdesk writes (X-NETDESK-*): a card without them has not cleared them,
# its client just does not know them.
NETDESK_ONLY = ("role", "specialty", "npi", "stay_in_touch_days")
SCALARS = (*DRAFT_FIELDS, "photo", "stay_in_touch_days")


# --- content hashes -------------------------------------------------------------------


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def parse_card(text: str, href: str = "") -> ContactDraft | ParseProblem:
    return draft_from_card(href or "card", 1, 1, text)


def content_hash(draft: ContactDraft) -> str:
    """What a card says, whatever its spelling: equal for a card and a server's rewrite
    of it (REV, PRODID, folding, parameter case and order do not count)."""
    data: dict[str, Any] = {f: _jsonable(getattr(draft, f)) for f in SCALARS}
    data["methods"] = sorted(_method_key(m) for m in draft.methods)
    data["addresses"] = sorted([*a.key(), a.label] for a in draft.addresses)
    data["tags"] = sorted(t.casefold() for t in draft.tags)
    data["events"] = sorted([e.name, e.kind, str(e.start_date)] for e in draft.events)
    data["positions"] = sorted([*_position_key(p), str(p.end_date)] for p in draft.affiliations)
    data["extras"] = [
        [e.target, e.text] for e in draft_extras(draft) if e.name not in VOLATILE_PROPERTIES
    ]
    return text_hash(json.dumps(data, sort_keys=True, default=str))


def _position_key(p) -> tuple[str, str]:
    return Position(p.organization, p.title).key()


def _method_key(m) -> list:
    return [m.kind, normalized(m.kind, m.value.strip()), m.label, bool(m.preferred)]


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return hashlib.sha256(value).hexdigest()
    return value if value is None or isinstance(value, int | str) else str(value)


# --- three-way merge -------------------------------------------------------------------


@dataclass
class Conflict:
    field: str
    kept: Any
    other: Any
    winner: str  # "here" or "server"


def merge_drafts(
    base: ContactDraft | None, local: ContactDraft, remote: ContactDraft, local_wins: bool
) -> tuple[ContactDraft, list[Conflict]]:
    """Field by field: a side that did not change a field takes the other's change; both
    changed it differently: ``local_wins`` decides (the caller's rule: newest, mine or
    theirs). Lists (emails, phones, addresses, tags, kept properties) merge item by item:
    additions from both, removals from either. Without a base (first sync) empty fields
    are filled from the other side."""
    merged = replace(local)
    conflicts: list[Conflict] = []
    for name in SCALARS:
        b = getattr(base, name) if base is not None else None
        lv, rv = getattr(local, name), getattr(remote, name)
        if _same(lv, rv) or _empty(rv) and (name in NETDESK_ONLY or base is None):
            value = lv
        elif base is not None and _same(lv, b):
            value = rv
        elif base is not None and _same(rv, b) or _empty(rv):
            value = lv
        elif _empty(lv):
            value = rv
        else:
            winner_local = local_wins
            value = lv if winner_local else rv
            conflicts.append(
                Conflict(
                    name, value, rv if winner_local else lv, "here" if winner_local else "server"
                )
            )
        setattr(merged, name, value)
    if not merged.uid:  # a card keeps its UID whatever a side lost
        merged.uid = remote.uid or (base.uid if base is not None else "")
    merged.methods = _merge_items(
        base.methods if base else None, local.methods, remote.methods,
        lambda m: (m.kind, normalized(m.kind, m.value.strip())),
    )  # fmt: skip
    merged.addresses = _merge_items(
        base.addresses if base else None, local.addresses, remote.addresses, lambda a: a.key()
    )
    merged.tags = _merge_items(
        base.tags if base else None, local.tags, remote.tags, lambda t: t.casefold()
    )
    merged.extras = _merge_items(
        base.extras if base else None, local.extras, remote.extras, lambda e: (e.target, e.text)
    )
    merged.affiliations = _merge_items(
        base.affiliations if base else None, local.affiliations, remote.affiliations,
        _position_key,
    )  # fmt: skip
    seen = {(e.name.casefold(), e.start_date) for e in local.events}
    merged.events = [*local.events] + [
        e for e in remote.events if (e.name.casefold(), e.start_date) not in seen
    ]
    return merged, conflicts


def _merge_items(base: list | None, local: list, remote: list, key) -> list:
    base_keys = {key(x) for x in base} if base is not None else set()
    local_keys, remote_keys = {key(x) for x in local}, {key(x) for x in remote}
    out, seen = [], set()
    for item in [*local, *remote]:
        k = key(item)
        if k in seen:
            continue
        removed = k in base_keys and (k not in local_keys or k not in remote_keys)
        if not removed:
            out.append(item)
        seen.add(k)
    return out


def _empty(value: Any) -> bool:
    return value in (None, "", b"")


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip() == b.strip()
    return a == b


# --- writing a card into a contact ----------------------------------------------------


def apply_draft(contact: Contact, draft: ContactDraft) -> bool:
    """Make the contact say what the card says (fields, emails, phones, addresses, tags,
    kept properties); events are only added. Fields only netdesk writes are never
    cleared by a card that lacks them. True when the card brought a career move (the
    contact then says more than the card: its past position)."""
    from netdesk.services.contacts.editing import set_tags

    moved = _record_career_move(contact, draft)
    for name in (*DRAFT_FIELDS, "photo", "stay_in_touch_days"):
        value = getattr(draft, name)
        if (name in NETDESK_ONLY or name == "uid") and _empty(value):
            continue
        if name == "organization":
            org = clean_text(value)
            contact.organization = Organization.get_or_create(name=org)[0] if org else None
        elif name == "notes":
            contact.notes = clean_text(value, MAX_NOTES_CHARS)
        elif name in ("photo", "birthday", "anniversary", "stay_in_touch_days"):
            setattr(contact, name, value)
        else:
            setattr(contact, name, clean_text(value))
    contact.save()
    _apply_methods(contact, draft)
    _apply_addresses(contact, draft)
    set_tags(contact, draft.tags)
    _apply_events(contact, draft)
    add_affiliations(contact.id, [vars(p) for p in draft.affiliations])
    replace_extras(contact.id, draft_extras(draft))
    return moved


def _record_career_move(contact: Contact, draft: ContactDraft) -> bool:
    """A card that brings a new title or organization: the old one becomes a past
    position, with a milestone and a congratulate follow-up (as on import).

    Second positions the card lacks are not removed: the card netdesk pushes next
    carries them again (a position ended by the move is on it with its end date).
    """
    if "org" in (contact.kind, draft.kind):
        return False  # an organization's card has no career
    rows = affiliation_rows(contact.id)
    current = next((r for r in rows if r["primary"]), None)
    if current is None:
        return False
    change = detect_change(
        contact.id,
        contact.name,
        Position(current["organization"], current["title"], current["department"]),
        Position(draft.organization, draft.title, draft.department),
        held=[
            Position(r["organization"], r["title"]).key()
            for r in rows
            if not r["primary"] and r["end_date"] is None
        ],
        listed=[_position_key(p) for p in draft.affiliations],
    )
    if change is not None:
        record_move(change)
    return change is not None


def _apply_methods(contact: Contact, draft: ContactDraft) -> None:
    existing = {(m.kind, m.normalized): m for m in contact.methods}
    wanted = []
    for m in draft.methods:
        value = clean_text(m.value)
        key = (m.kind, normalized(m.kind, value))
        if value and key not in [w[0] for w in wanted]:
            wanted.append((key, m, value))
    keep = {key for key, _, _ in wanted}
    for key, row in existing.items():
        if key not in keep:
            row.delete_instance()
    for key, m, value in wanted:
        row = existing.get(key)
        label = clean_text(m.label, 100)
        if row is None:
            ContactMethod.create(
                contact=contact, kind=m.kind, value=value, label=label,
                normalized=key[1], preferred=m.preferred,
            )  # fmt: skip
        elif (row.value, row.label, row.preferred) != (value, label, m.preferred):
            row.value, row.label, row.preferred = value, label, m.preferred
            row.save()


def _apply_addresses(contact: Contact, draft: ContactDraft) -> None:
    existing = {}
    for a in contact.addresses:
        parts = (a.street, a.locality, a.region, a.postal_code, a.country, a.po_box, a.extended)
        existing[tuple(p.casefold().strip() for p in parts)] = a
    keep = set()
    for a in draft.addresses:
        keep.add(a.key())
        values = {name: clean_text(getattr(a, name)) for name in ADDRESS_FIELDS}
        values["label"] = clean_text(a.label, 100)
        row = existing.get(a.key())
        if row is None:
            Address.create(contact=contact, **values)
        elif any(getattr(row, k) != v for k, v in values.items()):
            Address.update(values).where(Address.id == row.id).execute()
    for key, row in existing.items():
        if key not in keep:
            row.delete_instance()


def _apply_events(contact: Contact, draft: ContactDraft) -> None:
    from netdesk.models import Event, EventAttendance

    for ev in draft.events:
        name = clean_text(ev.name, 200)
        same_date = (
            Event.start_date == ev.start_date if ev.start_date else Event.start_date.is_null()
        )
        event = Event.get_or_none((Event.name == name) & same_date) or Event.create(
            name=name, kind=ev.kind, start_date=ev.start_date
        )
        EventAttendance.insert(contact=contact, event=event).on_conflict_ignore().execute()
