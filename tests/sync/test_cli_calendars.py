"""``netdesk calendars``, ``sync-calendar``, ``calendar-signin`` and ``calendar-signout``.

Run in-process (``netdesk.cli.main``) so the stand-ins, the in-memory keyring and the
fixed date of each test apply; the subprocess tests elsewhere cover the entry point.
"""

from datetime import UTC, date, datetime, time

import time_machine

from netdesk.cli import main
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def cli(db_path, capsys, *argv):
    with time_machine.travel(NOW, tick=False):
        code = main(["--db", str(db_path), *argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_microsoft_from_sign_in_to_second_sync(microsoft, db_path, capsys):
    c = create_contact(name="Jane Doe")
    create_followup(c, date(2026, 12, 1), "Call", due_time=time(9), timezone="Europe/Berlin")
    create_followup(c, date(2026, 12, 2), "Coffee")

    code, out, err = cli(db_path, capsys, "sync-calendar")
    assert code == 1 and "No calendar is connected" in err

    code, out, err = cli(
        db_path, capsys, "calendar-signin", "microsoft", "--client-id", "test-client-id",
        "--tenant", "organizations",
    )  # fmt: skip
    assert code == 0, err
    assert "enter the code NDK-7QX2" in out and "ana.silva@stmarys.example" in out

    code, out, _ = cli(db_path, capsys, "calendars")
    assert "microsoft\tconnected" in out and "google\t-" in out

    code, out, _ = cli(db_path, capsys, "calendars", "microsoft")
    assert out.splitlines()[0].startswith("* Calendar")
    assert "US Holidays (read-only)" in out

    code, _, err = cli(db_path, capsys, "calendars", "microsoft", "--use", "US Holidays")
    assert code == 2 and "read-only" in err
    code, out, _ = cli(db_path, capsys, "calendars", "microsoft", "--use", "Work")
    assert code == 0 and "'Work'" in out

    code, out, err = cli(db_path, capsys, "sync-calendar", "--provider", "microsoft")
    assert code == 0, err
    assert out.strip() == "Microsoft sync: 2 new, 0 updated, 0 cancelled, 0 removed."
    assert {e["calendar"] for e in microsoft.events.values()} == {"AAMkCal-work"}
    code, out, _ = cli(db_path, capsys, "sync-calendar")
    assert "0 new, 0 updated" in out

    code, out, _ = cli(db_path, capsys, "calendar-signout", "microsoft")
    assert code == 0 and "Signed out" in out
    code, out, _ = cli(db_path, capsys, "calendars")
    assert "microsoft\t-" in out


def test_revoked_consent_is_one_line_and_exit_1(microsoft, db_path, capsys):
    create_followup(create_contact(name="Jane Doe"), date(2026, 12, 2), "Coffee")
    cli(db_path, capsys, "calendar-signin", "microsoft", "--client-id", "test-client-id")
    microsoft.revoke_consent()
    code, out, err = cli(db_path, capsys, "sync-calendar", "--provider", "microsoft")
    assert code == 1
    assert err.count("\n") == 1 and "sign in again" in err


def test_google_sign_in_needs_a_client(google, db_path, capsys, tmp_path):
    code, _, err = cli(db_path, capsys, "calendar-signin", "google")
    assert code == 2 and "--client-secret-file" in err
    bad = tmp_path / "client_secret.json"
    bad.write_text('{"web": {}}')
    code, _, err = cli(
        db_path, capsys, "calendar-signin", "google", "--client-secret-file", str(bad)
    )
    assert code == 2 and "Desktop app" in err
