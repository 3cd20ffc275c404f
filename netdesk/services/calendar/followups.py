"""Follow-ups: creating, changing and completing them, and the calendar arithmetic.

Every change bumps ``sequence`` (RFC 5545) so calendars that already hold the event
update it. ``origin_key`` makes rule-made follow-ups idempotent.
"""

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from netdesk.errors import InputError
from netdesk.models import (
    Contact,
    ContactTag,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Tag,
    database,
    get_setting,
    utcnow,
)
from netdesk.services.clock import local_date, local_today, user_clock, user_timezone
from netdesk.services.contacts.records import MAX_NOTES_CHARS, clean_text
from netdesk.services.history.interactions import log_interaction, log_milestone
from netdesk.services.lookup import get_or_not_found

OPEN_STATUSES = ("open", "snoozed")


def check_timezone(name: str) -> str:
    """``name`` if it is an IANA zone this computer knows, else an InputError."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"Time zone {name!r} is unknown; use an IANA name like America/New_York."
        ) from None
    return name


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
    return get_or_not_found(FollowUp, followup_id, "follow-up")


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
    if timezone:
        check_timezone(timezone)
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
    if fields.get("timezone"):
        check_timezone(fields["timezone"])
    for key, value in fields.items():
        setattr(followup, key, value)
    followup.sequence += 1
    followup.updated_at = utcnow()
    followup.save()
    return followup


def complete_followup(
    followup: FollowUp, *, channel: str = "email", summary: str | None = None
) -> FollowUp:
    """Mark done, log the interaction it stands for, and plan the next cadence round.

    One transaction: either all three happen or none. ``followup.next_cadence`` is
    the stay-in-touch follow-up this planned (None if none was new), so an undo
    can remove it.
    """
    with database.atomic():
        change_followup(followup, status="done", completed_at=utcnow())
        log_interaction(
            followup.contact_id,
            channel=channel,
            summary=summary or followup.title,
            followup=followup,
        )
        before = FollowUp.select(fn.MAX(FollowUp.id)).scalar() or 0
        made = schedule_cadence(Contact.get_by_id(followup.contact_id), local_today())
        followup.next_cadence = made if made is not None and made.id > before else None
    return followup


def snooze_followup(followup: FollowUp, until: date) -> FollowUp:
    return change_followup(followup, status="snoozed", due_date=until)


def cancel_followup(followup: FollowUp) -> FollowUp:
    return change_followup(followup, status="cancelled")


def reschedule_followup(
    followup: FollowUp,
    due_date: date,
    due_time: time | None = None,
    duration_minutes: int | None = None,
) -> FollowUp:
    """Move to a new day (and time, or all-day); a snoozed follow-up becomes open again."""
    fields = {"due_date": due_date, "due_time": due_time}
    if duration_minutes is not None:
        if not 1 <= duration_minutes <= 24 * 60:
            raise InputError("Duration must be between 1 minute and 24 hours.")
        fields["duration_minutes"] = duration_minutes
    if due_time is not None and not followup.timezone:
        fields["timezone"] = user_timezone()

    if followup.status == "snoozed":
        fields["status"] = "open"
    return change_followup(followup, **fields)


# --- rules ------------------------------------------------------------------------

CADENCES = (30, 60, 90, 180)


@dataclass(frozen=True)
class Slot:
    """A work-hours slot for rule-made follow-ups, in the user's zone (09:00-09:15)."""

    start: time
    minutes: int

    @classmethod
    def parse(cls, text: str) -> "Slot | None":
        """ "09:00-09:15" -> Slot(09:00, 15); "" -> None (all-day)."""
        text = (text or "").strip()
        if not text:
            return None
        try:
            first, _, second = text.partition("-")
            start = time.fromisoformat(first.strip())
            end = time.fromisoformat(second.strip())
        except ValueError:
            raise InputError(f"Slot {text!r} is not like 09:00-09:15.") from None
        minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
        if minutes <= 0:
            raise InputError(f"Slot {text!r} ends before it starts.")
        return cls(start, minutes)

    def __str__(self) -> str:
        end = datetime.combine(date.min, self.start) + timedelta(minutes=self.minutes)
        return f"{self.start:%H:%M}-{end:%H:%M}"


def after_event_settings() -> tuple[int, Slot | None]:
    """(business days, slot) for the after-event rule, from the settings."""
    days = int(get_setting("followups.business_days", 2))
    return days, Slot.parse(get_setting("followups.slot", ""))


def schedule_after_event(
    event: Event | int,
    contact_ids: Iterable[int],
    business_days: int = 2,
    slot: time | Slot | None = None,
) -> list[FollowUp]:
    """One follow-up per contact met at ``event``, ``business_days`` after it ended."""
    event = event if isinstance(event, Event) else Event.get_by_id(event)
    base = event.end_date or event.start_date or local_today()
    due = add_business_days(base, business_days)
    if isinstance(slot, time):
        slot = Slot(slot, 15)
    made = []
    with database.atomic():
        for contact in Contact.select().where(Contact.id.in_(list(contact_ids))):
            made.append(
                create_followup(
                    contact,
                    due,
                    f"Follow up after {event.name}",
                    due_time=slot.start if slot else None,
                    duration_minutes=slot.minutes if slot else 15,
                    origin="event",
                    origin_key=f"event:{event.id}:{contact.id}",
                    template="thank-you",
                )
            )
    return made


def cadence_days(contact: Contact) -> int | None:
    """The contact's own cadence, else the shortest cadence of its tags, else None."""
    if contact.stay_in_touch_days:
        return contact.stay_in_touch_days
    return (
        Tag.select(fn.MIN(Tag.stay_in_touch_days))
        .join(ContactTag)
        .where((ContactTag.contact == contact) & Tag.stay_in_touch_days.is_null(False))
        .scalar()
    )


def schedule_cadence(contact: Contact, today: date) -> FollowUp | None:
    """The next stay-in-touch follow-up, ``cadence`` days after the last interaction.

    Keyed by the last interaction's date, so running again is harmless, and a
    cancelled round is not re-created until the user is in touch again.
    """
    days = cadence_days(contact)
    if not days or contact.archived:
        return None
    pending = FollowUp.get_or_none(
        (FollowUp.contact == contact)
        & (FollowUp.origin == "cadence")
        & FollowUp.status.in_(OPEN_STATUSES)
    )
    if pending is not None:
        return pending
    last = contact.last_interaction_at or contact.created_at
    base = local_date(last)
    due = max(base + timedelta(days=days), today)
    return create_followup(
        contact,
        due,
        "Stay in touch",
        origin="cadence",
        origin_key=f"cadence:{contact.id}:{base.isoformat()}",
        template="check-in",
    )


def schedule_milestone(milestone: Interaction, today: date) -> FollowUp:
    """ "Congratulate" for a milestone (promotion, award, ...), due on the day or today."""
    what = milestone.summary or milestone.milestone_kind or "milestone"
    return create_followup(
        milestone.contact_id,
        max(local_date(milestone.occurred_at), today),
        f"Congratulate on {what}",
        origin="milestone",
        origin_key=f"milestone:{milestone.id}",
        template="congratulations",
    )


def add_milestone(
    contact: Contact | int,
    kind: str,
    summary: str = "",
    *,
    on: date | datetime | None = None,
    note: str = "",
    congratulate: bool = False,
    due: date | None = None,
) -> tuple[Interaction, FollowUp | None]:
    """Record a career milestone; optionally plan a "Congratulate …" follow-up (one transaction).

    Lives here rather than in history so that history never needs the calendar.
    """
    with database.atomic():
        row = log_milestone(contact, kind, summary, on=on, note=note)
        followup = None
        if congratulate:
            followup = create_followup(
                row.contact,
                due or local_today(),
                f"Congratulate {row.contact.name}: {row.summary}",
                origin="milestone",
                origin_key=f"milestone:{row.id}",
                template="congratulate",
            )
    return row, followup


@dataclass
class RuleRun:
    """What :func:`run_rules` created (existing follow-ups are not counted)."""

    after_event: int = 0
    cadence: int = 0
    milestone: int = 0

    @property
    def total(self) -> int:
        return self.after_event + self.cadence + self.milestone


def run_rules(today: date, lookback_days: int = 14) -> RuleRun:
    """Apply every rule once; running it again the same day creates nothing.

    Only recent events and milestones (``lookback_days``) are followed up: a
    conference from last year needs no thank-you now.
    """
    run = RuleRun()
    before = FollowUp.select().count()
    days, slot = after_event_settings()
    since = today - timedelta(days=lookback_days)
    # The user's day ``since`` starts at this UTC instant; dated entries are stored at 00:00.
    first_stamp = min(user_clock().stamp_at(since), datetime.combine(since, time.min))
    with database.atomic():
        events = Event.select().where(
            fn.COALESCE(Event.end_date, Event.start_date).between(since, today)
        )
        for event in events:
            ids = [
                a.contact_id
                for a in EventAttendance.select(EventAttendance.contact).where(
                    EventAttendance.event == event
                )
            ]
            schedule_after_event(event, ids, days, slot)
        run.after_event = FollowUp.select().count() - before

        mark = FollowUp.select().count()
        with_tag_cadence = (
            ContactTag.select(ContactTag.contact)
            .join(Tag)
            .where(Tag.stay_in_touch_days.is_null(False))
        )
        candidates = Contact.select().where(
            ~Contact.archived
            & (Contact.stay_in_touch_days.is_null(False) | Contact.id.in_(with_tag_cadence))
        )
        for contact in candidates:
            schedule_cadence(contact, today)
        run.cadence = FollowUp.select().count() - mark

        mark = FollowUp.select().count()
        milestones = Interaction.select().where(
            (Interaction.kind == "milestone") & (Interaction.occurred_at >= first_stamp)
        )
        for milestone in milestones:
            schedule_milestone(milestone, today)
        run.milestone = FollowUp.select().count() - mark
    return run


# --- listing ----------------------------------------------------------------------

STATUS_FILTERS = {
    "active": OPEN_STATUSES,
    "open": ("open",),
    "snoozed": ("snoozed",),
    "done": ("done",),
    "cancelled": ("cancelled",),
    "all": None,
}
DUE_FILTERS = ("any", "overdue", "today", "week", "month")
SORTS = {
    "due": (FollowUp.due_date, FollowUp.due_time),
    "contact": (Contact.sort_key,),
    "title": (FollowUp.title,),
    "status": (FollowUp.status,),
    "origin": (FollowUp.origin,),
}


def followup_query(
    status: str = "active",
    due: str = "any",
    search: str = "",
    sort: str = "due",
    descending: bool = False,
    today: date | None = None,
):
    """Follow-ups with their contacts, filtered and sorted in SQL (the view pages through it)."""
    today = today or local_today()
    query = FollowUp.select(FollowUp, Contact).join(Contact)
    statuses = STATUS_FILTERS.get(status, OPEN_STATUSES)
    if statuses:
        query = query.where(FollowUp.status.in_(statuses))
    ends = {
        "overdue": today - timedelta(days=1),
        "today": today,
        "week": today + timedelta(days=7),
        "month": today + timedelta(days=30),
    }
    if due in ends:
        query = query.where(FollowUp.due_date <= ends[due])
    if due == "today":
        query = query.where(FollowUp.due_date == today)
    text = clean_text(search, 200)
    if text:
        like = f"%{text}%"
        query = query.where(
            Contact.display_name.contains(text)
            | Contact.given_name.contains(text)
            | Contact.family_name.contains(text)
            | FollowUp.title**like
            | FollowUp.note**like
        )
    columns = SORTS.get(sort, SORTS["due"])
    order = [c.desc() if descending else c.asc() for c in columns]
    return query.order_by(*order, FollowUp.id)
