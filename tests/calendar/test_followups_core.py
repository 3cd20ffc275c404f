from datetime import date, time

from netdesk.models import Contact, Event, FollowUp, Interaction
from netdesk.services.calendar.followups import (
    add_business_days,
    complete_followup,
    create_followup,
    schedule_after_event,
    snooze_followup,
)
from netdesk.services.contacts.records import create_contact


def test_business_days_skip_weekends():
    friday = date(2026, 11, 27)
    assert add_business_days(friday, 1) == date(2026, 11, 30)
    assert add_business_days(friday, 2) == date(2026, 12, 1)
    assert add_business_days(date(2026, 11, 28), 1) == date(2026, 11, 30)  # from Saturday


def test_every_change_bumps_sequence_and_uid_stays(db):
    c = create_contact(name="Ana Silva")
    f = create_followup(
        c, date(2026, 12, 1), "Coffee", due_time=time(9, 0), timezone="Europe/Lisbon"
    )
    uid = f.uid
    snooze_followup(f, date(2026, 12, 8))
    complete_followup(f, channel="coffee")
    f = FollowUp.get_by_id(f.id)
    assert (f.uid, f.sequence, f.status) == (uid, 2, "done")
    logged = Interaction.get(Interaction.followup == f)
    assert logged.channel == "coffee"
    assert Contact.get_by_id(c.id).last_interaction_at == logged.occurred_at


def test_after_event_rule_is_idempotent(db):
    a, b = create_contact(name="Ana Silva"), create_contact(name="Ben Okafor")
    event = Event.create(name="AHA 2026", start_date=date(2026, 11, 7), end_date=date(2026, 11, 9))
    first = schedule_after_event(event, [a.id, b.id])
    again = schedule_after_event(event, [a.id, b.id])
    assert FollowUp.select().count() == 2
    assert {f.id for f in first} == {f.id for f in again}
    assert first[0].due_date == date(2026, 11, 11)  # Monday 9th + 2 business days
