"""Every exported .ics file is parsed back with icalendar and checked property by property."""

import stat
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from netdesk.errors import InputError
from netdesk.models import Event, EventAttendance, FollowUp
from netdesk.services.calendar.followups import (
    cancel_followup,
    change_followup,
    complete_followup,
    create_followup,
    reschedule_followup,
)
from netdesk.services.calendar.ics import (
    PRODID,
    build_calendar,
    event_times,
    export_ics,
    scope_query,
    sensitive_findings,
)
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import log_interaction


@pytest.fixture
def jane(db):
    c = create_contact(
        name="Jane Doe",
        prefix="Dr",
        organization="St Mary's",
        title="Chief of Cardiology",
        emails=["jane.doe@stmarys.org"],
        phones=["+1 617 555 0142"],
        tags=["cardiology"],
    )
    event = Event.create(name="AHA Scientific Sessions 2026", start_date=date(2026, 11, 7))
    EventAttendance.create(contact=c, event=event)
    log_interaction(c, channel="met", summary="Talked about heart-failure clinics")
    return c


def export_and_parse(tmp_path, followups, **kwargs) -> tuple[bytes, Calendar]:
    out = tmp_path / "followups.ics"
    export_ics(out, followups, **kwargs)
    raw = out.read_bytes()
    return raw, Calendar.from_ical(raw)


def vevents(cal: Calendar) -> dict[str, object]:
    return {str(e["uid"]): e for e in cal.walk("VEVENT")}


def test_calendar_and_event_properties(tmp_path, jane):
    timed = create_followup(
        jane,
        date(2026, 12, 1),
        "Follow up",
        due_time=time(9, 0),
        duration_minutes=15,
        timezone="America/New_York",
        note="Send the HF clinic protocol",
    )
    allday = create_followup(jane, date(2026, 12, 2), "Coffee", origin="cadence")
    raw, cal = export_and_parse(tmp_path, [timed, allday])

    assert cal["version"] == "2.0"
    assert cal["prodid"] == PRODID
    assert cal["method"] == "PUBLISH"
    assert cal["x-wr-calname"] == "netdesk follow-ups"
    events = vevents(cal)
    assert set(events) == {timed.uid, allday.uid}

    ev = events[timed.uid]
    assert ev["summary"] == "Follow up: Dr Jane Doe (St Mary's)"
    assert ev.decoded("dtstamp").tzinfo is not None
    assert ev["sequence"] == 0
    assert ev.decoded("dtstart") == datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    assert str(ev["dtstart"].params["TZID"]) == "America/New_York"
    assert ev.decoded("dtend") - ev.decoded("dtstart") == timedelta(minutes=15)
    assert ev["status"] == "CONFIRMED"
    assert ev["class"] == "PRIVATE"
    assert [str(c) for c in ev["categories"].cats] == ["Follow-up", "cardiology"]
    description = str(ev["description"])
    assert "Met at: AHA Scientific Sessions 2026 (November 2026)" in description
    assert "Last interaction: " in description and "heart-failure clinics" in description
    assert "Email: jane.doe@stmarys.org" in description
    assert "Phone: +1 617 555 0142" in description
    assert "Note: Send the HF clinic protocol" in description
    assert "Suggested message (Check-in):" in description
    alarms = ev.walk("VALARM")
    assert len(alarms) == 1
    assert alarms[0]["action"] == "DISPLAY" and alarms[0]["description"]
    assert alarms[0].decoded("trigger") == timedelta(minutes=-15)

    day = events[allday.uid]
    assert day["dtstart"].params["VALUE"] == "DATE"
    assert day.decoded("dtstart") == date(2026, 12, 2)
    assert day.decoded("dtend") == date(2026, 12, 3)  # exclusive end: the next day
    assert b"DTSTART;VALUE=DATE:20261202" in raw
    assert [str(c) for c in day["categories"].cats][0] == "Stay in touch"
    assert day["transp"] == "TRANSPARENT"
    trigger = day.walk("VALARM")[0]["trigger"]
    assert trigger.dt == timedelta(hours=9)  # 09:00 on the day, relative to its start
    assert trigger.params.get("RELATED", "START") == "START"

    zones = {str(tz["tzid"]) for tz in cal.walk("VTIMEZONE")}
    assert zones == {"America/New_York"}


def test_vtimezone_for_every_tzid_used_and_none_for_utc(tmp_path, jane):
    items = [
        create_followup(jane, date(2026, 3, 29), "A", due_time=time(9), timezone="Europe/Berlin"),
        create_followup(jane, date(2026, 7, 1), "B", due_time=time(9), timezone="America/New_York"),
        create_followup(jane, date(2026, 7, 2), "C", due_time=time(9), timezone="UTC"),
    ]
    raw, cal = export_and_parse(tmp_path, items)
    zones = {str(tz["tzid"]): tz for tz in cal.walk("VTIMEZONE")}
    assert set(zones) == {"Europe/Berlin", "America/New_York"}
    used = {
        str(e["dtstart"].params["TZID"])
        for e in cal.walk("VEVENT")
        if "TZID" in e["dtstart"].params
    }
    assert used <= set(zones)
    assert b"DTSTART:20260702T090000Z" in raw
    berlin = zones["Europe/Berlin"]  # the zone definition covers the 2026 switch to CEST
    assert any(
        sub.name == "DAYLIGHT" and sub["tzoffsetto"].td == timedelta(hours=2)
        for sub in berlin.subcomponents
    )


def test_crlf_and_folding_at_75_octets(tmp_path, jane):
    long_note = "Ärztin bat um Rückruf wegen der Studie über Herzinsuffizienz. " * 10
    f = create_followup(jane, date(2026, 12, 1), "Follow up", note=long_note)
    raw, cal = export_and_parse(tmp_path, [f])
    lines = raw.split(b"\r\n")
    assert raw.endswith(b"\r\n")
    assert b"\n" not in raw.replace(b"\r\n", b"")  # no bare LF anywhere
    assert all(len(line) <= 75 for line in lines)
    assert any(line.startswith(b" ") for line in lines)  # long lines were folded
    assert long_note.strip() in str(vevents(cal)[f.uid]["description"])


def test_reexport_same_uid_higher_sequence_and_exported_sequence(tmp_path, jane):
    f = create_followup(jane, date(2026, 12, 1), "Follow up", due_time=time(9), timezone="UTC")
    _, first = export_and_parse(tmp_path, [f])
    assert FollowUp.get_by_id(f.id).exported_sequence == 0
    reschedule_followup(f, date(2026, 12, 4), time(14, 0))
    f = FollowUp.get_by_id(f.id)
    _, second = export_and_parse(tmp_path, [f])
    before, after = vevents(first)[f.uid], vevents(second)[f.uid]
    assert before["uid"] == after["uid"]
    assert after["sequence"] > before["sequence"]
    assert after.decoded("dtstart") == datetime(2026, 12, 4, 14, 0, tzinfo=UTC)
    assert FollowUp.get_by_id(f.id).exported_sequence == 1


def test_done_and_cancelled_are_exported_cancelled(tmp_path, jane):
    done = create_followup(jane, date(2026, 12, 1), "Done one")
    cancelled = create_followup(jane, date(2026, 12, 2), "Cancelled one")
    untouched = create_followup(jane, date(2026, 12, 3), "Still open")
    export_ics(tmp_path / "first.ics", list(scope_query("open")))
    complete_followup(FollowUp.get_by_id(done.id))
    cancel_followup(FollowUp.get_by_id(cancelled.id))
    never_exported = cancel_followup(create_followup(jane, date(2026, 12, 4), "Never sent"))

    # "open" scope still carries the two the calendar holds as open, now cancelled
    scoped = {f.id for f in scope_query("open")}
    assert scoped == {done.id, cancelled.id, untouched.id}
    assert never_exported.id not in scoped
    _, cal = export_and_parse(tmp_path, list(scope_query("open")))
    events = vevents(cal)
    assert events[done.uid]["status"] == "CANCELLED"
    assert events[cancelled.uid]["status"] == "CANCELLED"
    assert events[done.uid]["sequence"] == 1
    assert not events[done.uid].walk("VALARM")  # no reminder for something finished
    assert events[untouched.uid]["status"] == "CONFIRMED"
    # once the cancellation went out, the next "open" export leaves them behind
    assert {f.id for f in scope_query("open")} == {untouched.id}
    assert {f.id for f in scope_query("all")} == {
        done.id,
        cancelled.id,
        untouched.id,
        never_exported.id,
    }


def test_patient_data_redacted_unless_allowed(tmp_path, jane):
    f = create_followup(
        jane, date(2026, 12, 1), "Follow up", note="Asked about pt MRN 00482913, DOB 3/4/1961"
    )
    assert set(sensitive_findings([f])) == {f.id}
    _, cal = export_and_parse(tmp_path, [f])
    text = str(vevents(cal)[f.uid]["description"])
    assert "00482913" not in text and "3/4/1961" not in text
    assert "[redacted mrn]" in text
    _, cal = export_and_parse(tmp_path, [f], allow_sensitive=True)
    assert "MRN 00482913" in str(vevents(cal)[f.uid]["description"])


def test_alarm_is_configurable_and_can_be_off(jane):
    f = create_followup(jane, date(2026, 12, 1), "X", due_time=time(9), timezone="UTC")
    cal = build_calendar([f], alarm_minutes=60)
    assert cal.walk("VALARM")[0].decoded("trigger") == timedelta(minutes=-60)
    assert build_calendar([f], alarm_minutes=None).walk("VALARM") == []
    day = create_followup(jane, date(2026, 12, 2), "Y")
    before = build_calendar([day], all_day_alarm="day-before").walk("VALARM")[0]
    assert before.decoded("trigger") == timedelta(hours=-15)  # 09:00 the day before
    with pytest.raises(InputError, match="not one of"):
        build_calendar([day], all_day_alarm="noon")


def test_export_file_is_user_only_and_atomic(tmp_path, jane):
    folder = tmp_path / "out"
    folder.mkdir()
    out = folder / "f.ics"
    out.write_text("previous content")
    f = create_followup(jane, date(2026, 12, 1), "Follow up")
    export_ics(out, [f])
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert out.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    assert [p.name for p in folder.iterdir()] == ["f.ics"]  # no temp file left behind
    with pytest.raises(InputError, match="does not exist"):
        export_ics(tmp_path / "missing" / "f.ics", [f])


def test_dst_edges_new_york_and_berlin(jane):
    # New York springs forward 2026-03-08 02:00 -> 03:00: 02:30 does not exist.
    gap = create_followup(
        jane, date(2026, 3, 8), "Gap", due_time=time(2, 30), timezone="America/New_York"
    )
    start, end = event_times(gap)
    assert (start.hour, start.minute) == (3, 30)  # moved forward, as RFC 5545 says
    assert end - start == timedelta(minutes=15)
    # New York falls back 2026-11-01 02:00 -> 01:00: a 60-minute slot at 01:30 lasts 60 minutes.
    fold = create_followup(
        jane,
        date(2026, 11, 1),
        "Fold",
        due_time=time(1, 30),
        duration_minutes=60,
        timezone="America/New_York",
    )
    start, end = event_times(fold)
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(minutes=60)
    assert start.utcoffset() == timedelta(hours=-4)  # the first 01:30 (EDT)
    # Berlin springs forward 2026-03-29: 09:00 that day is CEST (UTC+2), the day before CET.
    before = create_followup(
        jane, date(2026, 3, 28), "B", due_time=time(9), timezone="Europe/Berlin"
    )
    after = create_followup(
        jane, date(2026, 3, 29), "A", due_time=time(9), timezone="Europe/Berlin"
    )
    assert event_times(before)[0].astimezone(UTC).hour == 8
    assert event_times(after)[0].astimezone(UTC).hour == 7
    # Berlin falls back 2026-10-25 03:00 -> 02:00: 02:30 happens twice; the first (CEST) is used
    twice = create_followup(
        jane, date(2026, 10, 25), "T", due_time=time(2, 30), duration_minutes=60,
        timezone="Europe/Berlin",
    )  # fmt: skip
    start, end = event_times(twice)
    assert start.utcoffset() == timedelta(hours=2) and end.utcoffset() == timedelta(hours=1)
    assert (end.hour, end.minute) == (2, 30)  # 60 real minutes later, the clock shows 02:30 again
    (exported,) = build_calendar([twice]).walk("VEVENT")
    assert exported["dtend"].to_ical() == b"20261025T013000Z"  # not an ambiguous 02:30
    assert exported.decoded("dtend") - exported.decoded("dtstart") == timedelta(minutes=60)
    # and the exported wall clock stays 09:00 local
    cal = build_calendar([before, after])
    starts = sorted(e.decoded("dtstart") for e in cal.walk("VEVENT"))
    assert [s.hour for s in starts] == [9, 9]


def test_unknown_zone_is_a_clear_error(jane):
    with pytest.raises(InputError, match="'Mars/Olympus' is unknown"):
        create_followup(jane, date(2026, 12, 1), "X", due_time=time(9), timezone="Mars/Olympus")
    f = create_followup(jane, date(2026, 12, 1), "X", due_time=time(9), timezone="UTC")
    with pytest.raises(InputError, match="'Mars/Olympus' is unknown"):
        change_followup(f, timezone="Mars/Olympus")
    # a row written by an older version or another tool is still reported clearly
    FollowUp.update(timezone="Mars/Olympus").where(FollowUp.id == f.id).execute()
    with pytest.raises(InputError, match="unknown time zone 'Mars/Olympus'"):
        build_calendar([FollowUp.get_by_id(f.id)])


def test_a_second_parser_reads_the_same_file(tmp_path, jane):
    """vobject (what khal and many tools use) reads every event, zone and alarm too."""
    import vobject

    items = [
        create_followup(jane, date(2026, 12, 1), "A", due_time=time(9), timezone="Europe/Berlin"),
        create_followup(jane, date(2026, 12, 2), "B"),
    ]
    raw, _ = export_and_parse(tmp_path, items)
    cal = vobject.readOne(raw.decode())
    events = {e.uid.value: e for e in cal.vevent_list}
    assert set(events) == {f.uid for f in items}
    timed = events[items[0].uid]
    assert timed.dtstart.value.utcoffset() == timedelta(hours=1)  # CET in December
    assert timed.valarm.trigger.value == timedelta(minutes=-15)
    assert events[items[1].uid].dtstart.value == date(2026, 12, 2)
