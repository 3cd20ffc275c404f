from datetime import date, datetime

import pytest

from netdesk.errors import InputError, NotFound
from netdesk.models import Event
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.events import (
    add_attendee,
    create_event,
    delete_event,
    event_people,
    list_events,
    restore_event,
    update_event,
)
from netdesk.services.history.interactions import log_interaction


def test_counts_followed_up_and_waiting(db):
    aha = create_event(
        "AHA 2026", kind="conference", start_date="2026-11-07", end_date="2026-11-09"
    )
    webinar = create_event("Sepsis webinar", kind="webinar", start_date=date(2026, 10, 1))
    create_event("Undated committee", kind="committee")
    ana, ben, cara, dan = (
        create_contact(name=n) for n in ("Ana Silva", "Ben Okafor", "Cara Lee", "Dan Wu")
    )
    for c in (ana, ben, cara, dan):
        add_attendee(aha.id, c.id)
    add_attendee(webinar.id, ana.id)
    # Ana: an email after the event -> followed up (for both events)
    log_interaction(ana, channel="email", occurred_at=datetime(2026, 11, 12))
    # Ben: only the meeting itself, logged at the event -> still waits
    log_interaction(ben, channel="met", event=aha, occurred_at=datetime(2026, 11, 8))
    # Cara: a done follow-up completed after the event -> followed up
    f = create_followup(cara, date(2026, 11, 11), "Thank-you note")
    f.status, f.completed_at = "done", datetime(2026, 11, 11, 10)
    f.save()
    # Dan: talked before the event only, and a follow-up still open -> waits
    log_interaction(dan, channel="call", occurred_at=datetime(2026, 9, 1))
    create_followup(dan, date(2026, 11, 30), "Send the paper")
    summaries = {e.name: e for e in list_events()}
    assert [e.name for e in list_events()] == ["AHA 2026", "Sepsis webinar", "Undated committee"]
    assert (summaries["AHA 2026"].people, summaries["AHA 2026"].followed_up) == (4, 2)
    assert summaries["AHA 2026"].waiting == 2
    assert (summaries["Sepsis webinar"].people, summaries["Sepsis webinar"].waiting) == (1, 0)
    assert summaries["Undated committee"].to_dict()["waiting"] == 0
    people = event_people(aha.id)
    assert [(p.name, p.followed_up, p.open_followup) for p in people] == [
        ("Ben Okafor", False, False),
        ("Dan Wu", False, True),
        ("Ana Silva", True, False),
        ("Cara Lee", True, False),
    ]


def test_create_and_edit_validate(db):
    with pytest.raises(InputError, match="needs a name"):
        create_event("  ")
    with pytest.raises(InputError, match="kind 'party'"):
        create_event("X", kind="party")
    with pytest.raises(InputError, match="ends before it starts"):
        create_event("X", start_date="2026-11-09", end_date="2026-11-07")
    with pytest.raises(InputError, match="not a date"):
        create_event("X", start_date="9 Nov")
    event = create_event("HIMSS", kind="conference", location="Las Vegas")
    before = update_event(event.id, name="HIMSS 2027", url="https://himss.org")
    assert before == {"name": "HIMSS", "url": ""}
    assert Event.get_by_id(event.id).name == "HIMSS 2027"
    update_event(event.id, **before)
    assert Event.get_by_id(event.id).name == "HIMSS"
    with pytest.raises(NotFound):
        event_people(999)


def test_delete_and_restore_event_with_attendance(db):
    event = create_event("AHA 2026", start_date="2026-11-07")
    ana = create_contact(name="Ana Silva")
    add_attendee(event.id, ana.id, "speaker")
    snap = delete_event(event.id)
    assert list_events() == []
    assert restore_event(snap) == event.id
    [person] = event_people(event.id)
    assert (person.name, person.role) == ("Ana Silva", "speaker")
