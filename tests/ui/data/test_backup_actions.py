"""File > Backup now / Restore…, the passphrase prompt and the daily backup at start."""

import sqlite3
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog, QMessageBox

from netdesk.models import Contact, close_database
from netdesk.models.store.encryption import encryption_available
from netdesk.services.contacts.records import create_contact
from netdesk.services.data import backup as backups
from netdesk.ui.data import backup_actions
from tests.ui.dialogs import answer_modal, click, remove_answerers  # noqa: F401


def test_backup_now_writes_a_consistent_copy(window, qtbot, tmp_path):
    create_contact(name="Ana Silva")
    out = tmp_path / "mine.sqlite3"
    backup_actions.backup_now(window, out)
    qtbot.waitUntil(lambda: getattr(window, "last_backup", None) == out, timeout=10000)
    assert "Backup saved to" in window.statusBar().currentMessage()
    conn = sqlite3.connect(out)
    assert conn.execute("SELECT display_name FROM contact").fetchall() == [("Ana Silva",)]
    conn.close()


def test_restore_says_what_it_replaces_then_swaps_and_refreshes(window, qtbot, db_path, tmp_path):
    create_contact(name="Ana Silva")
    saved = backups.backup(None, tmp_path / "saved.sqlite3")
    create_contact(name="Ben Okafor")
    texts = []

    def restore(box):
        texts.append(box.text() + "\n" + box.informativeText())
        box.grab().save("/tmp/confirm_restore.png")
        click("Restore")(box)

    answer_modal(qtbot, QMessageBox, restore)
    backup_actions.restore_backup(window, saved)
    qtbot.waitUntil(lambda: getattr(window, "last_restore", None) is not None, timeout=15000)
    text = texts[0]
    assert f"{db_path}\n    2 contacts\n" in text
    assert f"{saved}\n    1 contact, schema v" in text
    assert str(db_path.parent / "backups") in text and "before-restore" in text
    assert [c.display_name for c in Contact.select()] == ["Ana Silva"]
    safety = window.last_restore.safety_copy
    assert safety.parent == db_path.parent / "backups"
    conn = sqlite3.connect(safety)
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 2
    conn.close()
    assert window.undo_stack.count() == 0
    assert "Restored saved.sqlite3" in window.statusBar().currentMessage()


def test_cancelled_restore_changes_nothing(window, qtbot, db_path, tmp_path):
    create_contact(name="Ana Silva")
    saved = backups.backup(None, tmp_path / "saved.sqlite3")
    create_contact(name="Ben Okafor")
    seen = answer_modal(qtbot, QMessageBox, click("Cancel"))
    backup_actions.restore_backup(window, saved)
    qtbot.waitUntil(
        lambda: "Restore cancelled" in window.statusBar().currentMessage(), timeout=10000
    )
    assert seen, window.statusBar().currentMessage()
    assert Contact.select().count() == 2
    assert not list(db_path.parent.glob(".*.tmp"))
    assert not list((db_path.parent / "backups").glob("before-restore-*"))


def test_restoring_garbage_shows_a_readable_error(window, qtbot, tmp_path):
    create_contact(name="Ana Silva")
    bad = tmp_path / "notes.sqlite3"
    bad.write_text("SQLite format 3\x00 but not really" * 40)
    errors = []

    def read(box):
        errors.append(box.text())
        box.accept()

    answer_modal(qtbot, QMessageBox, read)
    backup_actions.restore_backup(window, bad)
    qtbot.waitUntil(lambda: bool(errors), timeout=10000)
    assert "not a netdesk database" in errors[0] and str(bad) in errors[0]
    assert Contact.select().count() == 1


@pytest.mark.skipif(not encryption_available(), reason="sqlcipher3 not installed")
def test_encrypted_database_asks_for_the_passphrase_until_it_is_right(qtbot, tmp_path):
    from netdesk.models import open_database
    from netdesk.ui.app import make_application, open_with_passphrase

    make_application()
    path = tmp_path / "secret.sqlite3"
    open_database(path, passphrase="right one")
    create_contact(name="Ana Silva")
    close_database()
    answers = iter(["wrong", "right one"])
    labels = []

    def type_passphrase(dialog: QInputDialog):
        labels.append(dialog.labelText())
        if len(labels) == 1:
            dialog.grab().save("/tmp/passphrase_prompt.png")
        dialog.setTextValue(next(answers))
        dialog.accept()
        if len(labels) == 1:
            answer_modal(qtbot, QInputDialog, type_passphrase)

    answer_modal(qtbot, QInputDialog, type_passphrase)
    db = open_with_passphrase(path)
    assert db is not None and Contact.select().count() == 1
    assert "is encrypted" in labels[0] and "did not open" in labels[1]
    close_database()


def test_daily_backup_runs_in_the_background_at_start(window, qtbot, db_path):
    from netdesk.ui.app import start_auto_backup

    create_contact(name="Ana Silva")
    start_auto_backup(window)
    qtbot.waitUntil(
        lambda: any(b.kind == "auto" for b in backups.list_backups(db_path)), timeout=10000
    )
    qtbot.waitUntil(lambda: "Daily backup saved" in window.statusBar().currentMessage())
    auto = [b for b in backups.list_backups(db_path) if b.kind == "auto"][0]
    assert Path(auto.path).stat().st_mode & 0o077 == 0


@pytest.mark.skipif(not encryption_available(), reason="sqlcipher3 not installed")
def test_encrypted_file_without_sqlcipher_says_how_to_get_it(tmp_path, monkeypatch):
    import sys

    from netdesk.errors import UserError
    from netdesk.models import open_database
    from netdesk.ui.app import open_with_passphrase

    path = tmp_path / "secret.sqlite3"
    open_database(path, passphrase="pw")
    close_database()
    monkeypatch.setitem(sys.modules, "sqlcipher3", None)
    monkeypatch.setitem(sys.modules, "playhouse.sqlcipher_ext", None)
    with pytest.raises(UserError, match=r"pip install 'netdesk\[encryption\]'"):
        open_with_passphrase(path)
    plain = tmp_path / "plain.sqlite3"
    assert open_with_passphrase(plain) is not None  # unencrypted files keep working
    close_database()


def test_window_backup_and_restore_touch_no_network(window, qtbot, tmp_path, monkeypatch):
    import socket

    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access is blocked in this test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    create_contact(name="Ana Silva")
    out = tmp_path / "net.sqlite3"
    backup_actions.backup_now(window, out)
    qtbot.waitUntil(lambda: getattr(window, "last_backup", None) == out, timeout=10000)
    answer_modal(qtbot, QMessageBox, click("Restore"))
    backup_actions.restore_backup(window, out)
    qtbot.waitUntil(lambda: getattr(window, "last_restore", None) is not None, timeout=10000)
    for key in window.pages:
        window.show_page(key)
    window.show_page("today")  # leave the remembered page as other tests expect it
    assert attempts == []
