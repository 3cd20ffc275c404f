"""GUI fixtures: a main window on a fresh database file, with isolated QSettings."""

import pytest


@pytest.fixture
def window(qtbot, db):
    from netdesk.ui.app import make_application
    from netdesk.ui.main_window import MainWindow

    make_application()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.clear()
