"""Rules: after-event slot, stay-in-touch cadence, milestones; idempotent when run again."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
import time_machine
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesk.errors import InputError
from netdesk.models import Event, EventAttendance, FollowUp, Interaction, Tag, set_setting
from netdesk.services.calendar.followups import (
    Slot,
    add_business_days,
    cadence_days,
    cancel_followup,
    complete_followup,
    reschedule_followup,
    run_rules,
    schedule_after_event,
)
from netdesk.services.contacts.records import create_contact, tag_named, update_contact
from netdesk.services.history.interactions import log_interaction

TODAY = date(2026, 11, 25)  # a Wednesday


def test_business_days_across_weekends_and_month_ends():
    assert add_business_days(date(2026, 11, 25), 2) == date(2026, 11, 27)  # Wed -> Fri
    assert add_business_days(date(2026, 11, 26), 2) == date(2026, 11, 30)  # Thu -> Mon
    assert add_business_days(date(2026, 12, 31), 1) == date(2027, 1, 1)
    assert add_business_days(date(2026, 11, 29), 0) == date(2026, 11, 29)
    assert add_business_days(date(2026, 11, 27), 10) == date(2026, 12, 11)


def test_slot_parsing():
    assert Slot.parse("09:00-09:15") == Slot(time(9, 0), 15)
    assert str(Slot.parse("13:30-14:00")) == "13:30-14:00"
    assert Slot.parse("") is None
    with pytest.raises(InputError, match="ends before"):
        Slot.parse("10:00-09:00")
    with pytest.raises(InputError, match="not like"):
        Slot.parse("morning")


def test_after_event_slot_in_user_zone(db):
    set_setting("timezone", "Europe/Berlin")
    a = create_contact(name="Ana Silva")
    event = Event.create(
        name="ESC Congress", start_date=date(2026, 3, 25), end_date=date(2026, 3, 27)
    )
    (f,) = schedule_after_event(event, [a.id], 2, Slot(time(9, 0), 15))
    assert f.due_date == date(2026, 3, 31)  # Fri + 2 business days = Tue
    assert (f.due_time, f.duration_minutes, f.timezone) == (time(9, 0), 15, "Europe/Berlin")
    assert f.template == "thank-you" and f.origin == "event"


def test_run_rules_is_idempotent_and_covers_every_rule(db):
    set_setting("followups.slot", "09:00-09:15")
    set_setting("timezone", "America/New_York")  # the days below are the user's days there
    met = create_contact(name="Ben Okafor")
    event = Event.create(name="HIMSS", start_date=date(2026, 11, 20), end_date=date(2026, 11, 23))
    EventAttendance.create(contact=met, event=event)
    old_event = Event.create(name="Last year", start_date=date(2025, 11, 1))
    EventAttendance.create(contact=met, event=old_event)

    own = create_contact(name="Cara Lee", stay_in_touch_days=30)
    log_interaction(own, channel="call", occurred_at=datetime(2026, 11, 1, 15, 0))
    tagged = create_contact(name="Dev Patel", tags=["mentors"])
    Tag.update(stay_in_touch_days=90).where(Tag.name == "mentors").execute()
    log_interaction(tagged, channel="coffee", occurred_at=datetime(2026, 6, 1, 12, 0))

    promo = log_interaction(
        met, kind="milestone", milestone_kind="promotion", summary="promotion to CMIO",
        occurred_at=datetime(2026, 11, 24, 8, 0),
    )  # fmt: skip

    first = run_rules(TODAY)
    assert (first.after_event, first.cadence, first.milestone) == (1, 2, 1)
    again = run_rules(TODAY)
    assert again.total == 0
    assert run_rules(TODAY + timedelta(days=1)).total == 0  # nor on the next day
    assert FollowUp.select().count() == 4

    after = FollowUp.get(FollowUp.origin_key == f"event:{event.id}:{met.id}")
    assert after.due_date == date(2026, 11, 25) and after.due_time == time(9, 0)
    cadence = {f.contact_id: f for f in FollowUp.select().where(FollowUp.origin == "cadence")}
    assert cadence[own.id].due_date == date(2026, 12, 1)  # 30 days after Nov 1
    assert cadence[tagged.id].due_date == TODAY  # overdue (Jun 1 + 90) -> due today
    congrats = FollowUp.get(FollowUp.origin_key == f"milestone:{promo.id}")
    assert congrats.template == "congratulations" and "CMIO" in congrats.title


def test_cadence_from_contact_beats_tag(db):
    c = create_contact(name="Eve Moss", tags=["board"])
    tag_named("board")
    Tag.update(stay_in_touch_days=180).execute()
    assert cadence_days(c) == 180
    update_contact(c, stay_in_touch_days=60)
    assert cadence_days(c) == 60


def test_completing_logs_interaction_and_schedules_next_cadence(db):
    c = create_contact(name="Fay Wong", stay_in_touch_days=60)
    log_interaction(c, channel="email", occurred_at=datetime(2026, 9, 1, 10, 0))
    run_rules(TODAY)
    (current,) = FollowUp.select().where(FollowUp.origin == "cadence")
    with time_machine.travel(datetime.combine(TODAY, time(15), UTC), tick=False):
        complete_followup(current, channel="call")  # done TODAY: the next round counts from it
    assert Interaction.select().where(Interaction.followup == current.id).count() == 1
    nxt = FollowUp.get((FollowUp.origin == "cadence") & (FollowUp.status == "open"))
    assert nxt.id != current.id
    assert current.next_cadence.id == nxt.id  # so an undo knows what to remove
    assert nxt.due_date == TODAY + timedelta(days=60)
    assert run_rules(TODAY).cadence == 0  # the pending one is not duplicated


def test_cancelled_cadence_round_is_not_recreated(db):
    c = create_contact(name="Gus Hale", stay_in_touch_days=30)
    log_interaction(c, channel="email", occurred_at=datetime(2026, 10, 1, 10, 0))
    run_rules(TODAY)
    cancel_followup(FollowUp.get(FollowUp.contact == c))
    assert run_rules(TODAY).cadence == 0


def test_reschedule_reopens_a_snoozed_followup(db):
    from netdesk.services.calendar.followups import create_followup, snooze_followup

    c = create_contact(name="Hal Ito")
    f = snooze_followup(create_followup(c, TODAY, "X"), TODAY + timedelta(days=7))
    reschedule_followup(f, TODAY + timedelta(days=2), time(10, 0), 30)
    f = FollowUp.get_by_id(f.id)
    assert (f.status, f.due_time, f.duration_minutes, f.sequence) == ("open", time(10), 30, 2)


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 1, 1)), st.integers(0, 60))
def test_business_days_property(start, days):
    """Lands on a weekday (unless 0 days), and exactly ``days`` weekdays are passed."""
    end = add_business_days(start, days)
    passed = sum(
        1 for i in range(1, (end - start).days + 1) if (start + timedelta(days=i)).weekday() < 5
    )
    assert passed == days
    if days:
        assert end.weekday() < 5
        assert (end - start).days <= days + 2 * (days // 5 + 1)
