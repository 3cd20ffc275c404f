"""Settings › Calendars against the Microsoft and Google stand-ins (tests/standins/)."""

from datetime import date, time

from netdesk.models import get_setting
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.ui.settings.settings_dialog import open_settings


def open_calendars(window):
    dialog = open_settings(window)
    dialog.tabs.setCurrentIndex(1)
    return dialog, dialog.calendars


def test_empty_state_says_what_to_do(window, qtbot):
    dialog, panel = open_calendars(window)
    for account in ("caldav", "microsoft", "google"):
        row = panel.rows[account]
        assert row.detail.text().startswith(("not set up — enter", "not signed in — "))
        assert not row.sync.isEnabled() and not row.sign_out.isEnabled()
    dialog.resize(900, 640)
    dialog.grab().save("/tmp/calsync-settings-calendars-empty.png")


def test_microsoft_sign_in_pick_calendar_and_sync(window, qtbot, microsoft, tmp_path):
    c = create_contact(name="Ana Silva")
    create_followup(c, date(2026, 12, 1), "Call back", due_time=time(9), timezone="Europe/Berlin")
    dialog, panel = open_calendars(window)
    panel.client_id.setText("test-client-id")
    panel.tenant.setText("organizations")
    row = panel.rows["microsoft"]
    row.sign_in.click()
    qtbot.waitUntil(lambda: row.calendar.count() == 2 and row.sync.isEnabled(), timeout=15000)
    assert "Signed in as ana.silva@stmarys.example" in panel.status.text()
    assert [row.calendar.itemText(i) for i in range(2)] == ["Calendar", "Work"]  # writable only
    row.calendar.setCurrentIndex(1)
    row.calendar.activated.emit(1)
    assert get_setting("microsoft.calendar_id") == "AAMkCal-work"

    row.sync.click()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=15000)
    assert panel.status.text().startswith("Microsoft sync: 1 new")
    assert {e["calendar"] for e in microsoft.events.values()} == {"AAMkCal-work"}
    assert "ana.silva@stmarys.example, calendar 'Work'" in row.detail.text()
    dialog.resize(900, 640)
    dialog.grab().save("/tmp/calsync-settings-calendars.png")

    microsoft.revoke_consent()
    create_followup(c, date(2026, 12, 2), "Coffee")
    row.sync.click()
    qtbot.waitUntil(lambda: "sign in again" in panel.status.text(), timeout=15000)

    row.sign_out.click()
    qtbot.waitUntil(lambda: "Signed out of Microsoft" in panel.status.text(), timeout=15000)
    assert row.detail.text().startswith("not signed in") and not row.sync.isEnabled()


def test_auto_sync_setting_is_saved(window, qtbot):
    dialog, panel = open_calendars(window)
    panel.auto_sync.setChecked(True)
    panel.recreate.setChecked(True)
    dialog.save()
    assert get_setting("calendar.auto_sync") is True
    assert get_setting("calendar.recreate_deleted") is True


def test_auto_sync_runs_after_a_change(window, qtbot, microsoft):
    from netdesk.models import set_setting
    from netdesk.services.sync import accounts

    accounts.save_microsoft_config("test-client-id", "organizations")
    accounts.microsoft_sign_in(lambda text: None)
    set_setting("calendar.auto_sync", True)
    create_followup(create_contact(name="Ana Silva"), date(2026, 12, 1), "Call back")
    window.auto_sync.schedule(0)
    qtbot.waitUntil(
        lambda: "Microsoft sync: 1 new" in window.statusBar().currentMessage(), timeout=15000
    )
    assert len(microsoft.events) == 1


def test_device_code_is_shown_and_sign_in_can_be_cancelled(window, qtbot, microsoft):
    from PySide6.QtWidgets import QProgressDialog

    microsoft.approve_device = False  # the user has not typed the code yet
    dialog, panel = open_calendars(window)
    panel.client_id.setText("test-client-id")
    panel.rows["microsoft"].sign_in.click()

    def progress_dialog():
        found = [d for d in panel.findChildren(QProgressDialog) if d.isVisible()]
        return found[0] if found else None

    qtbot.waitUntil(lambda: progress_dialog() is not None, timeout=15000)
    box = progress_dialog()
    qtbot.waitUntil(lambda: "NDK-7QX2" in box.labelText(), timeout=15000)
    assert "microsoft.com/devicelogin" in box.labelText()
    assert "NDK-7QX2" in panel.status.text()  # selectable there, to copy
    box.grab().save("/tmp/calsync-device-code.png")
    from PySide6.QtWidgets import QPushButton

    (cancel,) = box.findChildren(QPushButton)
    cancel.click()
    qtbot.waitUntil(lambda: "not completed" in panel.status.text(), timeout=15000)
    assert not panel.rows["microsoft"].sync.isEnabled()


def test_google_sign_in_with_a_typed_client_then_sync(window, qtbot, google, monkeypatch):
    import webbrowser

    monkeypatch.setattr(webbrowser, "get", lambda using=None: google.browser)
    create_followup(create_contact(name="Ana Silva"), date(2026, 12, 1), "Call back")
    dialog, panel = open_calendars(window)
    row = panel.rows["google"]
    row.sign_in.click()
    assert "Give the Google OAuth client" in panel.status.text()
    panel.google_id.setText(google.CLIENT_ID)
    panel.google_secret.setText(google.CLIENT_SECRET)
    row.sign_in.click()
    qtbot.waitUntil(lambda: row.calendar.count() == 2 and row.sync.isEnabled(), timeout=15000)
    assert row.calendar.currentText() == "ana@example.org"  # the primary calendar
    assert google.browser.opened and "code_challenge=" in google.browser.opened[0]
    row.sync.click()
    qtbot.waitUntil(lambda: panel.last_result is not None, timeout=15000)
    assert panel.status.text().startswith("Google sync: 1 new")
    assert len(google.of_uid()) == 1


def test_settings_open_without_a_keyring_service_and_say_so(window, qtbot):
    """A desktop with no keyring service (keyring's fail backend) still opens Settings."""
    import keyring
    from keyring.backends import fail

    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        dialog, panel = open_calendars(window)
        detail = panel.rows["google"].detail.text()
        assert "keyring could not be read" in detail
        assert not panel.rows["google"].sync.isEnabled()
        assert panel.rows["google"].sign_in.isEnabled()
        dialog.reject()
    finally:
        keyring.set_keyring(before)
