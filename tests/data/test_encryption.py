"""Encryption at rest: SQLCipher files, passphrases, encrypted backups, conversions."""

import sqlite3
import subprocess
import sys

import pytest

from netdesk.cli import main
from netdesk.models import Contact, close_database, open_database
from netdesk.models.store.encryption import (
    UNAVAILABLE_MESSAGE,
    EncryptionUnavailable,
    WrongPassphrase,
    encryption_available,
    is_encrypted_file,
)
from netdesk.services.contacts.records import create_contact
from netdesk.services.data import backup as backups
from netdesk.services.data.encrypt import decrypt_database, encrypt_database

pytestmark = pytest.mark.skipif(not encryption_available(), reason="sqlcipher3 not installed")


def is_plain_sqlite(path) -> bool:
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return True
    except sqlite3.DatabaseError:
        return False
    finally:
        conn.close()


@pytest.fixture
def encrypted(tmp_path):
    path = tmp_path / "secret.sqlite3"
    open_database(path, passphrase="correct horse")
    create_contact(name="Ana Silva", notes="met at ASCO")
    yield path
    close_database()


def test_encrypted_database_opens_only_with_its_passphrase(encrypted):
    close_database()
    assert is_encrypted_file(encrypted) and not is_plain_sqlite(encrypted)
    assert b"Ana Silva" not in encrypted.read_bytes()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        open_database(encrypted, passphrase="wrong")
    open_database(encrypted, passphrase="correct horse")
    assert [c.display_name for c in Contact.select()] == ["Ana Silva"]


def test_backup_of_an_encrypted_database_stays_encrypted(encrypted, tmp_path):
    out = backups.backup(None, tmp_path / "b.sqlite3")
    assert is_encrypted_file(out) and not is_plain_sqlite(out)
    assert b"Ana Silva" not in out.read_bytes()
    v = backups.validate_file(out, "correct horse")
    assert v.contacts == 1 and v.encrypted
    with pytest.raises(WrongPassphrase):
        backups.validate_file(out, "nope")
    auto = backups.auto_backup()
    assert auto is not None and is_encrypted_file(auto)


def test_restore_of_an_encrypted_backup(encrypted, tmp_path):
    saved = backups.backup(None, tmp_path / "b.sqlite3")
    create_contact(name="Ben Okafor")
    result = backups.restore(saved, passphrase="correct horse")
    assert result.contacts == 1 and is_encrypted_file(result.safety_copy)
    assert [c.display_name for c in Contact.select()] == ["Ana Silva"]


def test_encrypt_then_decrypt_keeps_every_row_and_the_search_index(tmp_path):
    from netdesk.services.contacts.search import search_contacts

    path = tmp_path / "plain.sqlite3"
    open_database(path)
    create_contact(name="Zoë Müller", emails=["zoe@example.org"], organization="Hôpital")
    result = encrypt_database(path, "s3cret phrase")
    assert is_encrypted_file(path) and not is_plain_sqlite(path)
    assert is_plain_sqlite(result.safety_copy)
    assert [c.family_name for c in search_contacts("zoe")] == ["Müller"]
    create_contact(name="Ben Okafor")
    close_database()
    with pytest.raises(WrongPassphrase):
        decrypt_database(path, "guess")
    assert is_encrypted_file(path)
    result = decrypt_database(path, "s3cret phrase")
    assert is_plain_sqlite(path) and result.contacts == 2
    assert is_encrypted_file(result.safety_copy)
    close_database()


def test_cli_uses_netdesk_passphrase_and_says_when_it_is_missing(tmp_path, cli_env):
    path = tmp_path / "cli.sqlite3"

    def run(*args, passphrase=None):
        env = dict(cli_env)
        env.pop("NETDESK_PASSPHRASE", None)
        if passphrase is not None:
            env["NETDESK_PASSPHRASE"] = passphrase
        return subprocess.run(
            [sys.executable, "-m", "netdesk", "--db", str(path), *args],
            env=env,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )

    assert run("add", "--name", "Ana Silva").returncode == 0
    enc = run("encrypt", passphrase="pa'ss phrase")
    assert enc.returncode == 0, enc.stderr
    assert "Encrypted" in enc.stdout and "NOT encrypted" in enc.stdout
    assert "pre-encrypt" in enc.stdout
    assert is_encrypted_file(path)
    missing = run("contacts")
    assert missing.returncode == 4 and "NETDESK_PASSPHRASE" in missing.stderr
    assert "Traceback" not in missing.stderr
    wrong = run("contacts", passphrase="nope")
    assert wrong.returncode == 1 and "Wrong passphrase" in wrong.stderr
    assert "hmac" not in wrong.stderr.lower()
    ok = run("contacts", passphrase="pa'ss phrase")
    assert ok.returncode == 0 and "Ana Silva" in ok.stdout
    out = tmp_path / "copy.sqlite3"
    b = run("backup", str(out), passphrase="pa'ss phrase")
    assert b.returncode == 0 and "encrypted" in b.stdout and is_encrypted_file(out)
    dec = run("decrypt", passphrase="pa'ss phrase")
    assert dec.returncode == 0 and not is_encrypted_file(path)
    assert "Ana Silva" in run("contacts").stdout


def test_without_sqlcipher_the_app_says_so_and_plain_files_keep_working(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "playhouse.sqlcipher_ext", None)
    assert not encryption_available()
    with pytest.raises(EncryptionUnavailable, match=r"pip install 'netdesk\[encryption\]'"):
        open_database(tmp_path / "x.sqlite3", passphrase="pw")
    path = tmp_path / "plain.sqlite3"
    assert main(["--db", str(path), "add", "--name", "Ana Silva"]) == 0
    assert main(["--db", str(path), "encrypt"]) == 1
    assert UNAVAILABLE_MESSAGE in capsys.readouterr().err
    assert main(["--db", str(path), "contacts"]) == 0
    assert "Ana Silva" in capsys.readouterr().out


def test_cli_asks_for_the_passphrase_on_a_terminal(tmp_path, cli_env):
    import os
    import pty

    path = tmp_path / "tty.sqlite3"
    open_database(path, passphrase="typed secret")
    create_contact(name="Ana Silva")
    close_database()
    env = {k: v for k, v in cli_env.items() if k != "NETDESK_PASSPHRASE"}
    env["NETDESK_NO_AUTO_BACKUP"] = "1"
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--db", str(path), "contacts"],
        env=env,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    while b"Passphrase for" not in seen:
        seen += os.read(master, 1024)
    os.write(master, b"typed secret\n")
    out = b""
    while True:
        try:
            chunk = os.read(master, 1024)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        out += chunk
    assert proc.wait(timeout=60) == 0, out
    assert b"Ana Silva" in out
    os.close(master)


def test_the_key_is_derived_once_per_file_not_per_connection(encrypted):
    from netdesk.models.store import encryption

    encryption._derived_key.cache_clear()
    for _ in range(3):  # e.g. three worker threads, each with its own connection
        encryption.connect_raw(encrypted, "correct horse").close()
    info = encryption._derived_key.cache_info()
    assert info.misses == 1 and info.hits == 2


def test_when_the_shortcut_key_is_wrong_the_passphrase_still_opens(encrypted, monkeypatch):
    """If this SQLCipher derived keys differently, the fallback keys with the passphrase."""
    from netdesk.models.store import encryption

    encryption._derived_key.cache_clear()
    monkeypatch.setattr(encryption, "KDF_ITERATIONS", 1000)  # a different KDF setting
    conn = encryption.connect_raw(encrypted, "correct horse")
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 1
    conn.close()
    with pytest.raises(WrongPassphrase):
        encryption.connect_raw(encrypted, "not it")
    encryption._derived_key.cache_clear()
