"""Detecting and recording a career move (new position or promotion), and undoing it.

An import, a CardDAV sync or an edit that brings a different title or organization
for a contact that has one is a move, not an overwrite: the old position becomes a
past affiliation, the timeline gets a milestone with before and after, and the
congratulate rule plans a follow-up. A card that merely lists a position the contact
already holds (a second appointment) is not a move.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from netdesk.models import Contact, FollowUp, Interaction, database
from netdesk.services.calendar.followups import add_milestone
from netdesk.services.clock import local_today
from netdesk.services.contacts.affiliations import (
    Position,
    affiliation_rows,
    move_primary,
    undo_move,
)
from netdesk.services.contacts.editing import save_contact
from netdesk.services.history.interactions import refresh_last_interaction

NEW_POSITION, PROMOTION = "new position", "promotion"


@dataclass
class CareerChange:
    """One contact's move as the review lists it; ``apply`` False keeps the current position."""

    contact_id: int
    name: str
    before: Position
    after: Position
    kind: str  # NEW_POSITION (another organization) or PROMOTION (a new title there)
    apply: bool = True

    def summary(self) -> str:
        """ "Associate Professor, Mayo Clinic → Professor, Mayo Clinic"."""
        return f"{self.before.describe()} → {self.after.describe()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "contact": self.contact_id,
            "name": self.name,
            "kind": self.kind,
            "before": {"organization": self.before.organization, "title": self.before.title},
            "after": {"organization": self.after.organization, "title": self.after.title},
            "apply": self.apply,
        }


def _differs(old: str, new: str) -> bool:
    return (
        bool(old.strip()) and bool(new.strip()) and old.strip().casefold() != new.strip().casefold()
    )


def detect_change(
    contact_id: int,
    name: str,
    current: Position,
    incoming: Position,
    *,
    held: Iterable[tuple[str, str]] = (),
    listed: Iterable[tuple[str, str]] = (),
) -> CareerChange | None:
    """The move from ``current`` to ``incoming``, or None when it is not one.

    Not a move: a field only one side fills (a fill), a position the contact already
    holds besides the primary (``held``: keys of current second positions), or a card
    that still lists the current position among its others (``listed``).
    """
    org_moved = _differs(current.organization, incoming.organization)
    title_moved = _differs(current.title, incoming.title)
    if not (org_moved or title_moved):
        return None
    if incoming.key() in set(held) or current.key() in set(listed):
        return None
    after = Position(
        incoming.organization or current.organization,
        incoming.title or ("" if org_moved else current.title),
        incoming.department or ("" if org_moved else current.department),
    )
    return CareerChange(contact_id, name, current, after, NEW_POSITION if org_moved else PROMOTION)


def record_move(change: CareerChange, on: date | None = None) -> dict[str, Any]:
    """Apply a move: past affiliation, milestone and congratulate follow-up, in one go.

    Returns what :func:`undo_recorded_move` needs (stored with an import's changes).
    """
    on = on or local_today()
    contact = Contact.get_by_id(change.contact_id)
    with database.atomic():
        moved = move_primary(contact, change.after, on)
        what = change.after.title or change.after.organization
        summary = (
            f"New position: {change.after.describe()}"
            if change.kind == NEW_POSITION
            else f"Promotion: {what}"
        )
        note = f"Before: {change.before.describe()}\nAfter: {change.after.describe()}"
        milestone, followup = add_milestone(
            contact, change.kind, summary, on=on, note=note, congratulate=True
        )
    return {
        "affiliation": moved,
        "milestone": milestone.id,
        "followup": followup.id if followup else None,
    }


def undo_recorded_move(record: dict[str, Any]) -> None:
    """Remove the milestone and its follow-up and restore the old primary position."""
    with database.atomic():
        if record.get("followup"):
            FollowUp.delete().where(FollowUp.id == record["followup"]).execute()
        milestone = Interaction.get_or_none(Interaction.id == record.get("milestone"))
        if milestone is not None:
            milestone.delete_instance()
            refresh_last_interaction(milestone.contact_id)
        undo_move(record["affiliation"])


def edit_brings_change(contact_id: int | None, values: dict[str, Any]) -> CareerChange | None:
    """The move an editor form makes (a new title or organization), if it is one."""
    if contact_id is None or "org" in (values.get("kind"), Contact.get_by_id(contact_id).kind):
        return None  # an organization has no career
    rows = affiliation_rows(contact_id)
    current = next((r for r in rows if r["primary"]), None)
    if current is None:
        return None
    incoming = Position(
        values.get("organization") or "", values.get("title") or "", values.get("department") or ""
    )
    return detect_change(
        contact_id,
        Contact.get_by_id(contact_id).name,
        Position(current["organization"], current["title"], current["department"]),
        incoming,
        held=[
            Position(r["organization"], r["title"]).key()
            for r in rows
            if not r["primary"] and r["end_date"] is None
        ],
        listed=[
            Position(p.get("organization") or "", p.get("title") or "").key()
            for p in values.get("positions", ())
            if not p.get("end_date")
        ],
    )


def save_contact_with_move(
    contact_id: int | None, values: dict[str, Any], *, record: bool = True
) -> Contact:
    """Save an editor form; a new title or organization is recorded as a career move
    (unless ``record`` is False: a correction), all in one transaction."""
    with database.atomic():
        change = edit_brings_change(contact_id, values) if record else None
        if change is not None:
            moved = record_move(change)
            ended = moved["affiliation"]["ended"]
            if "positions" in values and ended:
                past = next(r for r in affiliation_rows(contact_id) if r["id"] == ended)
                keys = ("organization", "title", "department", "start_date", "end_date")
                values = {**values, "positions": [*values["positions"], {k: past[k] for k in keys}]}
        return save_contact(contact_id, values)
