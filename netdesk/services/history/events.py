"""Events and who was met there: how many were followed up, who still waits.

Someone met at an event counts as followed up when, since the event began, they
have a done follow-up or an interaction other than the meeting itself (a "met"
entry linked to that event).
"""

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from playhouse.shortcuts import model_to_dict

from netdesk.errors import InputError
from netdesk.models import (
    EVENT_KINDS,
    Contact,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Organization,
    database,
)
from netdesk.services.contacts.records import MAX_NOTES_CHARS, clean_text
from netdesk.services.lookup import get_or_not_found

EVENT_FIELDS = ("name", "kind", "start_date", "end_date", "location", "url", "notes")


def _followed_up_sql() -> str:
    """SQL truth value: attendance ``a`` of event ``e`` has been followed up."""
    i, f = Interaction._meta.table_name, FollowUp._meta.table_name
    return f"""(
        EXISTS (SELECT 1 FROM {i} i WHERE i.contact_id = a.contact_id
                   AND i.kind IN ('interaction', 'resource')
                   AND (e.start_date IS NULL OR i.occurred_at >= e.start_date)
                   AND NOT (i.channel = 'met' AND i.event_id IS e.id))
        OR EXISTS (SELECT 1 FROM {f} f WHERE f.contact_id = a.contact_id AND f.status = 'done'
                   AND (e.start_date IS NULL OR f.completed_at >= e.start_date))
    )"""


@dataclass
class EventSummary:
    id: int
    name: str
    kind: str
    start_date: date | None
    end_date: date | None
    location: str
    url: str
    people: int
    followed_up: int

    @property
    def waiting(self) -> int:
        return self.people - self.followed_up

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["waiting"] = self.waiting
        for key in ("start_date", "end_date"):
            data[key] = data[key].isoformat() if data[key] else None
        return data


@dataclass
class EventPerson:
    contact_id: int
    name: str
    organization: str
    role: str
    followed_up: bool
    open_followup: bool


def _as_date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def list_events() -> list[EventSummary]:
    """Every event, newest first, with how many people met there were followed up."""
    e, a = Event._meta.table_name, EventAttendance._meta.table_name
    sql = f"""
        SELECT e.id, e.name, e.kind, e.start_date, e.end_date, e.location, e.url,
               COUNT(a.id), COALESCE(SUM(CASE WHEN a.id IS NOT NULL AND {_followed_up_sql()}
                                          THEN 1 ELSE 0 END), 0)
          FROM {e} e LEFT JOIN {a} a ON a.event_id = e.id
         GROUP BY e.id
         ORDER BY e.start_date IS NULL, e.start_date DESC, e.id DESC
    """
    rows = database.execute_sql(sql).fetchall()
    return [
        EventSummary(r[0], r[1], r[2], _as_date(r[3]), _as_date(r[4]), r[5], r[6], r[7], r[8])
        for r in rows
    ]


def get_event(event_id: int) -> Event:
    return get_or_not_found(Event, event_id, "event")


def event_people(event_id: int) -> list[EventPerson]:
    """People met at an event; those still waiting for a follow-up first."""
    get_event(event_id)
    e, a = Event._meta.table_name, EventAttendance._meta.table_name
    c, o, f = Contact._meta.table_name, Organization._meta.table_name, FollowUp._meta.table_name
    sql = f"""
        SELECT c.id, {_followed_up_sql()},
               EXISTS (SELECT 1 FROM {f} f WHERE f.contact_id = c.id
                          AND f.status IN ('open', 'snoozed')),
               a.role, COALESCE(o.name, '')
          FROM {a} a JOIN {e} e ON e.id = a.event_id JOIN {c} c ON c.id = a.contact_id
          LEFT JOIN {o} o ON o.id = c.organization_id
         WHERE a.event_id = ?
    """
    rows = database.execute_sql(sql, (event_id,)).fetchall()
    names = {
        contact.id: contact.name
        for contact in Contact.select().where(Contact.id.in_([r[0] for r in rows]))
    }
    people = [
        EventPerson(cid, names.get(cid, ""), org, role, bool(done), bool(planned))
        for cid, done, planned, role, org in rows
    ]
    return sorted(people, key=lambda p: (p.followed_up, p.name.casefold()))


def _clean_event_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise InputError(f"Unknown event field(s): {', '.join(sorted(unknown))}.")
    cleaned = {}
    for key, value in fields.items():
        if key in ("start_date", "end_date"):
            if value in (None, ""):
                value = None
            elif not isinstance(value, date):
                try:
                    value = date.fromisoformat(str(value))
                except ValueError:
                    raise InputError(f"{value!r} is not a date; use YYYY-MM-DD.") from None
        elif key == "notes":
            value = clean_text(value, MAX_NOTES_CHARS)
        else:
            value = clean_text(value, 500)
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        raise InputError("An event needs a name.")
    if "kind" in cleaned and cleaned["kind"] not in EVENT_KINDS:
        raise InputError(f"Event kind {cleaned['kind']!r} is not one of: {', '.join(EVENT_KINDS)}.")
    return cleaned


def create_event(name: str, **fields: Any) -> Event:
    """A new event; dates as ``date`` or YYYY-MM-DD text."""
    cleaned = _clean_event_fields({"name": name, **fields})
    start, end = cleaned.get("start_date"), cleaned.get("end_date")
    if start and end and end < start:
        raise InputError("The event ends before it starts; check the dates.")
    return Event.create(**cleaned)


def update_event(event_id: int, **fields: Any) -> dict[str, Any]:
    """Change an event; returns the previous values so the GUI can undo."""
    event = get_event(event_id)
    cleaned = _clean_event_fields(fields)
    before = {key: getattr(event, key) for key in cleaned}
    for key, value in cleaned.items():
        setattr(event, key, value)
    if event.start_date and event.end_date and event.end_date < event.start_date:
        raise InputError("The event ends before it starts; check the dates.")
    event.save()
    return before


def add_attendee(event_id: int, contact_id: int, role: str = "") -> EventAttendance:
    get_event(event_id)
    EventAttendance.insert(
        event=event_id, contact=contact_id, role=clean_text(role, 100)
    ).on_conflict_ignore().execute()
    return EventAttendance.get(
        (EventAttendance.event == event_id) & (EventAttendance.contact == contact_id)
    )


def delete_event(event_id: int) -> dict[str, Any]:
    """Delete an event and its "met at" rows; returns a snapshot for :func:`restore_event`."""
    event = get_event(event_id)
    snapshot = {
        "event": model_to_dict(event, recurse=False),
        "attendances": list(
            EventAttendance.select().where(EventAttendance.event == event_id).dicts()
        ),
    }
    with database.atomic():
        event.delete_instance()
    return snapshot


def restore_event(snapshot: dict[str, Any]) -> int:
    with database.atomic():
        Event.insert(snapshot["event"]).on_conflict_ignore().execute()
        for row in snapshot["attendances"]:
            EventAttendance.insert(row).on_conflict_ignore().execute()
    return snapshot["event"]["id"]
