"""The Contacts page in a 1366x768 window (a common hospital laptop), used as a new user would.

Nothing selected shows what to do (not a red form), the list never scrolls sideways
away from the names, the splitter is remembered, and Ctrl+L reaches the quick log
from anywhere on the page and from Today.
"""

from datetime import UTC, date, datetime

import pytest
import time_machine
from PySide6.QtCore import QPoint, QSize, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from netdesk.models import Interaction
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from tests.ui.dialogs import answer_modal, click, remove_answerers  # noqa: F401

SCREEN = QSize(1366, 768)
LONG_ORG = "University of Michigan Health — Frankel Cardiovascular Center"


@pytest.fixture
def big_window(window, qtbot):
    window.resize(SCREEN)
    qtbot.waitUntil(lambda: window.size() == SCREEN)
    window.activateWindow()  # focus and shortcuts need the active window
    qtbot.waitUntil(window.isActiveWindow)
    return window


@pytest.fixture
def page(big_window):
    big_window.show_page("contacts")
    return big_window.page("contacts")


@pytest.fixture
def people(db):
    return [
        create_contact(name="Priya Natarajan", credentials="PharmD, BCPS", organization=LONG_ORG),
        create_contact(name="Ana Silva", organization="Mayo Clinic", role="nurse"),
        create_contact(name="Ben Okafor", organization="Mercy Health", role="administrator"),
    ]


def visible_errors(editor) -> list[str]:
    return [label.text() for label in editor.errors.values() if label.isVisible()]


# 1. nothing selected ---------------------------------------------------------
def test_nothing_selected_shows_what_to_do_instead_of_a_red_form(page, people, qtbot):
    page.refresh()
    assert page.selected_ids() == []
    assert page.details_stack.currentWidget() is page.nothing_selected
    assert page.nothing_selected.isVisible() and not page.editor.isVisible()
    assert page.nothing_selected.heading.text() == "No contact selected"
    assert "Select a contact" in page.nothing_selected.hint.text()
    assert visible_errors(page.editor) == [] and page.editor.status.text() == ""

    qtbot.mouseClick(page.nothing_selected.new_button, Qt.MouseButton.LeftButton)
    editor = page.editor
    assert page.details_stack.currentWidget() is page.tabs and editor.isVisible()
    assert editor.heading.text() == "New contact" and editor.contact_id is None
    assert editor.inputs["given_name"].hasFocus()
    assert visible_errors(editor) == []  # nothing typed yet: nothing is wrong
    assert editor.status.text() == "" and not editor.save_button.isEnabled()

    qtbot.keyClicks(editor.inputs["title"], "Chief Pharmacist")  # a title alone is not enough
    assert visible_errors(editor) == [
        "A contact needs at least a name, an email or an organization."
    ]
    assert editor.status.text() == "Fix 1 field(s) to save."
    qtbot.keyClicks(editor.inputs["given_name"], "Lena")
    assert visible_errors(editor) == [] and editor.save_button.isEnabled()


def test_a_deleted_contact_leaves_the_empty_state_not_an_empty_form(page, people, window, qtbot):
    page.refresh()
    page.select_contact(people[1].id)
    assert page.details_stack.currentWidget() is page.tabs
    seen = answer_modal(qtbot, QMessageBox, click("Delete"))
    page.delete_button.click()
    assert "Delete 1 contact: Ana Silva?" in seen[0].text()
    assert page.details_stack.currentWidget() is page.nothing_selected
    window.undo_stack.undo()  # back, and shown again
    assert page.details_stack.currentWidget() is page.tabs
    assert page.editor.contact_id == people[1].id


def test_empty_database_offers_new_contact_and_a_working_import_button(page, qtbot):
    page.refresh()
    assert page.details_stack.currentWidget() is page.nothing_selected
    assert page.nothing_selected.heading.text() == "Add your first contact"
    assert "import the vCards" in page.nothing_selected.hint.text()
    assert page.nothing_selected.import_button.isEnabled()
    seen: list[str] = []

    def close_file_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, close_file_dialog)
            return
        seen.append(dialog.windowTitle())
        dialog.reject()

    QTimer.singleShot(0, close_file_dialog)
    qtbot.mouseClick(page.nothing_selected.import_button, Qt.MouseButton.LeftButton)
    assert seen == ["Import contacts"]


# 2. the list at 1366x768 ------------------------------------------------------
@pytest.mark.parametrize("list_width", [360, 600, 900])
def test_clicking_organization_never_scrolls_the_names_away(page, people, qtbot, list_width):
    page.refresh()
    total = sum(page.splitter.sizes())
    page.splitter.setSizes([list_width, total - list_width])
    qtbot.waitUntil(lambda: page.table.viewport().width() > 0)
    table, header = page.table, page.table.horizontalHeader()
    row = page.model.row_of(people[0].id)
    assert not header.isSectionHidden(1)  # Organization stays while it fits beside the names
    qtbot.mouseClick(
        table.viewport(),
        Qt.MouseButton.LeftButton,
        pos=table.visualRect(page.model.index(row, 1)).center(),
    )
    assert page.selected_ids() == [people[0].id]
    qtbot.wait(QApplication.doubleClickInterval() + 200)  # Qt's delayed scroll-to-click
    assert table.horizontalScrollBar().maximum() == 0
    assert table.horizontalScrollBar().value() == 0
    name = table.visualRect(page.model.index(row, 0))
    assert name.left() == 0
    assert name.width() >= page.columns.main_min_width or name.width() == (table.viewport().width())
    shown_width = sum(header.sectionSize(c) for c in range(4) if not header.isSectionHidden(c))
    assert shown_width == table.viewport().width()


def test_the_details_pane_leaves_the_list_room_by_default(page, people, big_window, qtbot):
    """The timeline's button rows wrap instead of holding the pane at 550 px wide."""
    page.refresh()
    assert page.details_stack.minimumSizeHint().width() <= 400
    for size in (SCREEN, QSize(1100, 720)):  # maximised, and the first-start window
        big_window.resize(size)
        qtbot.waitUntil(lambda size=size: big_window.size() == size)
        list_width, details_width = page.splitter.sizes()
        assert list_width >= details_width
        assert not page.table.horizontalHeader().isSectionHidden(1)


def test_columns_that_do_not_fit_hide_and_come_back(page, people, qtbot):
    page.refresh()
    header = page.table.horizontalHeader()
    total = sum(page.splitter.sizes())
    page.splitter.setSizes([360, total - 360])
    qtbot.waitUntil(lambda: header.isSectionHidden(2))
    assert header.isSectionHidden(3) and not header.isSectionHidden(1)
    page.splitter.setSizes([250, total - 250])
    qtbot.waitUntil(lambda: header.isSectionHidden(1))
    assert header.sectionSize(0) == page.table.viewport().width()  # the names keep it all
    assert page.table.horizontalScrollBar().maximum() == 0
    page.splitter.setSizes([total - 200, 200])
    qtbot.waitUntil(lambda: not header.isSectionHidden(2))
    assert not header.isSectionHidden(3)


def test_splitter_and_column_widths_are_remembered(page, people, big_window, qtbot):
    from netdesk.ui.main_window import MainWindow

    page.refresh()
    total = sum(page.splitter.sizes())
    page.splitter.splitterMoved.emit(0, 1)  # what a drag emits, after the move below
    page.splitter.setSizes([760, total - 760])
    page.splitter.splitterMoved.emit(760, 1)
    page.table.horizontalHeader().resizeSection(1, 230)
    wanted = page.splitter.sizes()
    big_window.close()

    again = MainWindow()
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    again.resize(SCREEN)
    qtbot.waitUntil(lambda: again.size() == SCREEN)
    again.show_page("contacts")
    restored = again.page("contacts")
    qtbot.waitUntil(lambda: restored.splitter.sizes() == wanted)
    assert restored.table.horizontalHeader().sectionSize(1) == 230


# 3. Ctrl+L ------------------------------------------------------------------
def press_ctrl_l(qtbot, widget) -> None:
    widget.window().activateWindow()
    qtbot.waitUntil(widget.window().isActiveWindow)
    qtbot.keyClick(widget, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)


@pytest.mark.parametrize("start", ["details", "list", "search"])
def test_ctrl_l_opens_the_timeline_and_the_quick_log_from_anywhere(page, people, qtbot, start):
    page.refresh()
    page.select_contact(people[1].id)
    page.tabs.setCurrentIndex(0)
    focus = {
        "details": page.editor.inputs["title"],
        "list": page.table,
        "search": page.search,
    }[start]
    focus.setFocus()
    press_ctrl_l(qtbot, focus)
    assert page.tabs.currentWidget() is page.timeline
    assert page.timeline.contact_id == people[1].id
    assert QApplication.focusWidget() is page.timeline.quick_summary
    qtbot.keyClicks(page.timeline.quick_summary, "Asked about the stewardship audit")
    qtbot.keyClick(page.timeline.quick_summary, Qt.Key.Key_Return)
    logged = Interaction.get(Interaction.summary == "Asked about the stewardship audit")
    assert logged.contact_id == people[1].id


def test_ctrl_l_with_nobody_selected_says_what_to_do(page, people, big_window, qtbot):
    page.refresh()
    press_ctrl_l(qtbot, page.search)
    assert page.details_stack.currentWidget() is page.nothing_selected
    assert "Select a contact first" in big_window.statusBar().currentMessage()


def test_ctrl_l_on_today_opens_the_selected_rows_timeline(big_window, people, qtbot):
    with time_machine.travel(datetime(2027, 3, 14, 15, 0, tzinfo=UTC), tick=False):
        create_followup(people[0], date(2027, 3, 14), "Coffee about antimicrobial stewardship")
        create_followup(people[2], date(2027, 3, 14), "Send the board deck")
        today = big_window.page("today")
        big_window.show_page("today")
        today.refresh()  # the window opened on Today before these were planned
        qtbot.waitUntil(lambda: all(row.isVisible() for row in today.rows))
        press_ctrl_l(qtbot, today)  # no row chosen yet
        assert big_window.stack.currentWidget() is today
        assert "Click a row" in big_window.statusBar().currentMessage()

        ben_row = next(r for r in today.rows if r.item.contact_id == people[2].id)
        qtbot.mouseClick(ben_row, Qt.MouseButton.LeftButton, pos=QPoint(40, ben_row.height() // 2))
        assert today.selected_row() is ben_row
        press_ctrl_l(qtbot, ben_row)
        contacts = big_window.page("contacts")
        assert big_window.stack.currentWidget() is contacts
        assert contacts.selected_ids() == [people[2].id]
        assert contacts.tabs.currentWidget() is contacts.timeline
        assert contacts.timeline.contact_id == people[2].id
        assert QApplication.focusWidget() is contacts.timeline.quick_summary


def test_today_rows_are_reachable_by_keyboard(big_window, people, qtbot):
    with time_machine.travel(datetime(2027, 3, 14, 15, 0, tzinfo=UTC), tick=False):
        create_followup(people[0], date(2027, 3, 14), "Coffee")
        create_followup(people[2], date(2027, 3, 13), "Board deck")
        today = big_window.page("today")
        big_window.show_page("today")
        today.refresh()  # the window opened on Today before these were planned
        qtbot.waitUntil(lambda: all(row.isVisible() for row in today.rows))
        first, second = today.rows
        first.setFocus()
        qtbot.keyClick(first, Qt.Key.Key_Tab)
        assert QApplication.focusWidget() is first.done_button
        qtbot.keyClick(first, Qt.Key.Key_Down)
        assert today.selected_row() is second
        qtbot.keyClick(second, Qt.Key.Key_Return)
        contacts = big_window.page("contacts")
        assert big_window.stack.currentWidget() is contacts
        assert contacts.editor.contact_id == second.item.contact_id


def test_tab_order_runs_search_filters_buttons_list_details(page, people, qtbot):
    page.refresh()

    def chain(count: int) -> list:
        page.search.setFocus()
        seen = []
        for _ in range(count):
            widget = QApplication.focusWidget()
            seen.append(widget)
            qtbot.keyClick(widget, Qt.Key.Key_Tab)
        return seen

    start = [page.search, page.tag_filter, page.role_filter, page.kind_filter, page.org_filter]
    start += [page.event_filter, page.archived_toggle, page.new_button]
    empty = page.nothing_selected
    assert chain(11) == [*start, page.table, empty.new_button, empty.import_button]
    page.table.selectRow(0)
    assert chain(13) == [
        *start,
        page.archive_button,
        page.delete_button,
        page.table,
        page.tabs.tabBar(),
        page.editor.photo.choose_button,
    ]
