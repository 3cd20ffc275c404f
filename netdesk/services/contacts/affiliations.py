"""A contact's positions (affiliations): listing, editing, and moving the primary one.

The contact row carries the primary position (organization, title, department) for
the list; ``models/store/affiliation_sync`` keeps the primary affiliation row in step
with it. So every function here writes the primary's values onto the contact row and
then sets what only the affiliation holds (dates, order).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from netdesk.models import Affiliation, Contact, Organization, database, utcnow
from netdesk.services.contacts.records import clean_text, organization_named

AFFILIATION_FIELDS = ("organization", "title", "department", "start_date", "end_date", "primary")


@dataclass(frozen=True)
class Position:
    """What identifies a position when cards and contacts are compared."""

    organization: str = ""
    title: str = ""
    department: str = ""

    def key(self) -> tuple[str, str]:
        return (self.organization.casefold().strip(), self.title.casefold().strip())

    def is_empty(self) -> bool:
        return not (self.organization or self.title or self.department)

    def describe(self) -> str:
        """ "Professor, Mayo Clinic" (what the timeline and the review show)."""
        return ", ".join(p for p in (self.title, self.organization) if p) or "(none)"


def _as_date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value).strip())


def affiliation_rows(contact: Contact | int) -> list[dict[str, Any]]:
    """Every position: the primary first, then current ones, then past ones (latest first)."""
    contact_id = contact.id if isinstance(contact, Contact) else contact
    query = (
        Affiliation.select(Affiliation, Organization.name.alias("org_name"))
        .left_outer_join(Organization, on=(Affiliation.organization == Organization.id))
        .where(Affiliation.contact == contact_id)
        .objects()
    )
    rows = [
        {
            "id": a.id,
            "organization": a.org_name or "",
            "title": a.title,
            "department": a.department,
            "start_date": a.start_date,
            "end_date": a.end_date,
            "primary": bool(a.is_primary),
        }
        for a in query
    ]
    past_order = {id(r): -(r["end_date"].toordinal()) for r in rows if r["end_date"]}
    rows.sort(
        key=lambda r: (
            not r["primary"],
            r["end_date"] is not None,
            past_order.get(id(r), 0),
            r["id"],
        )
    )
    return rows


def organization_choices(limit: int = 5000) -> list[str]:
    """Organizations where someone holds a current position (the list's filter), A-Z."""
    query = (
        Organization.select(Organization.name)
        .join(Affiliation, on=(Affiliation.organization == Organization.id))
        .where(Affiliation.end_date.is_null())
        .distinct()
        .order_by(Organization.name)
        .limit(limit)
    )
    return [name for (name,) in query.tuples()]


def validate_affiliations(rows: Iterable[dict[str, Any]]) -> list[str]:
    """Problems with an editor's positions table (empty list = it can be saved)."""
    problems = []
    primaries = 0
    for n, row in enumerate(rows, 1):
        dates = {}
        for key in ("start_date", "end_date"):
            try:
                dates[key] = _as_date(row.get(key))
            except ValueError:
                problems.append(f"Position {n}: {row.get(key)!r} is not a date (use YYYY-MM-DD).")
        start, end = dates.get("start_date"), dates.get("end_date")
        if start and end and end < start:
            problems.append(f"Position {n} ends ({end}) before it starts ({start}).")
        if not any(clean_text(row.get(k)) for k in ("organization", "title", "department")):
            problems.append(f"Position {n} needs an organization, a title or a department.")
        if row.get("primary"):
            primaries += 1
            if end:
                problems.append(f"Position {n} is primary but has ended; untick one of the two.")
    if primaries > 1:
        problems.append("Only one position can be primary.")
    return problems


def _write_primary(contact: Contact, position: Position) -> None:
    """The contact row's position (the triggers make the primary affiliation follow)."""
    org = organization_named(position.organization)
    Contact.update(
        organization=org.id if org else None,
        title=clean_text(position.title),
        department=clean_text(position.department),
        updated_at=utcnow(),
    ).where(Contact.id == contact.id).execute()
    contact.organization = org
    contact.title, contact.department = clean_text(position.title), clean_text(position.department)


def primary_affiliation(contact_id: int) -> Affiliation | None:
    return Affiliation.get_or_none(
        (Affiliation.contact == contact_id) & (Affiliation.is_primary == True)  # noqa: E712
    )


def set_affiliations(contact: Contact, rows: Iterable[dict[str, Any]]) -> bool:
    """Make the contact's positions exactly ``rows`` (the editor's table); False if unchanged.

    The row marked primary (else the first that has not ended) goes on the contact
    row; with no current position the contact's organization and title are cleared.
    """
    rows = [
        r
        for r in rows
        if any(clean_text(r.get(k)) for k in ("organization", "title", "department"))
    ]
    problems = validate_affiliations(rows)
    if problems:
        from netdesk.errors import InputError

        raise InputError(" ".join(problems))
    wanted = [_clean_row(r) for r in rows]
    if not any(r["primary"] for r in wanted):
        current = [r for r in wanted if r["end_date"] is None]
        if current:
            current[0]["primary"] = True
    if wanted == [_clean_row(r) for r in affiliation_rows(contact)]:
        return False
    with database.atomic():
        Affiliation.delete().where(Affiliation.contact == contact.id).execute()
        primary = next((r for r in wanted if r["primary"]), None)
        _write_primary(
            contact,
            Position(*(primary[k] for k in ("organization", "title", "department")))
            if primary
            else Position(),
        )
        for position, row in enumerate(wanted):
            if row["primary"]:
                Affiliation.update(start_date=row["start_date"], position=position).where(
                    (Affiliation.contact == contact.id) & (Affiliation.is_primary == True)  # noqa: E712
                ).execute()
                continue
            Affiliation.create(
                contact=contact.id,
                organization=organization_named(row["organization"]),
                title=row["title"],
                department=row["department"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                position=position,
            )
    return True


def _clean_row(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "organization": clean_text(row.get("organization")),
        "title": clean_text(row.get("title")),
        "department": clean_text(row.get("department")),
        "start_date": _as_date(row.get("start_date")),
        "end_date": _as_date(row.get("end_date")),
        "primary": bool(row.get("primary")),
    }


def other_positions(contact: Contact | int) -> list[dict[str, Any]]:
    """The positions besides the primary (the editor's table; the fields hold the primary)."""
    keys = ("organization", "title", "department", "start_date", "end_date")
    return [{k: r[k] for k in keys} for r in affiliation_rows(contact) if not r["primary"]]


def set_other_positions(contact: Contact, rows: Iterable[dict[str, Any]]) -> bool:
    """Make the positions besides the primary exactly ``rows``; False if unchanged."""
    rows = [
        {**r, "primary": False}
        for r in rows
        if any(clean_text(r.get(k)) for k in ("organization", "title", "department"))
    ]
    problems = validate_affiliations(rows)
    if problems:
        from netdesk.errors import InputError

        raise InputError(" ".join(problems))
    wanted = [_clean_row(r) for r in rows]
    if wanted == [_clean_row({**r, "primary": False}) for r in other_positions(contact)]:
        return False
    with database.atomic():
        Affiliation.delete().where(
            (Affiliation.contact == contact.id) & (Affiliation.is_primary == False)  # noqa: E712
        ).execute()
        for position, row in enumerate(wanted, 1):
            Affiliation.create(
                contact=contact.id,
                organization=organization_named(row["organization"]),
                title=row["title"],
                department=row["department"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                position=position,
            )
    return True


def add_affiliations(contact_id: int, positions: Iterable[dict[str, Any]]) -> list[int]:
    """Add positions the contact does not hold yet (never primary); the new rows' ids."""
    have = {Position(r["organization"], r["title"]).key() for r in affiliation_rows(contact_id)}
    added = []
    for row in positions:
        row = _clean_row(row)
        key = Position(row["organization"], row["title"]).key()
        if key in have or key == ("", "") and not row["department"]:
            continue
        have.add(key)
        added.append(
            Affiliation.create(
                contact=contact_id,
                organization=organization_named(row["organization"]),
                title=row["title"],
                department=row["department"],
                start_date=row["start_date"],
                end_date=row["end_date"],
                position=len(have),
            ).id
        )
    return added


def move_primary(contact: Contact, new: Position, on: date) -> dict[str, Any]:
    """A career move: the primary position ends ``on`` and ``new`` becomes primary from then.

    A current second position that matches ``new`` is promoted rather than copied.
    Returns what :func:`undo_move` needs to put things back.
    """
    with database.atomic():
        old = primary_affiliation(contact.id)
        before = {
            "organization": contact.organization.name if contact.organization_id else "",
            "title": contact.title,
            "department": contact.department,
        }
        if old is not None:
            Affiliation.update(is_primary=False, end_date=on).where(
                Affiliation.id == old.id
            ).execute()
        existing = next(
            (
                r
                for r in affiliation_rows(contact.id)
                if not r["primary"]
                and r["end_date"] is None
                and Position(r["organization"], r["title"]).key() == new.key()
            ),
            None,
        )
        if existing is not None:
            Affiliation.update(is_primary=True).where(Affiliation.id == existing["id"]).execute()
        _write_primary(contact, new)
        started = primary_affiliation(contact.id)
        if started is not None and existing is None:
            Affiliation.update(start_date=on).where(Affiliation.id == started.id).execute()
    return {
        "contact": contact.id,
        "ended": old.id if old is not None else None,
        "started": started.id if started is not None else None,
        "promoted": existing is not None,
        "before": before,
    }


def undo_move(record: dict[str, Any]) -> None:
    """Put back the primary position :func:`move_primary` replaced."""
    contact = Contact.get_or_none(Contact.id == record["contact"])
    if contact is None:
        return
    with database.atomic():
        if record.get("started"):
            if record.get("promoted"):
                Affiliation.update(is_primary=False).where(
                    Affiliation.id == record["started"]
                ).execute()
            else:
                Affiliation.delete().where(Affiliation.id == record["started"]).execute()
        if record.get("ended"):
            Affiliation.update(is_primary=True, end_date=None).where(
                Affiliation.id == record["ended"]
            ).execute()
        _write_primary(contact, Position(**record["before"]))
