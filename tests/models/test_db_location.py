"""Unusable database paths: one line naming the path and what to do, exit 2, never a bug."""

import ctypes
import os
import resource
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from netdesk.cli import main
from netdesk.errors import InputError
from netdesk.models import close_database, open_database

WHAT_TO_DO = "choose another database file"


@pytest.fixture(autouse=True)
def _no_daily_backup(monkeypatch):
    monkeypatch.setenv("NETDESK_NO_AUTO_BACKUP", "1")
    yield
    close_database()


def one_line_exit_2(capsys, argv, path) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err
    assert str(path) in err and WHAT_TO_DO in err
    return err


def test_path_inside_a_regular_file(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    bad = notes / "y.db"
    err = one_line_exit_2(capsys, ["--db", str(bad), "contacts"], bad)
    assert f"{notes} is a file, not a folder" in err
    assert notes.read_text() == "my notes\n"


def test_relative_path_inside_a_file_as_in_the_issue(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    Path("notes.txt").touch()
    one_line_exit_2(capsys, ["--db", "notes.txt/y.db", "contacts"], "notes.txt/y.db")


def test_the_same_through_netdesk_db(tmp_path, monkeypatch, capsys):
    (tmp_path / "notes.txt").touch()
    bad = tmp_path / "notes.txt" / "deeper" / "y.db"
    monkeypatch.setenv("NETDESK_DB", str(bad))
    one_line_exit_2(capsys, ["contacts"], bad)


def test_a_folder_given_as_the_file(tmp_path, capsys):
    err = one_line_exit_2(capsys, ["--db", str(tmp_path), "contacts"], tmp_path)
    assert "is a folder" in err and str(tmp_path / "netdesk.sqlite3") in err


@pytest.mark.parametrize("where", ["/proc/netdesk.sqlite3", "/proc/self/netdesk/x.sqlite3"])
def test_a_path_under_proc(where, capsys):
    if not Path("/proc/self").is_dir():
        pytest.skip("no /proc on this system")
    err = one_line_exit_2(capsys, ["--db", where, "contacts"], where)
    assert "cannot be created" in err
    assert not Path(where).exists()


@pytest.mark.parametrize(
    "content",
    [b"Just some notes, not a database.\n" * 7, os.urandom(5000), b"SQLite format 3\x00" + b"x"],
    ids=["text", "random-bytes", "truncated-header"],
)
def test_a_file_that_is_not_a_database_is_left_alone(tmp_path, capsys, content):
    bad = tmp_path / "file.sqlite3"
    bad.write_bytes(content)
    err = one_line_exit_2(capsys, ["--db", str(bad), "contacts"], bad)
    assert "is not a netdesk database" in err
    assert bad.read_bytes() == content


def test_netdesk_db_pointing_at_a_text_file(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "notes.txt"
    bad.write_text("hello\n")
    monkeypatch.setenv("NETDESK_DB", str(bad))
    one_line_exit_2(capsys, ["contacts"], bad)


@pytest.mark.parametrize("inside_a_file", [True, False], ids=["a-file-in-the-way", "a-file"])
def test_netdesk_data_dir_that_cannot_be_a_folder(tmp_path, monkeypatch, capsys, inside_a_file):
    monkeypatch.delenv("NETDESK_DB", raising=False)
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n")
    bad = notes / "netdesk" if inside_a_file else notes
    monkeypatch.setenv("NETDESK_DATA_DIR", str(bad))
    assert main(["contacts"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error" not in err
    assert f"NETDESK_DATA_DIR={bad}" in err and "set NETDESK_DATA_DIR to a folder" in err
    assert notes.read_text() == "my notes\n"


def test_an_empty_file_becomes_a_new_database(tmp_path, capsys):
    empty = tmp_path / "new.sqlite3"
    empty.touch()
    assert main(["--db", str(empty), "add", "--name", "Ana Silva"]) == 0
    assert main(["--db", str(empty), "contacts"]) == 0
    assert "Ana Silva" in capsys.readouterr().out


def test_missing_parent_folders_are_still_created(tmp_path):
    path = tmp_path / "a" / "b" / "netdesk.sqlite3"
    assert main(["--db", str(path), "contacts"]) == 0
    assert path.is_file()


def test_open_database_raises_input_error_for_the_window_too(tmp_path):
    (tmp_path / "notes.txt").touch()
    with pytest.raises(InputError, match="is a file, not a folder"):
        open_database(tmp_path / "notes.txt" / "y.db")


# Real failures from the kernel, in a subprocess so the limits stay there.
_libc = ctypes.CDLL(None, use_errno=True)
PR_CAPBSET_DROP, CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 24, 1, 2


def _without_root_override():
    """Tests run as root, for whom every folder is writable: drop that override so a
    0o555 folder is read-only for the child, as it is for any user."""
    if os.geteuid() == 0:
        for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
            if _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
                raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def _file_size_limit():
    """Writes beyond 8 KiB fail with EFBIG: what a full disk looks like to SQLite."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (8192, 8192))


def run_cli(cli_env, path, preexec, *args):
    env = dict(cli_env, NETDESK_NO_AUTO_BACKUP="1")
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(path), *args],
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec,
    )


def assert_one_line_exit_2(result, path):
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and str(path) in result.stderr
    assert WHAT_TO_DO in result.stderr and "internal error" not in result.stderr


@pytest.mark.parametrize(
    ("mode", "inside"), [(0o555, "netdesk.sqlite3"), (0o000, "sub/netdesk.sqlite3")]
)
def test_a_read_only_or_closed_folder(tmp_path, cli_env, mode, inside):
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(mode)
    try:
        result = run_cli(cli_env, folder / inside, _without_root_override, "contacts")
        assert_one_line_exit_2(result, folder / inside)
        assert "cannot write" in result.stderr
    finally:
        folder.chmod(0o755)
    assert list(folder.iterdir()) == []


def test_a_read_only_database_file(tmp_path, cli_env):
    path = tmp_path / "netdesk.sqlite3"
    assert run_cli(cli_env, path, None, "add", "--name", "Ana Silva").returncode == 0
    for p in tmp_path.iterdir():
        p.chmod(0o444)
    tmp_path.chmod(0o555)
    try:
        result = run_cli(cli_env, path, _without_root_override, "add", "--name", "Bo Chen")
        assert_one_line_exit_2(result, path)
    finally:
        tmp_path.chmod(0o755)


def test_a_full_disk_when_creating(tmp_path, cli_env):
    path = tmp_path / "netdesk.sqlite3"
    result = run_cli(cli_env, path, _file_size_limit, "contacts")
    assert_one_line_exit_2(result, path)
    assert (
        "disk" in result.stderr and "full" in result.stderr and "free some space" in result.stderr
    )


def test_a_disk_that_fills_up_during_a_command(tmp_path, cli_env):
    path = tmp_path / "netdesk.sqlite3"
    assert run_cli(cli_env, path, None, "add", "--name", "Ana Silva").returncode == 0
    size = 16 * 1024  # less than the note below: writing it fails half-way

    def limit():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))

    note = "x" * 100_000
    result = run_cli(cli_env, path, limit, "add", "--name", "Bo Chen", "--notes", note)
    assert_one_line_exit_2(result, path)
    listed = run_cli(cli_env, path, None, "contacts")
    assert "Ana Silva" in listed.stdout and "Bo Chen" not in listed.stdout
