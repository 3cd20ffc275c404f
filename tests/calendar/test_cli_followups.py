"""The follow-up commands, run as the user would: ``python -m netdesk`` in a subprocess."""

import json
import stat
import subprocess
import sys

from icalendar import Calendar


def run(cli_env, db_path, *args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        env=env or cli_env,
        timeout=60,
    )


def add_followup(cli_env, db_path, contact_id, due, title, *extra):
    """`netdesk followups add` for one contact; extra options pass through."""
    return run(
        cli_env, db_path, "followups", "add", "--contact", contact_id, "--due", due,
        "--title", title, *extra,
    )  # fmt: skip


def test_followups_add_list_done_cancel_snooze_export(cli_env, db_path, tmp_path):
    contact = run(
        cli_env, db_path, "add", "--name", "Jane Doe", "--org", "St Mary's", "--tag", "cardio"
    )
    cid = contact.stdout.strip()
    timed = add_followup(
        cli_env, db_path, cid, "2026-12-01", "Coffee",
        "--time", "09:00", "--duration", "30", "--note", "Bring the paper",
    )  # fmt: skip
    assert timed.returncode == 0, timed.stderr
    allday = add_followup(cli_env, db_path, cid, "2026-12-05", "Call")
    third = add_followup(cli_env, db_path, cid, "2027-01-05", "Later")
    ids = [timed.stdout.strip(), allday.stdout.strip(), third.stdout.strip()]

    listed = run(cli_env, db_path, "followups", "list", "--due-before", "2026-12-31", "--json")
    rows = json.loads(listed.stdout)
    assert [r["title"] for r in rows] == ["Coffee", "Call"]
    assert rows[0]["due_time"] == "09:00" and rows[0]["duration_minutes"] == 30
    assert rows[1]["due_time"] is None

    assert run(cli_env, db_path, "followups", "done", ids[0]).returncode == 0
    assert (
        run(cli_env, db_path, "followups", "snooze", ids[1], "--until", "2026-12-09").returncode
        == 0
    )
    assert run(cli_env, db_path, "followups", "cancel", ids[2]).returncode == 0
    status = {
        r["id"]: r["status"]
        for r in json.loads(
            run(cli_env, db_path, "followups", "list", "--status", "all", "--json").stdout
        )
    }
    assert status == {int(ids[0]): "done", int(ids[1]): "snoozed", int(ids[2]): "cancelled"}
    text = run(cli_env, db_path, "followups", "list").stdout
    assert "2026-12-09\tsnoozed\tJane Doe\tCall" in text

    out = tmp_path / "out.ics"
    exported = run(cli_env, db_path, "export-ics", str(out), "--all", "--tag", "cardio")
    assert exported.returncode == 0, exported.stderr
    assert f"3 follow-ups written to {out}" in exported.stdout
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    cal = Calendar.from_ical(out.read_bytes())
    assert sorted(str(e["status"]) for e in cal.walk("VEVENT")) == [
        "CANCELLED",
        "CANCELLED",
        "CONFIRMED",
    ]


def test_export_default_is_open_and_warns_about_patient_text(cli_env, db_path, tmp_path):
    cid = run(cli_env, db_path, "add", "--name", "Ana Silva").stdout.strip()
    add_followup(cli_env, db_path, cid, "2026-12-01", "Call", "--note", "pt MRN 00482913")
    done = add_followup(cli_env, db_path, cid, "2026-12-02", "Old").stdout.strip()
    run(cli_env, db_path, "followups", "done", done)
    out = tmp_path / "open.ics"
    result = run(cli_env, db_path, "export-ics", str(out))
    assert "1 follow-ups written" in result.stdout
    assert "patient data" in result.stderr and "--allow-sensitive" in result.stderr
    unfolded = out.read_bytes().replace(b"\r\n ", b"")
    assert b"00482913" not in unfolded and b"[redacted mrn]" in unfolded
    run(cli_env, db_path, "export-ics", str(out), "--allow-sensitive")
    assert b"MRN 00482913" in out.read_bytes().replace(b"\r\n ", b"")


def test_bad_input_is_one_line(cli_env, db_path, tmp_path):
    assert run(cli_env, db_path, "followups", "done", "999").returncode == 3
    bad = run(
        cli_env, db_path, "followups", "add", "--contact", "1", "--due", "tomorrow", "--title", "x"
    )
    assert bad.returncode == 2 and "use YYYY-MM-DD" in bad.stderr
    missing = run(cli_env, db_path, "export-ics", str(tmp_path / "no" / "x.ics"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    notag = run(cli_env, db_path, "export-ics", str(tmp_path / "x.ics"), "--tag", "nope")
    assert notag.returncode == 2 and "No tag named 'nope'" in notag.stderr


def test_rules_run_cli(cli_env, db_path):
    run(cli_env, db_path, "add", "--name", "Ana Silva")
    result = run(cli_env, db_path, "rules", "run")
    assert result.returncode == 0 and "0 follow-ups planned" in result.stdout


def test_sync_caldav_cli(cli_env, db_path, radicale, caldav_calendar):
    cid = run(cli_env, db_path, "add", "--name", "Ana Silva").stdout.strip()
    add_followup(cli_env, db_path, cid, "2026-12-01", "Call")
    args = (
        "sync-caldav",
        "--url",
        radicale.url,
        "--user",
        radicale.user,
        "--calendar",
        caldav_calendar,
    )
    no_password = run(cli_env, db_path, *args)
    assert no_password.returncode == 1 and "NETDESK_CALDAV_PASSWORD" in no_password.stderr
    env = dict(cli_env, NETDESK_CALDAV_PASSWORD="wrong")
    wrong = run(cli_env, db_path, *args, env=env)
    assert wrong.returncode == 1 and "refused user 'alice'" in wrong.stderr
    env["NETDESK_CALDAV_PASSWORD"] = radicale.password
    ok = run(cli_env, db_path, *args, env=env)
    assert ok.returncode == 0 and "1 new" in ok.stdout, ok.stderr
    again = run(cli_env, db_path, "sync-caldav", env=env)  # URL, user, calendar remembered
    assert again.returncode == 0 and "0 new, 0 updated" in again.stdout, again.stderr
