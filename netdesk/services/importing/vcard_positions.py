"""Several positions in one vCard: grouped ORG / TITLE, read and written.

vCard allows a property more than once; what ties an ORG to its TITLE is a group
(``item2.ORG`` and ``item2.TITLE``), as Apple ties a label to its property. netdesk
writes the primary position ungrouped (what every client shows: ``ORG`` / ``TITLE``,
``PREF=1`` in 4.0 when there are others) and every other position in its own
``itemN.`` group, with ``itemN.X-NETDESK-START`` / ``itemN.X-NETDESK-END`` for its
dates; reading takes the ungrouped (else the preferred, else the first) position as
the primary and every other group as a further position, so a card round-trips.
"""

from datetime import date
from typing import Any

from netdesk.models import Affiliation, Contact, Organization
from netdesk.services.importing.drafts import ContactDraft, DraftAffiliation

START, END = "X-NETDESK-START", "X-NETDESK-END"
MAX_POSITIONS = 50  # per card; a card with more is hostile or broken, the rest is noted


def note_position(acc: dict, group: str, name: str, value: Any, pref: bool = False) -> None:
    """A grouped ORG (value: its parts) or TITLE (value: text) or date, kept by group."""
    slot = acc.setdefault("positions", {}).setdefault(group.lower(), {"pref": False})
    if name == "ORG":
        slot["organization"] = value[0] if value else ""
        slot["department"] = ", ".join(p for p in value[1:] if p)
    elif name == "TITLE":
        slot["title"] = value
    elif name == START:
        slot["start_date"] = value
    elif name == END:
        slot["end_date"] = value
    slot["pref"] = slot["pref"] or pref


def settle_positions(draft: ContactDraft, acc: dict) -> None:
    """Grouped positions onto the draft: one may become the primary, the rest further ones."""
    slots = [
        s for s in acc.get("positions", {}).values() if s.get("organization") or s.get("title")
    ]
    if not slots:
        return
    if not (draft.organization or draft.title or draft.department):
        current = [s for s in slots if not s.get("end_date")] or slots
        primary = next((s for s in current if s["pref"]), current[0])
        slots.remove(primary)
        draft.organization = primary.get("organization", "")
        draft.title = primary.get("title", "")
        draft.department = primary.get("department", "")
        draft.position_start = draft.position_start or primary.get("start_date")
    if len(slots) > MAX_POSITIONS:
        draft.warnings.append(
            f"{len(slots):,} further positions (grouped ORG / TITLE); the first "
            f"{MAX_POSITIONS} were kept, the rest left out."
        )
        slots = slots[:MAX_POSITIONS]
    for s in slots:
        draft.affiliations.append(
            DraftAffiliation(
                s.get("organization", ""),
                s.get("title", ""),
                s.get("department", ""),
                s.get("start_date"),
                s.get("end_date"),
            )
        )


def position_lines(
    contact: Contact, version: str, escape, used_groups: set[str]
) -> tuple[list[str], date | None]:
    """Lines for every position but the primary, each in a fresh ``itemN.`` group, and
    the primary's start date. ``escape`` is the exporter's text escaping."""
    query = (
        Affiliation.select(Affiliation, Organization.name.alias("org_name"))
        .left_outer_join(Organization, on=(Affiliation.organization == Organization.id))
        .where(Affiliation.contact == contact.id)
        .order_by(Affiliation.position, Affiliation.id)
        .objects()
    )
    lines: list[str] = []
    primary_start = None
    n = 0
    for a in query:
        if a.is_primary:
            primary_start = a.start_date
            continue
        n += 1
        while f"item{n}" in used_groups:
            n += 1
        group = f"item{n}"
        org = [escape(a.org_name or "")] + ([escape(a.department)] if a.department else [])
        lines.append(f"{group}.ORG:" + ";".join(org))
        if a.title:
            lines.append(f"{group}.TITLE:{escape(a.title)}")
        for prop, value in ((START, a.start_date), (END, a.end_date)):
            if value:
                lines.append(f"{group}.{prop}:{value.isoformat()}")
    return lines, primary_start
