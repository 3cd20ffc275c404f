from PySide6.QtCore import QSettings

from netdesk.ui.main_window import MainWindow


def test_window_opens_on_today_with_every_page(window):
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [
        "Today",
        "Contacts",
        "Events",
        "Follow-ups",
        "Imports",
        "Insights",
    ]
    assert window.stack.currentWidget().key == "today"


def test_last_page_is_remembered(window, qtbot):
    window.show_page("events")
    window.close()
    assert QSettings().value("window/page") == "events"
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.stack.currentWidget().key == "events"
