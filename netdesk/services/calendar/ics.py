"""Follow-ups as an iCalendar (.ics) file that Outlook and Google Calendar import cleanly.

The rules each property follows (and why) are in docs/calendar.md. In short: one
VEVENT per follow-up with a UID that never changes and a SEQUENCE bumped on every
change, so importing again updates instead of duplicating; a VTIMEZONE for each
TZID; all-day items as VALUE=DATE with an exclusive DTEND; done and cancelled
follow-ups as STATUS:CANCELLED. Text that looks like patient data is redacted
unless the caller passes ``allow_sensitive=True``.
"""

import json
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import Alarm, Calendar
from icalendar import Event as VEvent
from peewee import JOIN, SQL, fn

from netdesk import __version__
from netdesk.errors import InputError, UserError
from netdesk.models import (
    Contact,
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Organization,
    Tag,
    database,
    get_setting,
    utcnow,
)
from netdesk.models.contact import NAME_FIELDS
from netdesk.services.calendar.followups import OPEN_STATUSES
from netdesk.services.calendar.templates import fill, template_for
from netdesk.services.calendar.vtimezone import timezone_component
from netdesk.services.data.privacy import find_patient_identifiers, redact

PRODID = f"-//netdesk//netdesk {__version__}//EN"
CALENDAR_NAME = "netdesk follow-ups"
DEFAULT_ALARM_MINUTES = 15
# When an all-day follow-up rings, relative to the start of its day. Outlook cannot
# ring after an event's start, so "day-before" is offered for Outlook users.
ALL_DAY_ALARMS = {
    "same-day": ("09:00 on the day", timedelta(hours=9)),
    "day-before": ("09:00 the day before (works in Outlook)", timedelta(hours=-15)),
}
ORIGIN_CATEGORIES = {
    "manual": "Follow-up",
    "event": "After event",
    "cadence": "Stay in touch",
    "milestone": "Milestone",
}
FROM_SETTINGS = -1  # export_ics: use the "alarm_minutes" setting


def _zone(followup: FollowUp) -> ZoneInfo:
    try:
        return ZoneInfo(followup.timezone or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"Follow-up {followup.id} has an unknown time zone {followup.timezone!r}; "
            "reschedule it or set a valid zone (e.g. America/New_York)."
        ) from None


def event_times(followup: FollowUp) -> tuple[date | datetime, date | datetime]:
    """(start, end) as calendars need them.

    All-day: the date and the next day (DTEND is exclusive). Timed: aware datetimes
    in the follow-up's zone. A wall time that does not exist (skipped by a DST
    change) moves forward as RFC 5545 says; the end is ``duration`` real minutes
    later, so a slot across a DST change keeps its length.
    """
    if followup.due_time is None:
        return followup.due_date, followup.due_date + timedelta(days=1)
    zone = _zone(followup)
    wall = datetime.combine(followup.due_date, followup.due_time, tzinfo=zone)
    start_utc = wall.astimezone(UTC)
    end_utc = start_utc + timedelta(minutes=followup.duration_minutes)
    return start_utc.astimezone(zone), end_utc.astimezone(zone)


@dataclass
class ContactContext:
    """What the description says about a contact, fetched for many at once."""

    name: str
    given_name: str = ""
    prefix: str = ""
    title: str = ""
    organization: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    met_at: str = ""
    met_on: date | None = None
    last_interaction: str = ""

    @property
    def who(self) -> str:
        """ "Dr Jane Doe (St Mary's)": prefix, name, organization."""
        name = self.name
        if self.prefix and not name.startswith(self.prefix):
            name = f"{self.prefix} {name}"
        return f"{name} ({self.organization})" if self.organization else name


def _id_set(ids: list[int]) -> SQL:
    """ "(SELECT value FROM json_each(?))": any number of ids as one bound parameter.

    Much cheaper than an IN list of thousands of parameters, and no chunking needed.
    """
    return SQL("(SELECT value FROM json_each(?))", [json.dumps(ids)])


def gather_contexts(contact_ids: Iterable[int]) -> dict[int, ContactContext]:
    """Contacts with emails, phones, tags, where met and last interaction: 5 queries in all."""
    ids = _id_set(sorted(set(contact_ids)))
    out: dict[int, ContactContext] = {}
    contacts = (
        Contact.select(Contact.id, *NAME_FIELDS, Contact.title, Organization.name.alias("org"))
        .join(Organization, join_type=JOIN.LEFT_OUTER)
        .where(Contact.id.in_(ids))
        .namedtuples()
    )
    for c in contacts:  # plain rows: building 1,000 model objects costs more than the rest
        out[c.id] = ContactContext(
            name=Contact.name.fget(c),
            given_name=c.given_name,
            prefix=c.prefix,
            title=c.title,
            organization=c.org or "",
        )
    methods = (
        ContactMethod.select(ContactMethod.contact, ContactMethod.kind, ContactMethod.value)
        .where(ContactMethod.contact.in_(ids) & ContactMethod.kind.in_(("email", "phone")))
        .order_by(ContactMethod.preferred.desc(), ContactMethod.id)
        .tuples()
    )
    for contact_id, kind, value in methods:
        ctx = out[contact_id]
        (ctx.emails if kind == "email" else ctx.phones).append(value)
    tags = (
        ContactTag.select(ContactTag.contact, Tag.name)
        .join(Tag)
        .where(ContactTag.contact.in_(ids))
        .order_by(Tag.name)
        .tuples()
    )
    for contact_id, name in tags:
        out[contact_id].tags.append(name)
    met = (
        EventAttendance.select(EventAttendance.contact, Event.name, Event.start_date)
        .join(Event)
        .where(EventAttendance.contact.in_(ids))
        .order_by(Event.start_date.asc(nulls="FIRST"))
        .tuples()
    )
    for contact_id, name, start in met:  # last one wins: the most recent event
        out[contact_id].met_at, out[contact_id].met_on = name, start
    latest = (
        Interaction.select(Interaction.contact, fn.MAX(Interaction.occurred_at).alias("at"))
        .where(Interaction.contact.in_(ids) & Interaction.kind.in_(("interaction", "resource")))
        .group_by(Interaction.contact)
    )
    rows = (
        Interaction.select(
            Interaction.contact, Interaction.occurred_at, Interaction.channel, Interaction.summary
        )
        .join(
            latest,
            on=(Interaction.contact == latest.c.contact_id)
            & (Interaction.occurred_at == latest.c.at),
        )
        .tuples()
    )
    for contact_id, at, channel, summary in rows:
        when = at if isinstance(at, datetime) else datetime.fromisoformat(str(at))
        text = f"{when:%Y-%m-%d}" + (f" ({channel})" if channel else "")
        out[contact_id].last_interaction = f"{text}: {summary}" if summary else text
    return out


def guard(text: str, allow_sensitive: bool) -> str:
    """Patient-like stretches redacted unless the user said they may go out."""
    return text if allow_sensitive or not text else redact(text)


def summary_for(followup: FollowUp, ctx: ContactContext, allow_sensitive: bool = False) -> str:
    """ "Follow up: Dr Jane Doe (St Mary's)" — the title, then who, unless the title says who."""
    title = guard(followup.title, allow_sensitive)
    if ctx.name and ctx.name in title:
        return title
    return f"{title}: {ctx.who}"


def description_for(
    followup: FollowUp, ctx: ContactContext, my_name: str, allow_sensitive: bool = False
) -> str:
    """Where you met, last interaction, suggested message, contact details, note.

    The user-written parts (note, interaction summary, event name) go through the
    patient-data guard; the rest is netdesk's own text and contact details.
    """
    lines = []
    if ctx.met_at:
        when = f" ({ctx.met_on:%B %Y})" if ctx.met_on else ""
        lines.append(f"Met at: {guard(ctx.met_at, allow_sensitive)}{when}")
    if ctx.last_interaction:
        lines.append(f"Last interaction: {guard(ctx.last_interaction, allow_sensitive)}")
    role = ", ".join(p for p in (ctx.title, ctx.organization) if p)
    if role:
        lines.append(f"Role: {role}")
    lines += [f"Email: {e}" for e in ctx.emails[:2]]
    lines += [f"Phone: {p}" for p in ctx.phones[:2]]
    if followup.note:
        lines += ["", f"Note: {guard(followup.note, allow_sensitive)}"]
    template = template_for(followup.template)
    values = {
        "first_name": ctx.given_name or ctx.name,
        "name": ctx.name,
        "organization": ctx.organization,
        "event": ctx.met_at,
        "my_name": my_name,
    }
    lines += [
        "",
        f"Suggested message ({template.label}):",
        f"Subject: {fill(template.subject, values)}",
        fill(template.body, values),
    ]
    return "\n".join(lines)


def sensitive_findings(followups: Iterable[FollowUp]) -> dict[int, list]:
    """Follow-up id -> findings in the text an export would include (title, note, history)."""
    followups = list(followups)
    contexts = gather_contexts(f.contact_id for f in followups)
    found = {}
    for f in followups:
        ctx = contexts[f.contact_id]
        text = "\n".join((f.title, f.note, ctx.last_interaction, ctx.met_at))
        hits = find_patient_identifiers(text)
        if hits:
            found[f.id] = hits
    return found


def build_calendar(
    followups: Iterable[FollowUp],
    *,
    alarm_minutes: int | None = DEFAULT_ALARM_MINUTES,
    all_day_alarm: str = "same-day",
    allow_sensitive: bool = False,
    name: str = CALENDAR_NAME,
    stamp: datetime | None = None,
) -> Calendar:
    """A VCALENDAR (METHOD:PUBLISH) with one VEVENT per follow-up.

    ``alarm_minutes`` before a timed follow-up (None: no alarm); all-day ones ring at
    at 09:00 on the day, or the day before (``all_day_alarm``, see ALL_DAY_ALARMS): a
    trigger relative to the start of the day.
    """
    if all_day_alarm not in ALL_DAY_ALARMS:
        raise InputError(
            f"All-day alarm {all_day_alarm!r} is not one of: {', '.join(ALL_DAY_ALARMS)}."
        )
    all_day_trigger = ALL_DAY_ALARMS[all_day_alarm][1]
    followups = list(followups)
    contexts = gather_contexts(f.contact_id for f in followups)
    my_name = get_setting("my_name", "") or ""
    stamp = (stamp or utcnow()).replace(tzinfo=UTC)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    zones: dict[str, list[date]] = {}
    events = []
    for f in followups:
        ctx = contexts[f.contact_id]
        start, end = event_times(f)
        ev = VEvent()
        ev.add("uid", f.uid)
        ev.add("dtstamp", stamp)
        ev.add("sequence", f.sequence)
        ev.add("created", f.created_at.replace(tzinfo=UTC))
        ev.add("last-modified", f.updated_at.replace(tzinfo=UTC))
        ev.add("summary", summary_for(f, ctx, allow_sensitive))
        ev.add("description", description_for(f, ctx, my_name, allow_sensitive))
        ev.add("dtstart", start)
        # An end in the repeated hour after a DST fall-back would read as the *first*
        # such hour (RFC 5545 3.3.5); UTC keeps it unambiguous.
        ev.add("dtend", end.astimezone(UTC) if getattr(end, "fold", 0) else end)
        ev.add("categories", [ORIGIN_CATEGORIES.get(f.origin, "Follow-up"), *ctx.tags])
        ev.add("class", "PRIVATE")
        ev.add("transp", "TRANSPARENT" if f.due_time is None else "OPAQUE")
        ev.add("status", "CONFIRMED" if f.status in OPEN_STATUSES else "CANCELLED")
        if isinstance(start, datetime) and start.tzinfo is not UTC:
            zones.setdefault(f.timezone, []).append(f.due_date)
        if alarm_minutes is not None and f.status in OPEN_STATUSES:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", "Follow-up reminder")
            if f.due_time is None:
                alarm.add("trigger", all_day_trigger)
            else:
                alarm.add("trigger", timedelta(minutes=-alarm_minutes))
            ev.add_component(alarm)
        events.append(ev)
    for tzid, days in sorted(zones.items()):
        if tzid != "UTC":
            cal.add_component(timezone_component(tzid, min(days).year, max(days).year))
    for ev in events:
        cal.add_component(ev)
    return cal


def scope_query(scope: str = "open", contact_id: int | None = None, tag: str | None = None):
    """Follow-ups to export.

    ``open``: open and snoozed ones, plus done/cancelled ones whose last exported
    version was still open (so the calendar gets the cancellation). ``all``: every one.
    """
    query = FollowUp.select()
    if scope == "open":
        stale = FollowUp.exported_sequence.is_null(False) & (
            FollowUp.exported_sequence < FollowUp.sequence
        )
        query = query.where(FollowUp.status.in_(OPEN_STATUSES) | stale)
    elif scope != "all":
        raise InputError(f"Scope {scope!r} is not 'open' or 'all'.")
    if contact_id is not None:
        query = query.where(FollowUp.contact == contact_id)
    if tag:
        tagged = ContactTag.select(ContactTag.contact).join(Tag).where(Tag.name == tag)
        if not Tag.select().where(Tag.name == tag).exists():
            raise InputError(f"No tag named {tag!r}.")
        query = query.where(FollowUp.contact.in_(tagged))
    return query.order_by(FollowUp.due_date, FollowUp.due_time, FollowUp.id)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` via a user-only temp file and a rename: all or nothing."""
    path = Path(path)
    if path.is_dir():
        raise InputError(f"{path} is a folder; give a file name like followups.ics.")
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"Folder {folder} does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=".netdesk-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"Cannot write to {folder}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "wb") as fh:  # mkstemp creates it 0600 (user only)
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UserError(f"Cannot write {path}: {exc.strerror}.") from None


def export_ics(
    path: Path,
    followups: Iterable[FollowUp],
    *,
    alarm_minutes: int | None = FROM_SETTINGS,
    allow_sensitive: bool = False,
    all_day_alarm: str | None = None,
) -> int:
    """Write the file, then record which SEQUENCE each follow-up was exported at.

    ``alarm_minutes`` None exports without reminders.
    """
    followups = list(followups)
    if alarm_minutes == FROM_SETTINGS:
        alarm_minutes = get_setting("alarm_minutes", DEFAULT_ALARM_MINUTES)
    cal = build_calendar(
        followups,
        alarm_minutes=alarm_minutes,
        allow_sensitive=allow_sensitive,
        all_day_alarm=all_day_alarm or get_setting("all_day_alarm", "same-day"),
    )
    write_atomic(path, cal.to_ical())
    ids = [f.id for f in followups]
    with database.atomic():
        FollowUp.update(exported_sequence=FollowUp.sequence).where(
            FollowUp.id.in_(_id_set(ids))
        ).execute()
    return len(ids)
