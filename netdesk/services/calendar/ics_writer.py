"""Writing netdesk's VCALENDAR as text: the bytes icalendar would write, a few times faster.

icalendar builds an object per property and parameter and folds lines one character
at a time; for netdesk's fixed event shape the text can be written directly. Every
rule here copies icalendar's (property order, TEXT escaping, folding at 75 octets
without splitting an escape, TZID or "Z", durations), and
tests/calendar/test_ics_writer.py compares both writers byte for byte over every
event shape, so an icalendar release that writes differently fails a test. What is
rare or per calendar (VTIMEZONE blocks, trigger durations, a zone's TZID) still
comes from icalendar, computed once per calendar.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import vDuration
from icalendar.parser.string import _foldline
from icalendar.timezone.tzid import tzid_from_tzinfo

from netdesk.services.calendar.vtimezone import timezone_component

_LIMIT = 74  # octets before a fold (icalendar folds when the next would reach 75)


@dataclass
class EventFields:
    """One VEVENT's values, computed once and written by either writer."""

    uid: str
    sequence: int
    created: datetime
    modified: datetime
    summary: str
    description: str
    start: date | datetime
    end: date | datetime
    categories: list[str]
    timed: bool
    status: str
    trigger: timedelta | None


@dataclass
class CalendarFields:
    name: str
    stamp: datetime
    zones: list[tuple[str, int, int]]  # VTIMEZONEs: (tzid, first year, last year)
    events: list[EventFields]


def escape_text(text: str) -> str:
    """RFC 5545 TEXT escaping, in icalendar's order (a literal \\N is a newline there)."""
    return (
        text.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets as icalendar does; ASCII by slicing."""
    if len(line) <= _LIMIT:
        return line if line.isascii() or len(line.encode()) <= _LIMIT else _foldline(line)
    if not line.isascii():
        return _foldline(line)
    parts = []
    start = 0
    while len(line) - start > _LIMIT:
        end = start + _LIMIT
        if line[end - 1] in "\\^":  # never split an escape: the backslash moves on
            end -= 1
        parts.append(line[start:end])
        start = end
    parts.append(line[start:])
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return f"{moment:%Y%m%dT%H%M%S}Z"


@lru_cache(maxsize=64)
def _tzid(key: str) -> str | None:
    """The TZID icalendar writes for a zone ("UTC" for zones it writes with a Z)."""
    return tzid_from_tzinfo(ZoneInfo(key))


def _when(name: str, value: date | datetime) -> str:
    if not isinstance(value, datetime):
        return f"{name};VALUE=DATE:{value:%Y%m%d}"
    key = getattr(value.tzinfo, "key", None)
    tzid = _tzid(key) if key else tzid_from_tzinfo(value.tzinfo)
    if tzid == "UTC":
        return f"{name}:{value:%Y%m%dT%H%M%S}Z"
    return f"{name};TZID={tzid}:{value:%Y%m%dT%H%M%S}"


@lru_cache(maxsize=16)
def _duration(delta: timedelta) -> str:
    return vDuration(delta).to_ical().decode()


@lru_cache(maxsize=64)
def _timezone_text(tzid: str, first: int, last: int) -> str:
    return timezone_component(tzid, first, last).to_ical().decode()


def write_calendar(fields: CalendarFields, prodid: str) -> bytes:
    """The VCALENDAR text of ``fields`` (see :func:`netdesk.services.calendar.ics.build_calendar`)."""
    stamp = _utc(fields.stamp)
    out = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        fold(f"PRODID:{escape_text(prodid)}"),
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        fold(f"X-WR-CALNAME:{fields.name}"),  # an X- property: icalendar writes it as is
    ]
    text = ["\r\n".join(out) + "\r\n"]
    text += [_timezone_text(*zone) for zone in fields.zones]
    for e in fields.events:
        lines = [
            "BEGIN:VEVENT",
            fold(f"SUMMARY:{escape_text(e.summary)}"),
            fold(_when("DTSTART", e.start)),
            fold(_when("DTEND", e.end)),
            f"DTSTAMP:{stamp}",
            fold(f"UID:{escape_text(e.uid)}"),
            f"SEQUENCE:{e.sequence}",
            fold("CATEGORIES:" + ",".join(escape_text(c) for c in e.categories)),
            "CLASS:PRIVATE",
            f"CREATED:{_utc(e.created)}",
            fold(f"DESCRIPTION:{escape_text(e.description)}"),
            f"LAST-MODIFIED:{_utc(e.modified)}",
            f"STATUS:{e.status}",
            f"TRANSP:{'OPAQUE' if e.timed else 'TRANSPARENT'}",
        ]
        if e.trigger is not None:
            lines += [
                "BEGIN:VALARM",
                "ACTION:DISPLAY",
                "DESCRIPTION:Follow-up reminder",
                f"TRIGGER:{_duration(e.trigger)}",
                "END:VALARM",
            ]
        lines.append("END:VEVENT")
        text.append("\r\n".join(lines) + "\r\n")
    text.append("END:VCALENDAR\r\n")
    return "".join(text).encode()
