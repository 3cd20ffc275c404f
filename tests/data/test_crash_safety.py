"""kill -9 mid-write leaves a sound database holding whole transactions only."""

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from netdesk.models import close_database, open_database
from netdesk.services.contacts.records import create_contact

# Many `netdesk add`-style writes in ONE transaction, reporting as it goes.
BIG_ADD = textwrap.dedent(
    """
    import sys
    from netdesk.models import open_database, database
    from netdesk.services.contacts.records import create_contact
    open_database(sys.argv[1])
    with database.atomic():
        for i in range(100_000):
            create_contact(name=f"Bulk Person{i}", emails=[f"bulk{i}@example.org"],
                           organization=f"Org {i % 50}", tags=["bulk"], notes="n" * 200)
            if i % 200 == 199:
                print(i + 1, flush=True)
    print("committed", flush=True)
    """
)

# Edits in a loop, each a whole transaction over every contact.
EDITOR = textwrap.dedent(
    """
    import sys
    from netdesk.models import open_database, database, Contact
    open_database(sys.argv[1])
    rev = 0
    while True:
        rev += 1
        with database.atomic():
            for c in Contact.select():
                c.notes = f"rev {rev}"
                c.title = f"Title {rev}"
                c.save()
        print(rev, flush=True)
    """
)


def _check(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    return conn


def _kill_after(proc: subprocess.Popen, ready) -> list[str]:
    """Read the child's progress lines until ``ready(lines)``, then SIGKILL it."""
    lines = []
    for line in proc.stdout:
        lines.append(line.strip())
        if ready(lines):
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the child finished before we killed it"
    return lines


def _seed(path: Path, n: int = 3) -> None:
    open_database(path)
    for i in range(n):
        create_contact(name=f"Kept Person{i}", emails=[f"kept{i}@example.org"])
    close_database()


def test_kill_during_one_big_write_transaction_leaves_none_of_it(tmp_path, cli_env):
    path = tmp_path / "crash.sqlite3"
    _seed(path)
    proc = subprocess.Popen(
        [sys.executable, "-c", BIG_ADD, str(path)], env=cli_env, stdout=subprocess.PIPE, text=True
    )
    lines = _kill_after(proc, lambda lines: len(lines) >= 3)  # 600 contacts written
    assert "committed" not in lines
    conn = _check(path)
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 3
    fts = conn.execute("SELECT count(*) FROM contact_search").fetchone()[0]
    assert fts == 3
    conn.close()
    db = open_database(path)  # and netdesk opens it and writes on
    create_contact(name="After Crash")
    assert db.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    close_database()


def test_kill_during_an_edit_loop_leaves_whole_edits(tmp_path, cli_env):
    path = tmp_path / "edit.sqlite3"
    _seed(path, 300)
    proc = subprocess.Popen(
        [sys.executable, "-c", EDITOR, str(path)], env=cli_env, stdout=subprocess.PIPE, text=True
    )
    lines = _kill_after(proc, lambda lines: len(lines) >= 3)
    last_reported = int(lines[-1])
    conn = _check(path)
    revs = {r[0] for r in conn.execute("SELECT notes || '|' || title FROM contact")}
    conn.close()
    assert len(revs) == 1, f"a half-applied edit: {sorted(revs)[:3]}"
    rev = int(revs.pop().split("|")[0].split()[1])
    assert rev >= last_reported  # nothing committed was lost


CARDS = 5_000


def _netdesk_has_import(env) -> bool:
    run = subprocess.run(
        [sys.executable, "-m", "netdesk", "import", "--help"],
        env=env,
        capture_output=True,
        text=True,
    )
    return run.returncode == 0


def _write_big_vcf(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        for i in range(n):
            f.write(
                "BEGIN:VCARD\r\nVERSION:3.0\r\n"
                f"N:Crashtest{i};Vcard;;;\r\nFN:Vcard Crashtest{i}\r\n"
                f"EMAIL;TYPE=work:vcard{i}@example.org\r\n"
                f"ORG:Hospital {i % 97}\r\nTITLE:Nurse\r\nNOTE:imported note {i}\r\n"
                "END:VCARD\r\n"
            )


def test_kill_during_a_real_import_leaves_all_or_nothing(tmp_path, cli_env):
    env = dict(cli_env, NETDESK_NO_AUTO_BACKUP="1")
    if not _netdesk_has_import(env):
        pytest.skip("`netdesk import` is not in this checkout (import feature not merged)")
    path = tmp_path / "import.sqlite3"
    _seed(path)
    big = tmp_path / "BIG.vcf"
    _write_big_vcf(big, CARDS)
    wal = Path(f"{path}-wal")
    start = wal.stat().st_size if wal.exists() else 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--db", str(path), "import", str(big)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # Kill once the import is visibly writing: the WAL has grown by a megabyte.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if wal.exists() and wal.stat().st_size > start + 1_000_000:
            break
        time.sleep(0.01)  # polling the file, not waiting for a fixed time
    assert proc.poll() is None, f"import ended before the kill: {proc.stderr.read()}"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    conn = _check(path)
    imported = conn.execute(
        "SELECT count(*) FROM contact WHERE family_name LIKE 'Crashtest%'"
    ).fetchone()[0]
    kept = conn.execute("SELECT count(*) FROM contact WHERE family_name LIKE 'Person%'").fetchone()
    conn.close()
    assert kept[0] == 3
    assert imported in (0, CARDS), f"a half import: {imported} of {CARDS} cards"
