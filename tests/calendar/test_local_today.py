""" "Today" is the user's day, not the UTC date (issue 10).

Each test stops the clock where the two differ: an evening in Los Angeles (already
tomorrow in UTC) and early mornings in Kiritimati and Tokyo (still yesterday in UTC).
"""

from datetime import UTC, datetime, timedelta

import pytest

from netdesk.models import set_setting
from netdesk.services.calendar.followups import (
    add_milestone,
    complete_followup,
    create_followup,
    run_rules,
)
from netdesk.services.calendar.today import build_today
from netdesk.services.clock import local_today
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import log_milestone

# (zone, wall-clock time there); the UTC date is the day after / the day before.
AWAY_FROM_UTC = [
    pytest.param("America/Los_Angeles", datetime(2026, 12, 1, 17, 0), id="los-angeles-17h"),
    pytest.param("Pacific/Kiritimati", datetime(2026, 12, 2, 6, 30), id="kiritimati-06h30"),
    pytest.param("Asia/Tokyo", datetime(2026, 12, 2, 7, 0), id="tokyo-07h"),
]
SECTIONS_DUE = ("overdue", "due_today", "upcoming")


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_today_sections_follow_the_users_day(db, user_wall_clock, zone, wall):
    instant = user_wall_clock(zone, wall)
    today = wall.date()
    assert instant.astimezone(UTC).date() != today  # where the old code went wrong
    ana = create_contact(name="Ana Silva")
    for days, title in ((-1, "yesterday"), (0, "today"), (1, "tomorrow"), (7, "in 7"), (8, "in 8")):
        create_followup(ana, today + timedelta(days=days), title)

    result = build_today()

    assert result.today == today
    shown = {name: [i.title for i in result.sections[name]] for name in SECTIONS_DUE}
    assert shown == {
        "overdue": ["yesterday"],
        "due_today": ["today"],
        "upcoming": ["tomorrow", "in 7"],
    }
    assert result.sections["overdue"][0].detail == "overdue 1 day"


def test_the_timezone_setting_wins_over_the_computers_zone(db, user_wall_clock):
    """A laptop left on Tokyo time, a user who set Los Angeles: Los Angeles decides."""
    user_wall_clock("Asia/Tokyo", datetime(2026, 12, 2, 10, 0))  # 17:00 on the 1st in LA
    set_setting("timezone", "America/Los_Angeles")
    assert local_today() == datetime(2026, 12, 1).date()
    assert build_today().today == datetime(2026, 12, 1).date()
    set_setting("timezone", "Not/A_Zone")  # hand-edited: the computer's zone
    assert local_today() == datetime(2026, 12, 2).date()


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_congratulate_is_due_on_the_users_day(db, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    today = wall.date()
    ana, ben = create_contact(name="Ana Silva"), create_contact(name="Ben Okafor")

    _, followup = add_milestone(ana, "promotion", "Chief of Nursing", congratulate=True)
    assert followup.due_date == today

    log_milestone(ben, "award", "Teaching award")  # no follow-up planned yet
    [item] = build_today().sections["milestones"]
    assert item.detail == f"award · {today:%d %b %Y}"
    assert run_rules(local_today()).milestone == 1
    planned = ben.followups.get()
    assert planned.due_date == today


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_next_cadence_round_counts_from_the_users_day(db, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    today = wall.date()
    ana = create_contact(name="Ana Silva", stay_in_touch_days=30)
    call = create_followup(ana, today, "Call Ana")

    done = complete_followup(call)

    assert done.next_cadence.due_date == today + timedelta(days=30)
    assert done.next_cadence.origin_key == f"cadence:{ana.id}:{today.isoformat()}"
