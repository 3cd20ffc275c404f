"""The relationship timeline: what happened with a contact, and how contacts relate.

Every write here keeps ``Contact.last_interaction_at`` true, and every destructive
write returns what the GUI needs to undo it (plain dicts of the removed rows).
"""

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any

from peewee import fn
from playhouse.shortcuts import model_to_dict

from netdesk.errors import InputError, NotFound
from netdesk.models import (
    CHANNELS,
    MILESTONE_KINDS,
    RELATIONSHIP_KINDS,
    Contact,
    Event,
    EventAttendance,
    FollowUp,
    ImportBatch,
    ImportChange,
    Interaction,
    Relationship,
    database,
    utcnow,
)
from netdesk.models.importing import files_label
from netdesk.services.clock import user_clock
from netdesk.services.contacts.records import MAX_NOTES_CHARS, clean_text, get_contact
from netdesk.services.lookup import get_or_not_found

# Kinds that mean "we were in touch" (a milestone of theirs is not a conversation).
CONTACT_KINDS = ("interaction", "resource")
DIRECTIONS = ("shared", "received")
EDITABLE_FIELDS = (
    "occurred_at",
    "channel",
    "milestone_kind",
    "summary",
    "note",
    "resource",
    "direction",
    "event",
)
# How a stored relationship reads from the target's side.
REVERSE_LABELS = {
    "mentor of": "mentee of",
    "colleague": "colleague",
    "referred by": "referred",
    "reports to": "manages",
    "collaborator": "collaborator",
}
SYMMETRIC_KINDS = ("colleague", "collaborator")
# Kinds a user may type; "mentee of" is stored as the reverse "mentor of".
RELATE_KINDS = (*RELATIONSHIP_KINDS, "mentee of")
TIMELINE_KINDS = ("interaction", "milestone", "resource", "event", "followup", "import")


def refresh_last_interaction(contact_id: int) -> None:
    """Recompute the denormalised ``last_interaction_at`` from the timeline."""
    latest = (
        Interaction.select(fn.MAX(Interaction.occurred_at))
        .where((Interaction.contact == contact_id) & Interaction.kind.in_(CONTACT_KINDS))
        .scalar()
    )
    if isinstance(latest, str):
        latest = datetime.fromisoformat(latest)
    Contact.update(last_interaction_at=latest).where(Contact.id == contact_id).execute()


def as_datetime(value: date | datetime | None) -> datetime | None:
    """Dates become midnight so that dated and timed entries sort together."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.combine(value, time())


def log_interaction(
    contact: Contact | int,
    *,
    channel: str = "email",
    summary: str = "",
    occurred_at: datetime | date | None = None,
    kind: str = "interaction",
    **extra,
) -> Interaction:
    """Add one timeline entry (interaction, milestone or resource) and update the contact."""
    if kind == "interaction" and channel not in CHANNELS:
        raise InputError(f"Channel {channel!r} is not one of: {', '.join(CHANNELS)}.")
    if "note" in extra:
        extra["note"] = clean_text(extra["note"], MAX_NOTES_CHARS)
    with database.atomic():
        row = Interaction.create(
            contact=contact,
            channel=channel if kind == "interaction" else extra.pop("channel", ""),
            summary=clean_text(summary, 500),
            occurred_at=as_datetime(occurred_at) or utcnow(),
            kind=kind,
            **extra,
        )
        refresh_last_interaction(row.contact_id)
    return row


def get_interaction(interaction_id: int) -> Interaction:
    return get_or_not_found(Interaction, interaction_id, "timeline entry")


def _validate(fields: dict[str, Any]) -> None:
    channel = fields.get("channel")
    if channel and channel not in CHANNELS:
        raise InputError(f"Channel {channel!r} is not one of: {', '.join(CHANNELS)}.")
    kind = fields.get("milestone_kind")
    if kind and kind not in MILESTONE_KINDS:
        raise InputError(f"Milestone {kind!r} is not one of: {', '.join(MILESTONE_KINDS)}.")
    direction = fields.get("direction")
    if direction and direction not in DIRECTIONS:
        raise InputError("A resource is either 'shared' or 'received'.")
    event = fields.get("event")
    if event is not None and not Event.select().where(Event.id == event).exists():
        raise NotFound(f"No event with id {event}.")


def edit_interaction(interaction_id: int, **fields: Any) -> dict[str, Any]:
    """Change fields of an entry; returns the previous values (pass back to undo)."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise InputError(f"Cannot edit: {', '.join(sorted(unknown))}.")
    _validate(fields)
    row = get_interaction(interaction_id)
    before = {k: getattr(row, k + "_id" if k == "event" else k) for k in fields}
    with database.atomic():
        for key, value in fields.items():
            if key in ("summary", "resource"):
                value = clean_text(value, 500)
            elif key == "note":
                value = clean_text(value, MAX_NOTES_CHARS)
            elif key == "occurred_at":
                value = as_datetime(value)
            setattr(row, key, value)
        row.save()
        refresh_last_interaction(row.contact_id)
    return before


def delete_interaction(interaction_id: int) -> dict[str, Any]:
    """Delete an entry (and the still-open "congratulate" follow-up it made).

    Returns a snapshot for :func:`restore_interaction`.
    """
    row = get_interaction(interaction_id)
    snapshot = {
        "interaction": model_to_dict(row, recurse=False),
        "followups": list(
            FollowUp.select().where(FollowUp.origin_key == f"milestone:{row.id}").dicts()
        ),
    }
    with database.atomic():
        FollowUp.delete().where(
            (FollowUp.origin_key == f"milestone:{row.id}") & (FollowUp.status != "done")
        ).execute()
        row.delete_instance()
        refresh_last_interaction(row.contact_id)
    return snapshot


def restore_interaction(snapshot: dict[str, Any]) -> Interaction:
    """Bring back what :func:`delete_interaction` removed, with the same ids."""
    data = snapshot["interaction"]
    with database.atomic():
        Interaction.insert(data).on_conflict_ignore().execute()
        for followup in snapshot.get("followups", ()):
            FollowUp.insert(followup).on_conflict_ignore().execute()
        refresh_last_interaction(data["contact"])
    return Interaction.get_by_id(data["id"])


def log_milestone(
    contact: Contact | int,
    kind: str,
    summary: str = "",
    *,
    on: date | datetime | None = None,
    note: str = "",
) -> Interaction:
    """Record a career milestone on the timeline (congratulating is the calendar's job)."""
    if kind not in MILESTONE_KINDS:
        raise InputError(f"Milestone {kind!r} is not one of: {', '.join(MILESTONE_KINDS)}.")
    contact = contact if isinstance(contact, Contact) else get_contact(contact)
    summary = clean_text(summary, 500) or kind.capitalize()
    return log_interaction(
        contact,
        kind="milestone",
        milestone_kind=kind,
        summary=summary,
        occurred_at=on,
        note=note,
    )


def add_resource(
    contact: Contact | int,
    resource: str,
    *,
    direction: str = "shared",
    summary: str = "",
    on: date | datetime | None = None,
    note: str = "",
) -> Interaction:
    """A link or file name shared with (or received from) the contact.

    Only the text is stored: netdesk never opens or fetches it.
    """
    resource = clean_text(resource, 500)
    if not resource:
        raise InputError("A resource needs a link or a file name.")
    _validate({"direction": direction})
    return log_interaction(
        contact,
        kind="resource",
        resource=resource,
        direction=direction,
        summary=summary or f"{'Shared' if direction == 'shared' else 'Received'} {resource}",
        occurred_at=on,
        note=note,
    )


# relationships --------------------------------------------------------------


@dataclass
class RelationView:
    """A relationship as seen from one contact: "<label> <other_name>"."""

    id: int
    other_id: int
    other_name: str
    label: str
    kind: str
    project: str


def add_relationship(
    a: Contact | int, b: Contact | int, kind: str, *, project: str = "", note: str = ""
) -> Relationship:
    """Record that ``a`` is <kind> ``b``; "mentee of" is kept as the reverse "mentor of"."""
    if kind not in RELATE_KINDS:
        raise InputError(f"Relationship {kind!r} is not one of: {', '.join(RELATE_KINDS)}.")
    a_id = a.id if isinstance(a, Contact) else get_contact(a).id
    b_id = b.id if isinstance(b, Contact) else get_contact(b).id
    if a_id == b_id:
        raise InputError("A contact cannot be related to themselves.")
    if kind == "mentee of":
        a_id, b_id, kind = b_id, a_id, "mentor of"
    pairs = [(a_id, b_id)] + ([(b_id, a_id)] if kind in SYMMETRIC_KINDS else [])
    for source, target in pairs:
        existing = Relationship.get_or_none(
            (Relationship.source == source)
            & (Relationship.target == target)
            & (Relationship.kind == kind)
        )
        if existing is not None:
            return existing
    return Relationship.create(
        source=a_id,
        target=b_id,
        kind=kind,
        project=clean_text(project, 300),
        note=clean_text(note, MAX_NOTES_CHARS),
    )


def relationships_for(contact_id: int) -> list[RelationView]:
    """Every relationship of a contact, worded from that contact's side."""
    views = []
    for rel in Relationship.select().where(
        (Relationship.source == contact_id) | (Relationship.target == contact_id)
    ):
        outgoing = rel.source_id == contact_id
        other = rel.target if outgoing else rel.source
        label = rel.kind if outgoing else REVERSE_LABELS.get(rel.kind, rel.kind)
        views.append(RelationView(rel.id, other.id, other.name, label, rel.kind, rel.project))
    return sorted(views, key=lambda v: (v.label, v.other_name.casefold()))


def delete_relationship(relationship_id: int) -> dict[str, Any]:
    rel = get_or_not_found(Relationship, relationship_id, "relationship")
    snapshot = model_to_dict(rel, recurse=False)
    rel.delete_instance()
    return snapshot


def restore_relationship(snapshot: dict[str, Any]) -> None:
    Relationship.insert(snapshot).on_conflict_ignore().execute()


# the timeline ---------------------------------------------------------------


@dataclass
class TimelineEntry:
    """One row of a contact's timeline, whatever it came from.

    ``ref`` is the id of the row in its own table (interaction, event, follow-up,
    import batch); ``status`` is set for follow-ups (open/done/snoozed/cancelled).
    """

    when: datetime
    kind: str
    title: str
    detail: str = ""
    ref: int = 0
    status: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["when"] = self.when.isoformat()
        return data


def _interaction_entries(contact_id: int, kinds: set[str]) -> list[TimelineEntry]:
    wanted = [k for k in ("interaction", "milestone", "resource") if k in kinds]
    if not wanted:
        return []
    entries = []
    query = Interaction.select().where(
        (Interaction.contact == contact_id) & Interaction.kind.in_(wanted)
    )
    for row in query:
        if row.kind == "milestone":
            detail = row.milestone_kind
        elif row.kind == "resource":
            detail = f"{row.direction}: {row.resource}"
        else:
            detail = row.channel
        if row.note:
            detail = f"{detail} — {row.note}" if detail else row.note
        entries.append(TimelineEntry(row.occurred_at, row.kind, row.summary, detail, row.id))
    return entries


def _event_entries(contact_id: int) -> list[TimelineEntry]:
    query = (
        Event.select(Event, EventAttendance.role)
        .join(EventAttendance)
        .where(EventAttendance.contact == contact_id)
        .objects()
    )
    entries = []
    for ev in query:
        when = as_datetime(ev.start_date) or ev.created_at
        detail = " · ".join(x for x in (ev.kind, ev.location, ev.role) if x)
        entries.append(TimelineEntry(when, "event", f"Met at {ev.name}", detail, ev.id))
    return entries


def _followup_entries(contact_id: int) -> list[TimelineEntry]:
    entries = []
    for f in FollowUp.select().where(FollowUp.contact == contact_id):
        if f.status == "done" and f.completed_at:
            when, detail = f.completed_at, f"done (was due {f.due_date.isoformat()})"
        else:
            when, detail = as_datetime(f.due_date), f"{f.status}, due {f.due_date.isoformat()}"
        entries.append(TimelineEntry(when, "followup", f.title, detail, f.id, f.status))
    return entries


def _import_entries(contact_id: int) -> list[TimelineEntry]:
    query = (
        ImportBatch.select(ImportBatch, ImportChange.action, ImportChange.before)
        .join(ImportChange)
        .where(ImportChange.contact == contact_id)
        .objects()
    )
    entries = []
    for row in query:
        if row.action == "career":  # the milestone it recorded is on the timeline itself
            continue
        if row.action == "conflict":  # a CardDAV sync decided a field both sides changed
            entries.append(
                TimelineEntry(row.created_at, "import", _conflict_text(row), "carddav", row.id)
            )
            continue
        name = files_label(row.file_names, row.source)
        action = "Imported" if row.action == "created" else "Merged from import"
        undone = " (undone)" if row.undone_at else ""
        entries.append(
            TimelineEntry(row.created_at, "import", f"{action} {name}{undone}", row.source, row.id)
        )
    return entries


def _conflict_text(row) -> str:
    try:
        c = json.loads(row.before or "{}")
    except ValueError:
        c = {}
    side = "this computer's" if c.get("winner") == "here" else "the server's"
    return (
        f"Contacts sync: {c.get('field', '?')} changed on both sides; kept {side} "
        f"{c.get('kept')!r}, the other value was {c.get('other')!r}"
    )


def timeline(contact_id: int, kinds: set[str] | list[str] | None = None) -> list[TimelineEntry]:
    """Everything that happened with a contact, newest first, filtered by ``kinds``."""
    get_contact(contact_id)
    kinds = set(kinds) if kinds else set(TIMELINE_KINDS)
    unknown = kinds - set(TIMELINE_KINDS)
    if unknown:
        raise InputError(
            f"Unknown timeline kind(s): {', '.join(sorted(unknown))}; "
            f"use {', '.join(TIMELINE_KINDS)}."
        )
    entries = _interaction_entries(contact_id, kinds)
    if "event" in kinds:
        entries += _event_entries(contact_id)
    if "followup" in kinds:
        entries += _followup_entries(contact_id)
    if "import" in kinds:
        entries += _import_entries(contact_id)
    # By the user's wall clock, so timed entries and dated ones (00:00) order by the day shown.
    wall = user_clock().wall_of
    entries.sort(key=lambda e: (wall(e.when), e.ref), reverse=True)
    return entries
