from datetime import timedelta

from PySide6.QtCore import QDate, QObject, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from netdesk.models import Contact, FollowUp, Interaction
from netdesk.services.calendar.followups import create_followup
from netdesk.services.clock import local_today
from netdesk.services.contacts.records import create_contact


class MailCatcher(QObject):
    """Receives mailto: URLs instead of the system mail client (Qt's own hook)."""

    def __init__(self):
        super().__init__()
        self.urls = []

    @Slot(QUrl)
    def open(self, url):
        self.urls.append(url)


def setup(window):
    today = local_today()
    ana = create_contact(name="Ana Silva", emails=["ana@x.org"], organization="Mayo Clinic")
    ben = create_contact(name="Ben Okafor")
    late = create_followup(ana, today - timedelta(days=2), "Send the sepsis deck")
    create_followup(ben, today, "Call about the grant")
    page = window.page("today")
    window.show_page("today")  # QSettings may remember another page from an earlier test
    page.refresh()
    return page, ana, late


def test_opens_on_today_with_sections(window):
    page, ana, late = setup(window)
    assert window.stack.currentWidget() is page
    [row] = page.rows_in("overdue")
    assert row.item.followup_id == late.id
    assert len(page.rows_in("due_today")) == 1
    assert "2 due (1 overdue)" in page.heading.text()
    assert page.empty.isHidden()


def test_done_logs_an_interaction_and_undo_restores(window, qtbot):
    page, ana, late = setup(window)
    qtbot.mouseClick(page.rows_in("overdue")[0].done_button, Qt.MouseButton.LeftButton)
    assert FollowUp.get_by_id(late.id).status == "done"
    assert Interaction.get(Interaction.followup == late.id).summary == "Send the sepsis deck"
    assert page.rows_in("overdue") == []
    window.undo_stack.undo()
    assert FollowUp.get_by_id(late.id).status == "open"
    assert Interaction.select().count() == 0
    assert Contact.get_by_id(ana.id).last_interaction_at is None
    assert len(page.rows_in("overdue")) == 1
    window.undo_stack.redo()
    assert FollowUp.get_by_id(late.id).status == "done"


def test_snooze_a_week_and_undo(window):
    page, ana, late = setup(window)
    page.rows_in("overdue")[0].snooze_actions["week"].trigger()
    moved = FollowUp.get_by_id(late.id)
    assert (moved.status, moved.due_date) == ("snoozed", local_today() + timedelta(days=7))
    assert [r.item.title for r in page.rows_in("upcoming")] == ["Send the sepsis deck"]
    window.undo_stack.undo()
    back = FollowUp.get_by_id(late.id)
    assert (back.status, back.due_date) == ("open", late.due_date)
    page.rows_in("overdue")[0].snooze_actions["day"].trigger()
    assert FollowUp.get_by_id(late.id).due_date == local_today() + timedelta(days=1)


def test_open_contact_and_compose_email(window, qtbot):
    page, ana, late = setup(window)
    catcher = MailCatcher()
    QDesktopServices.setUrlHandler("mailto", catcher, "open")
    try:
        row = page.rows_in("overdue")[0]
        assert row.email_button.isEnabled()
        assert not page.rows_in("due_today")[0].email_button.isEnabled()  # Ben: no email
        qtbot.mouseClick(row.email_button, Qt.MouseButton.LeftButton)
    finally:
        QDesktopServices.unsetUrlHandler("mailto")
    [url] = catcher.urls
    assert url.scheme() == "mailto" and url.path() == "ana@x.org"
    assert "subject=Send%20the%20sepsis%20deck" in url.toString(
        QUrl.ComponentFormattingOption.FullyEncoded
    )
    qtbot.mouseClick(row.open_button, Qt.MouseButton.LeftButton)
    assert window.stack.currentWidget().key == "contacts"


def test_empty_state(window):
    page = window.page("today")
    window.show_page("today")
    assert page.scroll.isHidden() and not page.empty.isHidden()


def test_snooze_to_a_picked_date(window):
    page, ana, late = setup(window)
    target = local_today() + timedelta(days=20)

    def pick():
        dialog = QApplication.activeModalWidget()
        dialog.calendar.setSelectedDate(QDate(target.year, target.month, target.day))
        dialog.accept()

    QTimer.singleShot(0, pick)
    page.rows_in("overdue")[0].snooze_actions["pick"].trigger()
    assert FollowUp.get_by_id(late.id).due_date == target
    assert page.rows_in("overdue") == []
