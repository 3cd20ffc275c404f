"""GUI fixtures: a main window on a fresh database file, with isolated QSettings."""

import pytest
from PySide6.QtCore import QSettings


@pytest.fixture(autouse=True)
def _fresh_qsettings(qapp):
    """Each GUI test starts with no remembered page, geometry or columns."""
    from netdesk.ui.app import make_application

    make_application()
    QSettings().clear()
    yield
    QSettings().clear()


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
