"""No telemetry: every command runs with the network cut off, and secrets stay out of files."""

import contextlib
import re
import socket
from pathlib import Path

import pytest

from netdesk.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2] / "netdesk"


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to resolve or connect is recorded and refused."""
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket.socket, "sendto", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return attempts


def test_the_blocker_works(no_network):
    with pytest.raises(OSError):
        socket.create_connection(("example.org", 80))
    assert no_network


def test_data_commands_touch_no_network(no_network, tmp_path, monkeypatch, capsys):
    db = str(tmp_path / "n.sqlite3")
    out = str(tmp_path / "copy.sqlite3")
    commands = [
        ["add", "--name", "Ana Silva", "--email", "ana@example.org", "--org", "Mayo"],
        ["contacts"],
        ["contacts", "--json", "--search", "ana"],
        ["backup", out],
        ["backups"],
        ["check"],
        ["restore", out],
    ]
    for argv in commands:
        assert main(["--db", db, *argv]) == 0, (argv, capsys.readouterr().err)
    from netdesk.models.store.encryption import encryption_available

    if encryption_available():
        monkeypatch.setenv("NETDESK_PASSPHRASE", "pw for test")
        assert main(["--db", db, "encrypt"]) == 0
        assert main(["--db", db, "contacts"]) == 0
        assert main(["--db", db, "decrypt"]) == 0
    assert no_network == []


def test_every_registered_command_touches_no_network(no_network, tmp_path, capsys):
    """Each subcommand (including other features') run bare: whatever it says, no socket."""
    db = str(tmp_path / "all.sqlite3")
    assert main(["--db", db, "add", "--name", "Ana Silva"]) == 0
    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    skip = {"gui", "sync-caldav", "encrypt", "decrypt", "restore"}  # gui: a window; caldav: opt-in
    ran = []
    for name in sub.choices:
        if name in skip:
            continue
        with contextlib.suppress(SystemExit):  # needs arguments: argparse said so
            main(["--db", db, name])
        ran.append(name)
    capsys.readouterr()
    assert {"add", "contacts", "backups", "check"} <= set(ran)
    assert no_network == []


SECRET_KEY = re.compile(r"set_setting\(\s*[\"'][^\"']*(password|secret|token|passphrase)", re.I)
QSETTINGS_SECRET = re.compile(r"setValue\(\s*[\"'][^\"']*(password|secret|token|passphrase)", re.I)


def test_secrets_are_never_written_to_settings_or_qsettings():
    offenders = []
    for path in ROOT.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (SECRET_KEY, QSETTINGS_SECRET):
            offenders += [f"{path.name}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []


def test_passphrase_is_not_stored_anywhere_on_disk(tmp_path, monkeypatch):
    from netdesk.models.store.encryption import encryption_available

    if not encryption_available():
        pytest.skip("sqlcipher3 not installed")
    db = tmp_path / "s.sqlite3"
    assert main(["--db", str(db), "add", "--name", "Ana Silva"]) == 0
    monkeypatch.setenv("NETDESK_PASSPHRASE", "unique-passphrase-4711")
    assert main(["--db", str(db), "encrypt", "--remove-plain-backups"]) == 0
    for path in tmp_path.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert b"unique-passphrase-4711" not in data, path
            assert b"Ana Silva" not in data, f"{path} holds contact data unencrypted"
