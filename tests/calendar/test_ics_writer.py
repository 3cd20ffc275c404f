"""The direct .ics writer gives the very bytes icalendar gives, for every event shape."""

from datetime import UTC, date, datetime, time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from icalendar import Event as VEvent

from netdesk.models import Event, EventAttendance, FollowUp
from netdesk.services.calendar.followups import (
    cancel_followup,
    complete_followup,
    create_followup,
    snooze_followup,
)
from netdesk.services.calendar.ics import build_calendar, calendar_bytes
from netdesk.services.calendar.ics_writer import escape_text, fold
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import log_interaction

STAMP = datetime(2026, 12, 2, 15, 4, 5, 123456)
ZONES = (
    "America/New_York",
    "Europe/Berlin",
    "UTC",
    "Etc/UTC",
    "US/Eastern",  # an alias
    "Asia/Kolkata",  # half-hour offset, no DST
    "Australia/Lord_Howe",  # half-hour DST
    "Etc/GMT+5",
    "Africa/Casablanca",  # irregular transitions
)
# Text that exercises escaping and folding: separators, backslashes, a literal \N,
# every kind of line break, 2-, 3- and 4-byte characters, and escapes at fold points.
AWKWARD = [
    "Send slides; then call, maybe",
    "C:\\path\\to\\file and a literal \\N here",
    "line one\r\nline two\nline three\rline four",
    "Café Zoë – São Paulo 東京 🎉 " * 4,
    *("x" * n + ",;\\" * 3 + "y" * 40 for n in range(60, 80)),
    "é" * 40 + "," + "ü" * 40,
    "^caret^" * 15,
    "",
]


@pytest.fixture
def people(db):
    jane = create_contact(
        name="Jane Doe",
        prefix="Dr",
        organization="St Mary's; Boston, MA",
        title="Chief, Cardiology",
        emails=["jane.doe@stmarys.org", "jd@example.org", "third@example.org"],
        phones=["+1 617 555 0142"],
        tags=["cardiology", "board, advisory", "back\\slash"],
    )
    event = Event.create(name="AHA 2026; Chicago, IL", start_date=date(2026, 11, 7))
    EventAttendance.create(contact=jane, event=event)
    log_interaction(jane, channel="met", summary="Talked about heart-failure clinics, MRN 1234567")
    bare = create_contact(name="Zoë Ünal")  # no organization, email, tag or history
    return jane, bare


def every_shape(jane, bare) -> list[FollowUp]:
    made = []
    for i, zone in enumerate(ZONES):
        made.append(
            create_followup(
                jane,
                date(2026, 3 + i, 10 + i),
                f"Call {i}",
                due_time=time(9, 30),
                timezone=zone,
                duration_minutes=15 + 45 * (i % 3),
            )  # fmt: skip
        )
    made.append(  # ends in the repeated hour of a fall-back: DTEND in UTC
        create_followup(
            jane,
            date(2026, 10, 25),
            "Fold",
            due_time=time(2, 30),
            duration_minutes=60,
            timezone="Europe/Berlin",
        )  # fmt: skip
    )
    made.append(  # a wall time skipped by spring-forward
        create_followup(
            bare, date(2026, 3, 8), "Gap", due_time=time(2, 30), timezone="America/New_York"
        )  # fmt: skip
    )
    for i, text in enumerate(AWKWARD):
        who = jane if i % 2 else bare
        made.append(create_followup(who, date(2026, 12, 1 + i % 20), text or "x", note=text))
    origins = ("event", "cadence", "milestone")
    for i, origin in enumerate(origins):
        made.append(create_followup(jane, date(2027, 1, 1 + i), f"From {origin}", origin=origin,
                                    origin_key=f"{origin}-{i}", template="thanks"))  # fmt: skip
    made.append(complete_followup(create_followup(jane, date(2026, 12, 3), "Done"), summary="ok"))
    made.append(cancel_followup(create_followup(bare, date(2026, 12, 4), "Off", due_time=time(8),
                                                timezone="Europe/Berlin")))  # fmt: skip
    made.append(
        snooze_followup(create_followup(jane, date(2026, 12, 5), "Later"), date(2027, 2, 1))
    )
    return [FollowUp.get_by_id(f.id) for f in made]


@pytest.mark.parametrize("allow_sensitive", [False, True])
@pytest.mark.parametrize(
    ("alarm_minutes", "all_day_alarm"),
    [
        (15, "same-day"),
        (None, "same-day"),
        (0, "day-before"),
        (90, "same-day"),
        (1440, "day-before"),
        (10080, "same-day"),
        (100000, "same-day"),
    ],  # fmt: skip
)
def test_direct_writer_gives_icalendars_bytes(
    people, alarm_minutes, all_day_alarm, allow_sensitive
):
    followups = every_shape(*people)
    options = dict(
        alarm_minutes=alarm_minutes,
        all_day_alarm=all_day_alarm,
        allow_sensitive=allow_sensitive,
        stamp=STAMP,
    )
    expected = build_calendar(followups, **options).to_ical()
    assert calendar_bytes(followups, **options) == expected
    assert b"BEGIN:VTIMEZONE" in expected and b"BEGIN:VALARM" in expected or alarm_minutes is None


def test_calendar_name_and_an_empty_calendar(people):
    for name in ("netdesk follow-ups", "Ana's; list, \\ with é" * 5, "two\nlines", ""):
        assert calendar_bytes([], name=name, stamp=STAMP) == (
            build_calendar([], name=name, stamp=STAMP).to_ical()
        )


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300))
def test_escaping_and_folding_match_icalendar_for_any_text(text):
    event = VEvent()
    event.add("description", text)
    expected = event.to_ical().decode().split("\r\n", 1)[1].rsplit("\r\nEND:VEVENT", 1)[0]
    assert fold("DESCRIPTION:" + escape_text(text)) == expected


def test_dtstamp_drops_microseconds_like_icalendar(people):
    f = every_shape(*people)[:1]
    stamp = datetime(2026, 1, 2, 3, 4, 5, 999999, tzinfo=UTC)
    assert calendar_bytes(f, stamp=stamp) == build_calendar(f, stamp=stamp).to_ical()
