"""Two netdesk processes on one database: no "database is locked", no lost update."""

import sqlite3
import subprocess
import sys
import textwrap

import pytest
from peewee import OperationalError

from netdesk.models import database, get_setting, set_setting
from netdesk.models.store.retry import DatabaseBusy, retry_on_busy

# A real `netdesk add` run per iteration, in-process so the test does not pay for
# 60 interpreter starts; the CLI code path (open, transaction, retry) is the same.
ADDER = textwrap.dedent(
    """
    import sys
    from netdesk.cli import main
    db, who, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(n):
        code = main(["--db", db, "add", "--name", f"{who} Person{i}", "--org", "Shared Org",
                     "--tag", "conference"])
        if code != 0:
            sys.exit(code)
    """
)

# Stands in for the GUI: opens write transactions and holds each for a moment.
HOLDER = textwrap.dedent(
    """
    import sqlite3, sys, time
    conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=15)
    print("ready", flush=True)
    for i in range(int(sys.argv[2])):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE organization SET name = name")
        time.sleep(0.15)  # a slow GUI write holding the lock
        conn.execute("COMMIT")
    """
)

# Read-modify-write of one counter: a lost update shows up as a final value < total.
BUMPER = textwrap.dedent(
    """
    import sys
    from netdesk.models import open_database, get_setting, set_setting
    from netdesk.models.store.retry import retry_on_busy
    open_database(sys.argv[1])

    @retry_on_busy
    def bump():
        set_setting("counter", get_setting("counter", 0) + 1)

    for _ in range(int(sys.argv[2])):
        bump()
    """
)


def _spawn(script: str, *args, env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_cli_processes_and_a_lock_holder_write_concurrently_without_errors(db, db_path, cli_env):
    env = dict(cli_env, NETDESK_NO_AUTO_BACKUP="1")
    set_setting("seed", 1)
    from netdesk.services.contacts.records import create_contact

    create_contact(name="Seed", organization="Shared Org")
    holder = _spawn(HOLDER, db_path, 12, env=env)
    assert holder.stdout.readline().strip() == "ready"
    adders = [_spawn(ADDER, db_path, f"P{k}", 20, env=env) for k in range(3)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in [*adders, holder]]
    for code, err in results:
        assert code == 0, err
        assert "locked" not in err.lower() and "busy" not in err.lower(), err
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT display_name FROM contact")}
    orgs = conn.execute("SELECT count(*) FROM organization WHERE name='Shared Org'").fetchone()
    tags = conn.execute("SELECT count(*) FROM contact_tag").fetchone()[0]
    conn.close()
    assert names == {"Seed"} | {f"P{k} Person{i}" for k in range(3) for i in range(20)}
    assert orgs[0] == 1  # get-or-create under contention made one org, not duplicates
    assert tags == 60


def test_read_modify_write_from_two_processes_loses_no_update(db, db_path, cli_env):
    set_setting("counter", 0)
    procs = [_spawn(BUMPER, db_path, 40, env=cli_env) for _ in range(3)]
    for p in procs:
        assert p.wait(timeout=120) == 0, p.stderr.read()
    assert get_setting("counter") == 120


def test_retry_gives_up_with_a_clear_message_and_rolls_back(db, db_path):
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    other.execute("BEGIN IMMEDIATE")
    database.obj._timeout = 0.01  # do not wait 15 s per attempt in this test
    database.close()
    calls = []

    @retry_on_busy(attempts=3, base_delay=0.001)
    def write():
        calls.append(1)
        set_setting("x", 1)

    try:
        with pytest.raises(DatabaseBusy, match="Nothing was changed"):
            write()
    finally:
        other.execute("ROLLBACK")
        other.close()
        database.close()
        database.obj._timeout = 15.0
    assert calls == []  # BEGIN IMMEDIATE waits for the lock before any work runs
    assert get_setting("x") is None


def test_retry_succeeds_once_the_lock_is_released(db, db_path):
    other = sqlite3.connect(db_path, isolation_level=None, timeout=0)
    attempts = []

    @retry_on_busy(base_delay=0.001)
    def write():
        attempts.append(1)
        if len(attempts) == 1:
            raise OperationalError("database is locked")
        set_setting("y", 2)

    write()
    other.close()
    assert len(attempts) == 2 and get_setting("y") == 2


def test_nested_calls_do_not_retry_inside_an_outer_transaction(db):
    calls = []

    @retry_on_busy
    def inner():
        calls.append(1)
        raise OperationalError("database is locked")

    with pytest.raises(OperationalError), database.atomic():
        inner()
    assert calls == [1]


def test_optimistic_transaction_rereads_after_a_concurrent_write(db, db_path):
    """The CLI's mode: read without a lock; if someone wrote meanwhile, redo it all."""
    set_setting("counter", 0)
    other = sqlite3.connect(db_path, isolation_level=None)
    seen = []

    @retry_on_busy(optimistic=True, base_delay=0.001)
    def bump():
        value = get_setting("counter")
        seen.append(value)
        if len(seen) == 1:  # another process commits between our read and our write
            other.execute("UPDATE setting SET value = '10' WHERE key = 'counter'")
        set_setting("counter", value + 1)

    bump()
    other.close()
    assert seen == [0, 10]
    assert get_setting("counter") == 11  # not 1: the concurrent update was not lost


def test_real_netdesk_add_processes_in_loops_beside_a_lock_holder(db, db_path, cli_env):
    """The literal case: `python -m netdesk add` started again and again from two loops."""
    import threading

    env = dict(cli_env, NETDESK_NO_AUTO_BACKUP="1")
    holder = _spawn(HOLDER, db_path, 10, env=env)
    assert holder.stdout.readline().strip() == "ready"
    failures = []

    def loop(who: str) -> None:
        for i in range(5):
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "netdesk",
                    "--db",
                    str(db_path),
                    "add",
                    "--name",
                    f"{who} Loop{i}",
                ],
                env=env,
                capture_output=True,
                text=True,
            )
            if run.returncode != 0 or run.stderr:
                failures.append((who, i, run.returncode, run.stderr))

    threads = [threading.Thread(target=loop, args=(w,)) for w in ("A", "B")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert holder.wait(timeout=120) == 0
    assert failures == []
    conn = sqlite3.connect(db_path)
    names = {r[0] for r in conn.execute("SELECT display_name FROM contact")}
    conn.close()
    assert names == {f"{w} Loop{i}" for w in "AB" for i in range(5)}
