"""ICS export of hostile text, parsed back: exact text, no injected properties or events.

Runs once the follow-ups feature (netdesk.services.calendar.ics.build_calendar) is in the tree.
"""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ics = pytest.importorskip("netdesk.services.calendar.ics")
if not hasattr(ics, "build_calendar"):
    pytest.skip("netdesk.services.calendar.ics has no build_calendar yet", allow_module_level=True)

from icalendar import Calendar  # noqa: E402

from netdesk.models import FollowUp  # noqa: E402
from netdesk.services.calendar.followups import create_followup  # noqa: E402
from netdesk.services.contacts.records import create_contact  # noqa: E402

INJECTIONS = [
    "line1\r\nATTACH:http://evil.example/x\r\nX-EVIL:1",
    "END:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:injected",
    "semi;colon,comma\\backslash\nnewline",
    '<script>alert(1)</script> &amp; "quotes"',
    '=HYPERLINK("http://evil")',
    "ünïcødé 🩺 " * 50,
    "x" * 20_000,
]


def _round_trip(note: str, title: str = "Follow up") -> tuple[FollowUp, Calendar]:
    contact = create_contact(name="Ana Silva")
    f = create_followup(contact, date(2026, 12, 1), title, note=note)
    f = FollowUp.get_by_id(f.id)
    cal = Calendar.from_ical(ics.build_calendar([f], allow_sensitive=True).to_ical())
    return f, cal


def _text(value: str) -> str:
    """iCalendar TEXT has one line break, LF; CRLF and CR come back as LF."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


def _events(cal: Calendar) -> list:
    return [c for c in cal.walk() if c.name == "VEVENT"]


@pytest.mark.parametrize("note", INJECTIONS)
def test_hostile_notes_come_back_exactly_and_inject_nothing(db, note):
    f, cal = _round_trip(note, title=note[:200] or "t")
    events = _events(cal)
    assert len(events) == 1
    ev = events[0]
    assert _text(f.note) in str(ev.get("description"))
    assert _text(f.title) in str(ev.get("summary"))
    assert "ATTACH" not in ev and "X-EVIL" not in ev


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(note=st.text(max_size=300), title=st.text(min_size=1, max_size=80))
def test_any_text_round_trips_through_ics(db, note, title):
    try:
        f, cal = _round_trip(note, title)
    except Exception as exc:  # refusing bad input is fine if it says why
        from netdesk.errors import UserError

        assert isinstance(exc, UserError), exc
        return
    events = _events(cal)
    assert len(events) == 1 and str(events[0].get("uid")) == f.uid
    assert _text(f.note) in str(events[0].get("description"))
    assert _text(f.title) in str(events[0].get("summary"))


def test_a_title_of_a_byte_order_mark_alone_is_no_title(db):
    """Hypothesis found it: icalendar drops a leading BOM, so netdesk never stores one."""
    f, cal = _round_trip("", title="\ufeffCall back")
    assert f.title == "Call back"
    assert str(_events(cal)[0].get("summary")).startswith("Call back")
