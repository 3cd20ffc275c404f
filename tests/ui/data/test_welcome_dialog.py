"""The first-run welcome asks for your name once and says where the data and backups are."""

from PySide6.QtCore import Qt

from netdesk.models import database_path, get_setting, set_setting
from netdesk.services.contacts.own_name import os_full_name
from netdesk.ui.data.welcome_dialog import WelcomeDialog, maybe_welcome
from tests.ui.dialogs import answer_modal


def test_first_run_asks_for_the_name_once(qtbot, window, db_path, tmp_path, monkeypatch):
    monkeypatch.delenv("NETDESK_NO_AUTO_BACKUP", raising=False)
    seen = {}

    def fill_in(dialog: WelcomeDialog):
        seen["prefilled"] = dialog.name.text()
        seen["location"] = dialog.location.text()
        seen["backups"] = dialog.backups.text()
        dialog.name.clear()
        qtbot.keyClicks(dialog.name, "Sam Rivera")
        dialog.grab().save(str(tmp_path / "welcome.png"))
        qtbot.keyClick(dialog.name, Qt.Key.Key_Return)

    shown = answer_modal(qtbot, WelcomeDialog, fill_in)
    assert maybe_welcome(window) is True
    assert shown and get_setting("my_name") == "Sam Rivera"
    assert seen["prefilled"] == os_full_name()
    assert str(database_path()) in seen["location"] and str(db_path) in seen["location"]
    assert str(db_path.parent / "backups") in seen["backups"] and "once a day" in seen["backups"]
    assert "newest 7" in seen["backups"]

    again = answer_modal(qtbot, WelcomeDialog, lambda d: d.reject())
    assert maybe_welcome(window) is False and again == []


def test_later_keeps_the_os_name_and_does_not_ask_again(qtbot, window):
    shown = answer_modal(qtbot, WelcomeDialog, lambda d: d.reject())
    assert maybe_welcome(window) is True and shown
    assert get_setting("my_name", "") == ""
    assert maybe_welcome(window) is False


def test_not_shown_to_someone_who_already_set_a_name(qtbot, window):
    set_setting("my_name", "Sam Rivera")
    shown = answer_modal(qtbot, WelcomeDialog, lambda d: d.reject())
    assert maybe_welcome(window) is False and shown == []


def test_says_when_daily_backups_are_off(qtbot, window, monkeypatch):
    monkeypatch.setenv("NETDESK_NO_AUTO_BACKUP", "1")
    dialog = WelcomeDialog(window)
    qtbot.addWidget(dialog)
    assert "switched off" in dialog.backups.text()
