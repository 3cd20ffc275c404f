"""Follow-ups: creating, changing and completing them, and the calendar arithmetic.

Every change bumps ``sequence`` (RFC 5545) so calendars that already hold the event
update it. ``origin_key`` makes rule-made follow-ups idempotent.
"""

import uuid
from collections.abc import Iterable
from datetime import date, time, timedelta

from netdesk.errors import InputError, NotFound
from netdesk.models import Contact, Event, FollowUp, database, get_setting, utcnow
from netdesk.services.contacts import MAX_NOTES_CHARS, clean_text
from netdesk.services.history import log_interaction

OPEN_STATUSES = ("open", "snoozed")


def user_timezone() -> str:
    """The user's IANA zone: the setting if made, else the system's."""
    zone = get_setting("timezone")
    if zone:
        return zone
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # no zone configured on this machine
        return "UTC"


def new_uid() -> str:
    return f"{uuid.uuid4()}@netdesk"


def add_business_days(start: date, days: int) -> date:
    """``days`` working days after ``start`` (Saturday and Sunday skipped)."""
    current = start
    remaining = days
    while remaining > 0:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def get_followup(followup_id: int) -> FollowUp:
    row = FollowUp.get_or_none(FollowUp.id == followup_id)
    if row is None:
        raise NotFound(f"No follow-up with id {followup_id}.")
    return row


def create_followup(
    contact: Contact | int,
    due_date: date,
    title: str,
    *,
    due_time: time | None = None,
    duration_minutes: int = 15,
    timezone: str | None = None,
    note: str = "",
    origin: str = "manual",
    origin_key: str | None = None,
    template: str = "",
) -> FollowUp:
    """Create a follow-up; with ``origin_key`` an existing one is returned instead."""
    if origin_key:
        existing = FollowUp.get_or_none(FollowUp.origin_key == origin_key)
        if existing is not None:
            return existing
    title = clean_text(title, 300)
    if not title:
        raise InputError("A follow-up needs a title.")
    if not 1 <= duration_minutes <= 24 * 60:
        raise InputError("Duration must be between 1 minute and 24 hours.")
    return FollowUp.create(
        contact=contact,
        due_date=due_date,
        due_time=due_time,
        duration_minutes=duration_minutes,
        timezone=timezone or (user_timezone() if due_time else ""),
        title=title,
        note=clean_text(note, MAX_NOTES_CHARS),
        origin=origin,
        origin_key=origin_key,
        template=template,
        uid=new_uid(),
    )


def change_followup(followup: FollowUp, **fields) -> FollowUp:
    """Set fields and bump the sequence so calendars update rather than duplicate."""
    for key, value in fields.items():
        setattr(followup, key, value)
    followup.sequence += 1
    followup.updated_at = utcnow()
    followup.save()
    return followup


def complete_followup(
    followup: FollowUp, *, channel: str = "email", summary: str | None = None
) -> FollowUp:
    """Mark done and log the interaction it stands for, in one transaction."""
    with database.atomic():
        change_followup(followup, status="done", completed_at=utcnow())
        log_interaction(
            followup.contact_id,
            channel=channel,
            summary=summary or followup.title,
            followup=followup,
        )
    return followup


def snooze_followup(followup: FollowUp, until: date) -> FollowUp:
    return change_followup(followup, status="snoozed", due_date=until)


def cancel_followup(followup: FollowUp) -> FollowUp:
    return change_followup(followup, status="cancelled")


def schedule_after_event(
    event: Event | int,
    contact_ids: Iterable[int],
    business_days: int = 2,
    slot: time | None = None,
) -> list[FollowUp]:
    """One follow-up per contact met at ``event``, ``business_days`` after it ended."""
    event = event if isinstance(event, Event) else Event.get_by_id(event)
    base = event.end_date or event.start_date or utcnow().date()
    due = add_business_days(base, business_days)
    made = []
    with database.atomic():
        for contact in Contact.select().where(Contact.id.in_(list(contact_ids))):
            made.append(
                create_followup(
                    contact,
                    due,
                    f"Follow up: {contact.name} ({event.name})",
                    due_time=slot,
                    origin="event",
                    origin_key=f"event:{event.id}:{contact.id}",
                    template="thank-you",
                )
            )
    return made
