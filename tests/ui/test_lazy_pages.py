"""Pages are built when first shown, and building one later leaves the window as it was."""

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from netdesk.ui.main_window import PAGE_KEYS, MainWindow


class WindowsShown(QObject):
    """Records every top-level window that is shown."""

    def __init__(self) -> None:
        super().__init__()
        self.shown = []

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if event.type() == QEvent.Type.Show and watched.isWidgetType() and watched.isWindow():
            self.shown.append(type(watched).__name__)
        return False


def test_the_window_builds_only_the_page_it_opens_on(window):
    assert list(window.pages) == ["today"]
    window.show_page("insights")
    assert list(window.pages) == ["today", "insights"]
    assert window.stack.currentWidget() is window.page("insights")
    assert window.page("events") is window.page("events")  # built once, on first use
    assert window.stack.indexOf(window.page("events")) == PAGE_KEYS.index("events")


def test_building_each_page_shows_no_window_of_its_own(window, qtbot):
    qtbot.waitUntil(window.isActiveWindow)
    spy = WindowsShown()
    QApplication.instance().installEventFilter(spy)
    try:
        for key in PAGE_KEYS:
            window.show_page(key)
            qtbot.wait(10)
    finally:
        QApplication.instance().removeEventFilter(spy)
    assert spy.shown == []
    assert window.isActiveWindow()  # so keyboard shortcuts keep working
    window.show_page("today")


def test_the_view_menu_and_the_remembered_page_work_before_a_page_exists(window, qtbot):
    actions = {a.text(): a for a in window.menus["View"].actions()}
    actions["Follow-ups"].trigger()
    assert window.stack.currentWidget() is window.page("followups")
    window.close()  # remembers Follow-ups
    again = MainWindow()
    qtbot.addWidget(again)
    assert list(again.pages) == ["followups"]
    again.show_page("today")


def test_the_status_bar_counts_once_the_window_is_shown(window, qtbot):
    from netdesk.services.contacts.records import create_contact

    create_contact(name="Ana Silva")  # after the window was built: counted later
    qtbot.waitUntil(lambda: window.summary.text().startswith("1 contact ·"))
    create_contact(name="Ben Okafor")
    window.statusBar().showMessage("Backup saved", 1)  # a passing message leaves the count
    window.refresh_all()
    qtbot.wait(20)
    assert window.summary.text().startswith("2 contacts ·")
