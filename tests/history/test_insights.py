from datetime import date, datetime, timedelta

from netdesk.models import Contact, FollowUp
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.events import add_attendee, create_event
from netdesk.services.history.insights import (
    contacts_by_event,
    contacts_by_role,
    followup_completion,
    interactions_per_month,
    network_reach,
)
from netdesk.services.history.interactions import add_milestone, log_interaction

NOW = datetime(2026, 11, 25, 12)


def test_empty_base_gives_empty_answers(db):
    assert contacts_by_role() == []
    assert contacts_by_event() == []
    assert [n for _, n in interactions_per_month(3, NOW.date())] == [0, 0, 0]
    assert followup_completion(NOW.date()).rate is None
    assert network_reach(NOW).roles == []


def test_numbers(db):
    ana = create_contact(name="Ana Silva", role="physician")
    ben = create_contact(name="Ben Okafor", role="nurse")
    cara = create_contact(name="Cara Lee", role="nurse")
    create_contact(name="No Role")
    gone = create_contact(name="Archived", role="it")
    Contact.update(archived=True).where(Contact.id == gone.id).execute()
    assert contacts_by_role() == [("nurse", 2), ("physician", 1), ("unspecified", 1)]
    aha = create_event("AHA 2026")
    him = create_event("HIMSS")
    for c in (ana, ben):
        add_attendee(aha.id, c.id)
    add_attendee(him.id, cara.id)
    assert contacts_by_event() == [("AHA 2026", 2), ("HIMSS", 1)]
    log_interaction(ana, occurred_at=datetime(2026, 11, 3))
    log_interaction(ana, occurred_at=datetime(2026, 9, 30))
    log_interaction(ben, occurred_at=datetime(2026, 9, 1))
    log_interaction(cara, occurred_at=NOW - timedelta(days=400))  # outside the year
    add_milestone(cara, "award", on=datetime(2026, 11, 4))  # not an interaction
    assert interactions_per_month(3, NOW.date()) == [("2026-09", 2), ("2026-10", 0), ("2026-11", 1)]
    assert interactions_per_month(14, NOW.date())[0] == ("2025-10", 1)
    reach = network_reach(NOW)
    assert reach.contacts == 2 and reach.disciplines == 2
    assert [(r, n, round(s, 2)) for r, n, s in reach.roles] == [
        ("nurse", 1, 0.5),
        ("physician", 1, 0.5),
    ]
    today = NOW.date()
    for i, status in enumerate(("done", "done", "open", "cancelled")):
        f = create_followup(ana, today - timedelta(days=i + 1), f"f{i}")
        FollowUp.update(status=status).where(FollowUp.id == f.id).execute()
    create_followup(ana, today + timedelta(days=3), "later")
    done = followup_completion(today)
    assert (done.done, done.open_overdue, done.open_later, done.cancelled) == (2, 1, 1, 1)
    assert round(done.rate, 3) == 0.667
    assert date(2026, 1, 1)
