"""The sync engine's pieces that need no server: events, zones, Retry-After, migration, lazy imports."""

import sqlite3
import subprocess
import sys
from datetime import UTC, date, datetime, time

import pytest
import time_machine

from netdesk.errors import InputError, UserError
from netdesk.models import CalendarLink, close_database, open_database, set_setting
from netdesk.models.store.migrations import STEPS
from netdesk.services.calendar.followups import cancel_followup, create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.sync.engine import (
    MAX_WAIT_SECONDS,
    RetryLater,
    build_items,
    with_retries,
)
from netdesk.services.sync.graph import check_base_url, event_body, retry_after
from netdesk.services.sync.windows_zones import windows_zone


def test_windows_zone_names_from_cldr():
    assert windows_zone("America/New_York") == "Eastern Standard Time"
    assert windows_zone("Europe/Berlin") == "W. Europe Standard Time"
    assert windows_zone("Asia/Kolkata") == "India Standard Time"
    assert windows_zone("UTC") == "UTC"
    assert windows_zone("US/Eastern") == "Eastern Standard Time"  # a link, resolved
    with pytest.raises(InputError, match="no Windows equivalent"):
        windows_zone("Mars/Olympus_Mons")


def test_retry_after_seconds_or_http_date():
    assert retry_after("7") == 7.0
    assert retry_after(None) is None and retry_after("soon") is None
    with time_machine.travel(datetime(2026, 11, 20, 8, 0, tzinfo=UTC), tick=False):
        assert retry_after("Fri, 20 Nov 2026 08:00:30 GMT") == 30.0
        assert retry_after("Fri, 20 Nov 2026 07:00:00 GMT") == 0.0


def test_backoff_is_bounded_and_injectable():
    answers = iter([RetryLater(None), RetryLater(9999), RetryLater(None)])
    waits = []

    def flaky():
        answer = next(answers, None)
        if answer:
            raise answer
        return "ok"

    assert with_retries(flaky, waits.append) == "ok"
    assert waits == [2, MAX_WAIT_SECONDS, 8]
    waits.clear()

    def always_busy():
        raise RetryLater(1)

    with pytest.raises(UserError, match="still busy"):
        with_retries(always_busy, waits.append)
    assert waits == [1, 1, 1, 1]


def test_events_carry_reminders_categories_and_the_guard(db):
    c = create_contact(name="Jane Doe")
    timed = create_followup(
        c, date(2026, 12, 1), "Call re MRN 00482913", due_time=time(9), timezone="Europe/Berlin"
    )
    allday = create_followup(c, date(2026, 12, 2), "Coffee")
    gone = create_followup(c, date(2026, 12, 3), "Lunch")
    cancel_followup(gone)
    set_setting("alarm_minutes", 30)
    items = {i.uid: i for i in build_items([timed, allday, gone])}
    assert items[timed.uid].reminder_minutes == 30
    assert "00482913" not in items[timed.uid].summary
    assert items[allday.uid].reminder_minutes == 15 * 60 and items[allday.uid].all_day
    assert items[gone.uid].reminder_minutes is None
    assert items[gone.uid].summary.startswith("Cancelled: ")
    assert items[timed.uid].categories == ["Follow-up"]
    allowed = build_items([timed], allow_sensitive=True)[0]
    assert "00482913" in allowed.summary


def test_graph_body_across_a_dst_change(db):
    c = create_contact(name="Jane Doe")
    f = create_followup(
        c,
        date(2026, 11, 1),
        "Late call",
        due_time=time(1, 30),
        duration_minutes=60,
        timezone="America/New_York",
    )
    body = event_body(build_items([f])[0])
    assert body["start"] == {"dateTime": "2026-11-01T01:30:00", "timeZone": "Eastern Standard Time"}
    assert body["end"]["dateTime"] == "2026-11-01T01:30:00"  # an hour later, after fall-back


def test_graph_address_must_be_https():
    assert check_base_url("https://graph.microsoft.us/v1.0/") == "https://graph.microsoft.us/v1.0"
    assert check_base_url("http://127.0.0.1:8080/v1.0").startswith("http://127.0.0.1")
    with pytest.raises(InputError, match="https"):
        check_base_url("http://graph.example.org/v1.0")


def test_the_calendar_links_step_keeps_the_caldav_state(tmp_path):
    """Schema step 4 moves FollowUp.synced_sequence/caldav_href into calendar links.

    The file is today's schema with the step undone (its table dropped, the old columns
    back), and the step is run on its own: later steps do not get in the way.
    """
    path = tmp_path / "v3.sqlite3"
    open_database(path)
    c = create_contact(name="Jane Doe")
    f = create_followup(c, date(2026, 12, 1), "Call")
    close_database()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE calendar_link")
    conn.execute("ALTER TABLE follow_up ADD COLUMN synced_sequence INTEGER")
    conn.execute("ALTER TABLE follow_up ADD COLUMN caldav_href VARCHAR(255) NOT NULL DEFAULT ''")
    href = "http://127.0.0.1:5232/alice/work/x.ics"
    conn.execute("UPDATE follow_up SET synced_sequence = 0, caldav_href = ?", (href,))
    conn.commit()
    conn.close()

    db = open_database(path, migrate=False)
    with db.atomic():
        STEPS[4](db)
    link = CalendarLink.get()
    assert (link.account, link.uid, link.event_id) == ("caldav", f.uid, href)
    assert link.calendar_id == "http://127.0.0.1:5232/alice/work/" and link.synced_sequence == 0
    close_database()
    columns = {r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(follow_up)")}
    assert "synced_sequence" not in columns and "caldav_href" not in columns


def test_start_up_does_not_load_the_provider_libraries(cli_env):
    code = (
        "import sys, netdesk.cli, netdesk.ui.main_window, netdesk.services.sync.accounts; "
        "print(sorted(m for m in ('msal', 'googleapiclient', 'google_auth_oauthlib', "
        "'caldav', 'requests') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=cli_env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
