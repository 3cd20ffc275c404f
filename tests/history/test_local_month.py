"""Insights count in the user's months, not in UTC months (issue 10)."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.insights import followup_completion, interactions_per_month
from netdesk.services.history.interactions import log_interaction

# The last evening of November in Los Angeles is 1 December in UTC; the first morning of
# December in Tokyo and Kiritimati is still 30 November in UTC.
MONTH_EDGES = [
    pytest.param("America/Los_Angeles", datetime(2026, 11, 30, 17, 0), id="los-angeles-17h"),
    pytest.param("Asia/Tokyo", datetime(2026, 12, 1, 7, 0), id="tokyo-07h"),
    pytest.param("Pacific/Kiritimati", datetime(2026, 12, 1, 6, 30), id="kiritimati-06h30"),
]


@pytest.mark.parametrize(("zone", "wall"), MONTH_EDGES)
def test_current_month_is_the_users(db, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    this_month = wall.date().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    ana = create_contact(name="Ana Silva")
    log_interaction(ana, channel="call", summary="now")
    log_interaction(ana, channel="email", summary="dated", occurred_at=this_month)
    before_midnight = datetime.combine(this_month, time(), ZoneInfo(zone)) - timedelta(minutes=30)
    log_interaction(
        ana,
        channel="email",
        summary="half an hour before the month began, there",
        occurred_at=before_midnight.astimezone(UTC).replace(tzinfo=None),
    )

    assert interactions_per_month(2) == [
        (f"{last_month:%Y-%m}", 1),
        (f"{this_month:%Y-%m}", 2),
    ]


@pytest.mark.parametrize(("zone", "wall"), MONTH_EDGES)
def test_due_today_is_not_overdue_in_insights(db, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    ana = create_contact(name="Ana Silva")
    create_followup(ana, wall.date(), "Call Ana")
    create_followup(ana, wall.date() - timedelta(days=1), "Write to Ana")
    done = followup_completion()
    assert (done.open_overdue, done.open_later) == (1, 1)
