import json
import subprocess
import sys
from datetime import UTC, datetime

import time_machine

from netdesk.cli import main


def run(db_path, *args):
    return main(["--db", str(db_path), *args])


def run_process(cli_env, db_path, *args):
    """The CLI in a subprocess, for errors argparse reports by exiting."""
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), *args],
        env=cli_env,
        capture_output=True,
        text=True,
    )


def log(db_path, contact, channel, summary, *extra):
    """`netdesk log` in process; returns the exit code."""
    return run(db_path, "log", contact, "--channel", channel, "--summary", summary, *extra)


@time_machine.travel(datetime(2026, 11, 24, 15, tzinfo=UTC))  # after the coffee and the award
def test_log_history_milestone_relate_today_events(db_path, capsys):
    assert run(db_path, "add", "--name", "Ana Silva", "--email", "ana@x.org") == 0
    assert run(db_path, "add", "--name", "Ben Okafor") == 0
    capsys.readouterr()
    assert log(db_path, "1", "coffee", "Coffee at AHA", "--date", "2026-11-08") == 0
    assert (
        run(
            db_path,
            "milestone",
            "1",
            "--kind",
            "award",
            "--summary",
            "Nurse of the Year",
            "--date",
            "2026-11-20",
            "--congratulate",
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "follow-up 1: Congratulate Ana Silva: Nurse of the Year" in out
    assert run(db_path, "relate", "2", "1", "--kind", "mentee of") == 0
    capsys.readouterr()
    assert run(db_path, "history", "1", "--json") == 0
    data = json.loads(capsys.readouterr().out)
    kinds = [e["kind"] for e in data["timeline"]]
    assert kinds == ["followup", "milestone", "interaction"]  # congratulate: due today, 24 Nov
    assert data["timeline"][2]["title"] == "Coffee at AHA"
    assert data["relationships"][0]["label"] == "mentor of"
    assert run(db_path, "history", "1", "--kind", "milestone", "--json") == 0
    only = json.loads(capsys.readouterr().out)["timeline"]
    assert [e["title"] for e in only] == ["Nurse of the Year"]
    assert run(db_path, "history", "2") == 0
    assert "Ben Okafor is mentee of Ana Silva (#1)" in capsys.readouterr().out
    assert run(db_path, "today", "--json") == 0
    today = json.loads(capsys.readouterr().out)
    assert today["sections"]["due_today"][0]["title"].startswith("Congratulate Ana Silva")
    assert run(db_path, "today") == 0
    assert "Due today (1)" in capsys.readouterr().out
    assert run(db_path, "events", "--json") == 0
    assert json.loads(capsys.readouterr().out) == []


def test_errors_are_one_line(db_path, capsys, cli_env):
    assert log(db_path, "7", "email", "x") == 3
    assert capsys.readouterr().err == "netdesk: No contact with id 7.\n"
    assert run(db_path, "add", "--name", "Ana") == 0
    assert run(db_path, "relate", "1", "1", "--kind", "colleague") == 2
    assert "themselves" in capsys.readouterr().err
    done = run_process(cli_env, db_path, "log", "1", "--channel", "fax", "--summary", "x")
    assert done.returncode == 2 and "invalid choice: 'fax'" in done.stderr
    done = run_process(
        cli_env, db_path, "log", "1", "--channel", "email", "--summary", "x", "--date", "9 Nov"
    )
    assert done.returncode == 2 and "use YYYY-MM-DD" in done.stderr


def test_log_at_an_event(db_path, capsys):
    from netdesk.models import Interaction
    from netdesk.services.history.events import create_event

    assert run(db_path, "add", "--name", "Ana Silva") == 0
    event = create_event("AHA 2026", start_date="2026-11-07")
    assert log(db_path, "1", "met", "Poster", "--event", str(event.id), "--date", "2026-11-08") == 0
    assert Interaction.get().event_id == event.id
    assert log(db_path, "1", "met", "x", "--event", "99") == 3
    assert "No event with id 99" in capsys.readouterr().err
    assert run(db_path, "events") == 0
    assert "AHA 2026\tconference\t0 met, 0 followed up, 0 waiting" in capsys.readouterr().out


def test_cli_history_and_today_show_the_users_time(db_path, capsys, user_wall_clock):
    """17:00 in Los Angeles is 01:00 UTC the next day; the user reads 17:00 on the 1st."""
    user_wall_clock("America/Los_Angeles", datetime(2026, 12, 1, 17, 0))
    assert run(db_path, "add", "--name", "Ana Silva") == 0
    assert log(db_path, "1", "call", "Evening call") == 0
    assert log(db_path, "1", "coffee", "Coffee at AHA", "--date", "2026-11-08") == 0
    capsys.readouterr()
    assert run(db_path, "history", "1") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        "2026-12-01 17:00\tinteraction\tEvening call  [call]",
        "2026-11-08\tinteraction\tCoffee at AHA  [coffee]",
    ]
    assert run(db_path, "history", "1", "--json") == 0
    assert json.loads(capsys.readouterr().out)["timeline"][0]["when"] == "2026-12-02T01:00:00"
    assert run(db_path, "today", "--json") == 0
    assert json.loads(capsys.readouterr().out)["today"] == "2026-12-01"
