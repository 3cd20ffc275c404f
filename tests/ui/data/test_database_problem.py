"""An unusable database at start: the CLI's message in a dialog, and another file to choose."""

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from netdesk.models import close_database, database_path
from netdesk.ui.app import open_with_passphrase, run
from netdesk.ui.data.database_problem import open_or_choose
from tests.ui.dialogs import answer_modal, click


@pytest.fixture(autouse=True)
def _closed():
    yield
    close_database()


@pytest.fixture
def inside_a_file(tmp_path) -> Path:
    (tmp_path / "notes.txt").write_text("notes\n")
    return tmp_path / "notes.txt" / "y.db"


def test_choose_another_file_opens_it(qtbot, tmp_path, inside_a_file):
    new = tmp_path / "elsewhere" / "mine.sqlite3"
    new.parent.mkdir()
    texts = []

    def choose(box: QMessageBox):
        texts.append(box.text())
        box.grab().save(str(tmp_path / "problem.png"))
        click("Choose another file…")(box)

    def pick(dialog: QFileDialog):
        dialog.selectFile(str(new))
        dialog.accept()

    boxes = answer_modal(qtbot, QMessageBox, choose)
    dialogs = answer_modal(qtbot, QFileDialog, pick)
    assert open_or_choose(inside_a_file, open_with_passphrase) == new
    assert boxes and dialogs
    assert str(inside_a_file) in texts[0] and "is a file, not a folder" in texts[0]
    assert database_path() == new and new.is_file()
    assert (tmp_path / "notes.txt").read_text() == "notes\n"


def test_a_text_file_then_cancelling_the_file_dialog_quits(qtbot, tmp_path):
    text = tmp_path / "notes.txt"
    text.write_text("notes\n")
    answer_modal(qtbot, QMessageBox, click("Choose another file…"))
    answer_modal(qtbot, QFileDialog, lambda d: d.reject())
    assert open_or_choose(text, open_with_passphrase) is None
    assert database_path() is None
    assert text.read_text() == "notes\n"


def test_the_window_start_quits_cleanly_on_a_bad_netdesk_db(qtbot, tmp_path, monkeypatch):
    monkeypatch.setenv("NETDESK_DB", str(tmp_path))  # a folder given as the file
    texts = []

    def quit_(box: QMessageBox):
        texts.append(box.text())
        click("Quit")(box)

    answer_modal(qtbot, QMessageBox, quit_)
    assert run() == 0
    assert "is a folder" in texts[0] and str(tmp_path / "netdesk.sqlite3") in texts[0]
    assert list(tmp_path.iterdir()) == []
