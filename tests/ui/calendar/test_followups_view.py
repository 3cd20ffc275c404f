"""The Follow-ups page, its dialogs, the .ics export dialog and the settings dialog (offscreen)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from icalendar import Calendar
from PySide6.QtCore import QDate, QObject, QSettings, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QAbstractButton, QApplication, QDialog, QMessageBox

from netdesk.models import CalendarLink, FollowUp, Interaction, get_setting, set_setting
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.sync.engine import link_for

TODAY = date(2027, 3, 10)  # a Wednesday; "overdue", snoozes and due dates count from here


@pytest.fixture(autouse=True)
def _today():
    """Every test here runs on TODAY, mid-afternoon in the local zone (the clock ticks)."""
    with time_machine.travel(datetime(2027, 3, 10, 15, 0).astimezone(), tick=True):
        yield


class UrlCatcher(QObject):
    """Receives the URLs the page asks the desktop to open (Qt's own URL-handler hook)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    @Slot("QUrl")
    def open(self, url) -> None:
        self.urls.append(url.toString(QUrl.ComponentFormattingOption.FullyEncoded))


@pytest.fixture
def urls():
    catcher = UrlCatcher()
    for scheme in ("https", "mailto"):
        QDesktopServices.setUrlHandler(scheme, catcher, "open")
    yield catcher
    for scheme in ("https", "mailto"):
        QDesktopServices.unsetUrlHandler(scheme)


@pytest.fixture
def page(window):
    set_setting("timezone", "America/New_York")  # the user's zone; Berlin slots show theirs
    jane = create_contact(name="Jane Doe", prefix="Dr", organization="St Mary's",
                          emails=["jane@stmarys.org"], tags=["cardiology"])  # fmt: skip
    ben = create_contact(name="Ben Okafor", organization="Cleveland Clinic")
    create_followup(jane, TODAY - timedelta(days=1), "Send the protocol")
    create_followup(ben, TODAY + timedelta(days=3), "Coffee", due_time=time(9, 0),
                    timezone="Europe/Berlin")  # fmt: skip
    create_followup(ben, TODAY + timedelta(days=40), "Check in")
    window.show_page("followups")
    page = window.page("followups")
    # Mid-afternoon on TODAY in the user's zone, whatever the computer's zone (TZ) is.
    with time_machine.travel(datetime(2027, 3, 10, 15, 0, tzinfo=ZoneInfo("America/New_York"))):
        page.refresh()  # the page may already have been current (QSettings remembers it)
        yield page
    QSettings().remove("window/page")  # QSettings outlives the test: leave no trace


def select(page, *titles):
    page.table.clearSelection()
    sel = page.table.selectionModel()
    for row, f in enumerate(page.model.rows):
        if f.title in titles:
            sel.select(page.model.index(row, 0), sel.SelectionFlag.Select | sel.SelectionFlag.Rows)


def titles(page):
    return [f.title for f in page.model.rows]


def click_in_modal(qtbot, button_text: str):
    """Click a button of the next message box when it appears (message boxes block).

    Other modal windows (a progress dialog) are waited out, not clicked.
    """

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        for button in box.findChildren(QAbstractButton):
            if button.text().replace("&", "") == button_text:
                button.click()
                return
        box.reject()
        raise AssertionError(f"No button {button_text!r} in {box.text()!r}")

    QTimer.singleShot(0, click)


def test_lists_filters_sorts_and_empty_state(page, qtbot):
    assert titles(page) == ["Send the protocol", "Coffee", "Check in"]
    assert page.model.data(page.model.index(0, 0), Qt.ItemDataRole.ForegroundRole) is not None
    assert page.model.data(page.model.index(1, 1)) == "09:00 (15 min) Europe/Berlin"
    page.due.setCurrentIndex(page.due.findData("overdue"))
    assert titles(page) == ["Send the protocol"]
    page.due.setCurrentIndex(page.due.findData("week"))
    assert titles(page) == ["Send the protocol", "Coffee"]
    page.due.setCurrentIndex(page.due.findData("any"))
    qtbot.keyClicks(page.search, "okafor")
    assert titles(page) == ["Coffee", "Check in"]
    page.search.clear()
    page.table.sortByColumn(3, Qt.SortOrder.AscendingOrder)  # by title, in SQL
    assert titles(page) == ["Check in", "Coffee", "Send the protocol"]
    page.status.setCurrentIndex(page.status.findData("done"))
    assert page.views.currentWidget() is page.empty
    assert "No follow-ups here" in page.empty.text()


def test_bulk_done_then_undo_and_redo(page, window):
    select(page, "Send the protocol", "Coffee")
    assert page.count_label.text() == "3 follow-ups · 2 selected"
    page.done_button.click()
    done = FollowUp.select().where(FollowUp.status == "done")
    assert sorted(f.title for f in done) == ["Coffee", "Send the protocol"]
    assert Interaction.select().count() == 2
    assert titles(page) == ["Check in"]  # done ones leave the default view
    assert window.undo_stack.undoText() == "Mark done (2 follow-ups)"

    window.undo_stack.undo()
    rows = {f.title: f for f in FollowUp.select()}
    assert rows["Coffee"].status == "open" and rows["Send the protocol"].status == "open"
    assert rows["Coffee"].sequence == 2  # done (1), then undone (2): calendars update again
    assert Interaction.select().count() == 0
    assert titles(page) == ["Send the protocol", "Coffee", "Check in"]
    window.undo_stack.redo()
    assert FollowUp.select().where(FollowUp.status == "done").count() == 2


def test_snooze_cancel_by_keyboard_and_undo(page, window, qtbot):
    select(page, "Send the protocol")
    page.actions_["snooze_day"].trigger()
    f = FollowUp.get(FollowUp.title == "Send the protocol")
    assert (f.status, f.due_date) == ("snoozed", TODAY + timedelta(days=1))
    page.table.setFocus()
    select(page, "Check in")
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert FollowUp.get(FollowUp.title == "Check in").status == "cancelled"
    window.undo_stack.undo()
    assert FollowUp.get(FollowUp.title == "Check in").status == "open"


def test_snooze_until_picked_date(page, qtbot):
    select(page, "Coffee")
    target = TODAY + timedelta(days=10)

    def pick():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, pick)
            return
        dialog.calendar.setSelectedDate(QDate(target.year, target.month, target.day))
        dialog.accept()

    QTimer.singleShot(0, pick)
    page.snooze_until()
    assert FollowUp.get(FollowUp.title == "Coffee").due_date == target


def test_context_menu_links_and_compose(page, urls):
    select(page, "Coffee")
    menu = page.context_menu()
    texts = [a.text().replace("&", "") for a in menu.actions()]
    for expected in ("Add to Google Calendar", "Add to Outlook (Outlook.com)",
                     "Add to Outlook (Microsoft 365)", "Export selected (.ics)…", "Mark done"):  # fmt: skip
        assert expected in texts
    page.actions_["google"].trigger()
    page.actions_["outlook"].trigger()
    page.actions_["office"].trigger()
    assert urls.urls[0].startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "ctz=Europe%2FBerlin" in urls.urls[0]
    assert urls.urls[1].startswith("https://outlook.live.com/calendar/0/deeplink/compose?")
    assert urls.urls[2].startswith("https://outlook.office.com/calendar/0/deeplink/compose?")
    select(page, "Send the protocol")
    compose = [a for a in menu.actions() if a.menu()][0].menu()
    coffee = [a for a in compose.actions() if a.text() == "Coffee invitation"][0]
    coffee.trigger()
    assert urls.urls[-1].startswith(
        "mailto:jane@stmarys.org?subject=Coffee%20soon%3F&body=Hi%20Jane"
    )


def test_new_followup_dialog_then_undo_redo_keeps_uid(page, window, qtbot):
    ben = create_contact(name="Carla Mendes", organization="Hospital da Luz")

    def fill():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, fill)
            return
        assert not dialog.buttons.button(dialog.buttons.StandardButton.Save).isEnabled()
        dialog.contact.set_contact(ben)
        dialog.title.setText("Ask about the pilot")
        dialog.all_day.setChecked(False)
        dialog.duration.setValue(30)
        dialog.note.setPlainText("pt MRN 00482913 mentioned")
        assert dialog.warning.isVisibleTo(dialog) and "MRN" in dialog.warning.text()
        dialog.buttons.button(dialog.buttons.StandardButton.Save).click()

    QTimer.singleShot(0, fill)
    page.new_followup()
    created = FollowUp.get(FollowUp.title == "Ask about the pilot")
    assert (created.contact_id, created.duration_minutes, created.due_time) == (ben.id, 30, time(9))
    uid = created.uid
    window.undo_stack.undo()
    assert FollowUp.get_or_none(FollowUp.title == "Ask about the pilot") is None
    window.undo_stack.redo()
    again = FollowUp.get(FollowUp.title == "Ask about the pilot")
    assert again.uid == uid and again.sequence > created.sequence


def test_edit_dialog_reschedules(page, window):
    select(page, "Check in")

    def edit():
        dialog = QApplication.activeModalWidget()
        if dialog is None:
            QTimer.singleShot(20, edit)
            return
        dialog.date.setDate(QDate(TODAY.year, TODAY.month, TODAY.day).addDays(5))
        dialog.accept()

    QTimer.singleShot(0, edit)
    page.edit_selected()
    f = FollowUp.get(FollowUp.title == "Check in")
    assert f.due_date == TODAY + timedelta(days=5) and f.sequence == 1


def test_export_dialog_writes_ics_for_selection(page, window, qtbot, tmp_path):
    from netdesk.ui.calendar.ics_export_dialog import export_followups

    select(page, "Send the protocol", "Coffee")
    dialog = export_followups(window, page.selected_ids())
    assert dialog.chosen_scope() == "selected"
    out = tmp_path / "sel.ics"
    dialog.path.setText(str(out))
    dialog.minutes.setValue(30)
    dialog.all_day.setCurrentIndex(dialog.all_day.findData("day-before"))
    dialog.buttons.button(dialog.buttons.StandardButton.Save).click()
    qtbot.waitUntil(lambda: dialog.result_count is not None, timeout=10000)
    cal = Calendar.from_ical(out.read_bytes())
    assert sorted(str(e["summary"]) for e in cal.walk("VEVENT")) == [
        "Coffee: Ben Okafor (Cleveland Clinic)",
        "Send the protocol: Dr Jane Doe (St Mary's)",
    ]
    triggers = sorted(a.decoded("trigger") for a in cal.walk("VALARM"))
    assert triggers == [timedelta(hours=-15), timedelta(minutes=-30)]  # all-day, timed
    assert FollowUp.select().where(FollowUp.exported_sequence.is_null(False)).count() == 2


def test_export_dialog_asks_about_patient_data(window, qtbot, tmp_path):
    from netdesk.ui.calendar.ics_export_dialog import export_followups

    c = create_contact(name="Ana Silva", tags=["nursing"])
    create_followup(c, TODAY, "Call back", note="pt MRN 00482913 DOB 3/4/1961")
    dialog = export_followups(window)
    dialog.radios["tag"].setChecked(True)
    dialog.tag.setCurrentText("nursing")
    out = tmp_path / "tag.ics"
    dialog.path.setText(str(out))

    click_in_modal(qtbot, "Cancel")
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.status == "cancelled", timeout=10000)
    assert not out.exists()  # cancelled at the question: nothing written

    click_in_modal(qtbot, "Redact it (recommended)")
    dialog.start_export()
    qtbot.waitUntil(lambda: dialog.result_count == 1, timeout=10000)
    text = out.read_bytes().replace(b"\r\n ", b"")
    assert b"00482913" not in text and b"[redacted mrn]" in text


def test_settings_saved_and_caldav_sync_now(window, qtbot, radicale, caldav_calendar):
    from netdesk.ui.settings.settings_dialog import open_settings

    c = create_contact(name="Ana Silva")
    create_followup(c, TODAY, "Call back")
    dialog = open_settings(window)
    dialog.zone.setCurrentText("Europe/Berlin")
    dialog.slot.setText("09:00-09:30")
    dialog.business_days.setValue(3)
    dialog.all_day.setCurrentIndex(dialog.all_day.findData("day-before"))
    dialog.url.setText(radicale.url)
    dialog.user.setText(radicale.user)
    dialog.calendar.setText(caldav_calendar)

    dialog.password.setText("wrong")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "refused user" in dialog.status.text(), timeout=10000)
    assert CalendarLink.select().count() == 0

    dialog.password.setText(radicale.password)
    dialog.test_button.click()
    qtbot.waitUntil(lambda: dialog.status.text().startswith("Connected"), timeout=10000)
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: "1 new" in dialog.status.text(), timeout=10000)
    assert link_for("caldav", FollowUp.get(FollowUp.title == "Call back").uid).synced_sequence == 0

    dialog.slot.setText("late")
    click_in_modal(qtbot, "OK")
    dialog.save_and_close()
    assert dialog.result() != QDialog.DialogCode.Accepted  # bad slot: not saved
    dialog.slot.setText("09:00-09:30")
    click_in_modal(qtbot, "OK")  # the keyring in tests forgets: said so, dialog stays open
    dialog.save_and_close()
    assert dialog.result() != QDialog.DialogCode.Accepted
    dialog.password.clear()
    dialog.save_and_close()
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert get_setting("timezone") == "Europe/Berlin"
    assert get_setting("followups.slot") == "09:00-09:30"
    assert get_setting("followups.business_days") == 3
    assert get_setting("all_day_alarm") == "day-before"
    assert get_setting("caldav.url") == radicale.url
    from netdesk.models import Setting

    assert all(radicale.password not in s.value for s in Setting.select())


def test_run_rules_button_plans_on_a_worker(page, qtbot):
    from datetime import datetime

    from netdesk.services.history.interactions import log_interaction

    dev = create_contact(name="Dev Patel", stay_in_touch_days=30)
    log_interaction(dev, channel="coffee", occurred_at=datetime(2020, 1, 1, 12, 0))
    page.rules_button.click()
    qtbot.waitUntil(lambda: page.last_rule_run is not None, timeout=10000)
    assert page.last_rule_run.cadence == 1
    assert "Stay in touch" in titles(page)
    qtbot.waitUntil(page.rules_button.isEnabled, timeout=5000)
    page.rules_button.click()  # again: nothing new
    page.last_rule_run = None
    qtbot.waitUntil(lambda: page.last_rule_run is not None, timeout=10000)
    assert page.last_rule_run.total == 0
