"""Backups, restore, the daily automatic copy and the pre-migration backup."""

import os
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from netdesk.cli import main
from netdesk.errors import InputError, UserError
from netdesk.models import Contact, close_database, database, open_database
from netdesk.models.store.migrations import CURRENT_VERSION
from netdesk.services.contacts.records import create_contact
from netdesk.services.data import backup as backups


def names_in(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return sorted(r[0] for r in conn.execute("SELECT display_name FROM contact"))
    finally:
        conn.close()


def integrity(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


WRITER = r"""
import sys
from netdesk.models import open_database, database
from netdesk.services.contacts.records import create_contact
open_database(sys.argv[1])
batch = 0
while True:
    with database.atomic():
        for i in range(10):
            create_contact(name=f"Writer {batch} {i}", emails=[f"w{batch}.{i}@x.org"])
    batch += 1
    if batch == 3:
        print("ready", flush=True)
"""


def test_backup_while_another_process_writes_is_consistent(db, db_path, tmp_path, cli_env):
    """Every backup holds whole transactions only (multiples of 10) and passes the check."""
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db_path)],
        env=cli_env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        counts = []
        for n in range(300):  # until the writer has visibly committed during our backups
            if len(set(counts)) >= 4:
                break
            out = backups.backup(db, tmp_path / f"b{n}.sqlite3")
            assert integrity(out) == "ok"
            conn = sqlite3.connect(out)
            count = conn.execute("SELECT count(*) FROM contact").fetchone()[0]
            methods = conn.execute("SELECT count(*) FROM contact_method").fetchone()[0]
            fts = conn.execute("SELECT count(*) FROM contact_search").fetchone()[0]
            conn.close()
            assert count % 10 == 0 and count == methods == fts
            counts.append(count)
        assert writer.poll() is None, "the writer kept running during every backup"
        assert len(set(counts)) >= 4, counts
    finally:
        writer.kill()
        writer.wait()


def test_backup_file_is_user_only_and_self_contained(db, db_path, tmp_path):
    create_contact(name="Ana Silva")
    out = backups.backup(db, tmp_path / "out" / "copy.sqlite3")
    assert out.stat().st_mode & 0o777 == 0o600
    assert not Path(f"{out}-wal").exists()
    assert names_in(out) == ["Ana Silva"]
    with pytest.raises(InputError, match="database itself"):
        backups.backup(db, db_path)


def test_auto_backup_runs_once_a_day_and_keeps_the_last_n(db, db_path):
    create_contact(name="Ana Silva")
    folder = db_path.parent / "backups"
    folder.mkdir(exist_ok=True)
    for day in range(1, 10):  # nine older daily backups
        (folder / f"auto-202601{day:02d}-090000.sqlite3").write_bytes(b"old")
    (folder / "pre-migration-v1-to-v2-20250101-000000.sqlite3").write_bytes(b"keep me")
    first = backups.auto_backup(db)
    assert first is not None and names_in(first) == ["Ana Silva"]
    assert backups.auto_backup(db) is None  # already done today
    autos = [b for b in backups.list_backups(db_path) if b.kind == "auto"]
    assert len(autos) == backups.DEFAULT_KEEP
    assert autos[0].path == first
    assert (folder / "pre-migration-v1-to-v2-20250101-000000.sqlite3").exists()
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    assert backups.auto_backup(db, today=tomorrow) is not None


def test_keep_setting_bounds_auto_backups(db, db_path):
    from netdesk.models import set_setting

    set_setting(backups.KEEP_SETTING, 2)
    folder = db_path.parent / "backups"
    folder.mkdir(exist_ok=True)
    for day in range(1, 5):
        (folder / f"auto-202601{day:02d}-090000.sqlite3").write_bytes(b"old")
    backups.auto_backup(db)
    assert len([b for b in backups.list_backups(db_path) if b.kind == "auto"]) == 2


def test_restore_replaces_the_database_and_keeps_a_safety_copy(db, db_path, tmp_path):
    create_contact(name="Ana Silva")
    saved = backups.backup(db, tmp_path / "saved.sqlite3")
    create_contact(name="Ben Okafor")
    result = backups.restore(saved)
    assert result.contacts == 1 and result.safety_copy is not None
    # the models are bound to the restored file
    assert [c.display_name for c in Contact.select()] == ["Ana Silva"]
    assert names_in(result.safety_copy) == ["Ana Silva", "Ben Okafor"]
    assert result.safety_copy.parent == db_path.parent / "backups"
    assert db_path.stat().st_mode & 0o777 == 0o600
    assert result.safety_copy.stat().st_mode & 0o777 == 0o600
    create_contact(name="Cleo Park")  # still writable afterwards
    assert integrity(db_path) == "ok"


def _not_netdesk(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something(x)")
    conn.commit()
    conn.close()
    return path


def _newer(path: Path, db) -> Path:
    out = backups.backup(db, path)
    conn = sqlite3.connect(out)
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 1}")
    conn.commit()
    conn.close()
    return out


def _truncated(path: Path, db) -> Path:
    for i in range(300):
        create_contact(name=f"Filler {i}", notes="x" * 500)
    out = backups.backup(db, path)
    data = out.read_bytes()
    out.write_bytes(data[: len(data) // 2])
    return out


def _scribbled(path: Path, db) -> Path:
    for i in range(300):
        create_contact(name=f"Filler {i}", notes="x" * 500)
    out = backups.backup(db, path)
    data = bytearray(out.read_bytes())
    for p in range(3, len(data) // 4096 - 1):  # damage b-tree pages, keep page 1 (schema)
        data[p * 4096 + 8 : p * 4096 + 100] = bytes(range(92))
    out.write_bytes(bytes(data))
    return out


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p, db: (p.write_bytes(os.urandom(5000)), p)[1], "not a netdesk database"),
        (lambda p, db: (p.write_bytes(b""), p)[1], "not a netdesk database"),
        (lambda p, db: _not_netdesk(p), "no contact"),
        (_newer, "newer netdesk"),
        (_truncated, "damaged|not a netdesk"),
        (_scribbled, "damaged"),
        (lambda p, db: p.parent / "missing.sqlite3", "no such file"),
    ],
    ids=[
        "random-bytes",
        "empty",
        "other-sqlite",
        "newer-schema",
        "truncated",
        "scribbled",
        "missing",
    ],
)
def test_restore_refuses_bad_files_and_changes_nothing(db, db_path, tmp_path, make, message):
    create_contact(name="Ana Silva")
    bad = make(tmp_path / "bad.sqlite3", db)
    before = sorted(c.display_name for c in Contact.select())
    with pytest.raises(InputError, match=message):
        backups.restore(bad)
    assert sorted(c.display_name for c in Contact.select()) == before
    assert not list(db_path.parent.glob(".*.tmp")), "no staged file left behind"
    assert not list((db_path.parent / "backups").glob("before-restore-*"))


def test_restore_into_a_damaged_database_keeps_its_bytes(db, db_path, tmp_path):
    create_contact(name="Ana Silva")
    saved = backups.backup(db, tmp_path / "saved.sqlite3")
    close_database()
    db_path.write_bytes(b"garbage" * 100)
    Path(f"{db_path}-wal").unlink(missing_ok=True)
    Path(f"{db_path}-shm").unlink(missing_ok=True)
    prepared = backups.prepare_restore(saved, db_path)
    result = backups.install_restore(prepared, reopen=False)
    assert result.safety_copy.read_bytes() == b"garbage" * 100
    assert names_in(db_path) == ["Ana Silva"]


def test_restore_refuses_while_another_process_has_the_file_open(db, db_path, tmp_path, cli_env):
    create_contact(name="Ana Silva")
    saved = backups.backup(db, tmp_path / "saved.sqlite3")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); "
            "c.execute('PRAGMA journal_mode=wal'); c.execute('SELECT count(*) FROM contact')"
            ".fetchone(); print('open', flush=True); sys.stdin.read()",
            str(db_path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        with pytest.raises(UserError, match="open in another netdesk"):
            backups.restore(saved)
    finally:
        holder.stdin.close()
        holder.wait()
    assert database.obj is not None and Contact.select().count() == 1  # reopened, unchanged


def test_cli_backup_restore_backups_and_check(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "add", "--name", "Ana Silva"]) == 0
    out = tmp_path / "mine.sqlite3"
    assert main(["--db", str(db_path), "backup", str(out)]) == 0
    assert f"to {out}" in capsys.readouterr().out
    assert main(["--db", str(db_path), "add", "--name", "Ben Okafor"]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "restore", str(out)]) == 0
    said = capsys.readouterr().out
    assert f"Restored {out} (1 contacts" in said and "was saved to" in said
    assert names_in(db_path) == ["Ana Silva"]
    assert main(["--db", str(db_path), "backups"]) == 0
    listing = capsys.readouterr().out
    assert "before-restore" in listing and "auto" in listing and "\tplain\t" in listing
    assert main(["--db", str(db_path), "backups", "--json"]) == 0
    import json

    rows = json.loads(capsys.readouterr().out)
    assert {r["kind"] for r in rows} >= {"auto", "before-restore"}
    assert all(r["encrypted"] is False for r in rows)
    assert main(["--db", str(db_path), "check"]) == 0
    assert "passed the integrity check" in capsys.readouterr().out


def test_cli_check_reports_a_damaged_file(tmp_path, capsys):
    path = tmp_path / "broken.sqlite3"
    open_database(path)
    for i in range(400):
        create_contact(name=f"Person {i}", notes="n" * 300)
    close_database()
    data = bytearray(path.read_bytes())
    page = 4096
    for p in range(3, len(data) // page - 1):  # scribble over b-tree pages, keep the header
        data[p * page + 10 : p * page + 200] = os.urandom(190)
    path.write_bytes(bytes(data))
    code = main(["--db", str(path), "check"])
    err = capsys.readouterr().err
    assert code == 1 and "restore a backup" in err


def test_cli_restore_of_garbage_says_so(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "add", "--name", "Ana Silva"]) == 0
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database at all\n" * 50)
    assert main(["--db", str(db_path), "restore", str(bad)]) == 4
    assert "not a netdesk database" in capsys.readouterr().err
    assert main(["--db", str(db_path), "restore", str(tmp_path / "nope.sqlite3")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert names_in(db_path) == ["Ana Silva"]


def test_failed_migration_is_preceded_by_a_backup(tmp_path, fixtures, monkeypatch):
    from netdesk.models.store import migrations

    path = tmp_path / "old.sqlite3"
    original = (fixtures / "schema_v1.sqlite3").read_bytes()
    path.write_bytes(original)

    def broken(db):
        raise RuntimeError("disk on fire")

    backups.install_pre_migration_backup()
    monkeypatch.setitem(migrations.STEPS, 2, broken)
    with pytest.raises(migrations.MigrationError):
        open_database(path)
    made = [
        b for b in backups.list_backups(path) if b.kind == f"pre-migration-v1-to-v{CURRENT_VERSION}"
    ]
    assert len(made) == 1
    conn = sqlite3.connect(made[0].path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 3
    conn.close()


def test_cli_upgrades_only_after_a_backup(tmp_path, fixtures, cli_env):
    path = tmp_path / "old.sqlite3"
    path.write_bytes((fixtures / "schema_v1.sqlite3").read_bytes())
    run = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(path), "contacts"],
        env=cli_env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    pre = list((tmp_path / "backups").glob(f"pre-migration-v1-to-v{CURRENT_VERSION}-*.sqlite3"))
    assert len(pre) == 1
    conn = sqlite3.connect(pre[0])
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_migration_does_not_run_when_the_backup_fails(tmp_path, fixtures):
    path = tmp_path / "old.sqlite3"
    path.write_bytes((fixtures / "schema_v1.sqlite3").read_bytes())
    (tmp_path / "backups").write_text("a file where the backup folder should be")
    backups.install_pre_migration_backup()
    with pytest.raises((UserError, OSError)):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    conn.close()


def test_commands_that_change_many_rows_back_up_first(db_path, monkeypatch):
    import argparse

    from netdesk.commands.common import open_cli_database
    from netdesk.models import set_setting

    monkeypatch.setenv("NETDESK_NO_AUTO_BACKUP", "1")
    open_cli_database(argparse.Namespace(db=str(db_path), command="contacts"))
    assert backups.list_backups(db_path) == []
    create_contact(name="Ana Silva")
    set_setting(backups.KEEP_SETTING, 2)
    for _ in range(3):
        open_cli_database(argparse.Namespace(db=str(db_path), command="undo-import"))
    made = [b for b in backups.list_backups(db_path) if b.kind == "pre-undo-import"]
    assert len(made) == 2 and names_in(made[0].path) == ["Ana Silva"]
    assert made[0].path.stat().st_mtime >= made[1].path.stat().st_mtime  # newest kept
    dry = argparse.Namespace(db=str(db_path), command="import", dry_run=True)
    open_cli_database(dry)
    assert not [b for b in backups.list_backups(db_path) if b.kind == "pre-import"]
    close_database()
