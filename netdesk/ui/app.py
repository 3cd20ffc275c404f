"""Starting the window: the QApplication, the database, then the main window."""

import sys

from PySide6.QtWidgets import QApplication, QMessageBox

from netdesk import __version__
from netdesk.errors import UserError
from netdesk.models import open_database
from netdesk.paths import resolve_db_path


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("netdesk")
    app.setApplicationName("netdesk")
    app.setApplicationVersion(__version__)
    return app


def run(db: str | None = None) -> int:
    app = make_application()
    try:
        open_database(resolve_db_path(db))
    except (UserError, Exception) as exc:  # shown, not a traceback on a console
        QMessageBox.critical(None, "netdesk", f"The database could not be opened:\n{exc}")
        return 4
    from netdesk.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    return app.exec()


def main() -> int:
    return run()
