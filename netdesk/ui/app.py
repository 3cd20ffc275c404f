"""Starting the window: the QApplication, the database (passphrase if encrypted), the window.

Opening registers the pre-migration backup, so an upgrade never runs without a copy,
and the daily automatic backup runs on a worker after the window is shown, so it
never delays the start.
"""

import os
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from netdesk import __version__
from netdesk.errors import UserError
from netdesk.models import open_database
from netdesk.models.store.encryption import (
    UNAVAILABLE_MESSAGE,
    WrongPassphrase,
    encryption_available,
    is_encrypted_file,
)
from netdesk.paths import resolve_db_path
from netdesk.ui.common.passphrase import ask_passphrase

PASSPHRASE_ENV = "NETDESK_PASSPHRASE"
PASSPHRASE_ATTEMPTS = 3


def make_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance() or QApplication(argv or sys.argv[:1])
    app.setOrganizationName("netdesk")
    app.setApplicationName("netdesk")
    app.setApplicationVersion(__version__)
    return app


def open_with_passphrase(path: Path, parent: QWidget | None = None, ask=ask_passphrase):
    """Open ``path``; for an encrypted file try NETDESK_PASSPHRASE, then ask (3 tries).

    Returns the database, or None when the user gave up. Raises UserError otherwise.
    """
    from netdesk.models.store.migrations import MigrationError
    from netdesk.services.data.backup import install_pre_migration_backup

    install_pre_migration_backup()
    try:
        if not is_encrypted_file(path):
            return open_database(path)
        if not encryption_available():
            raise UserError(f"{path} is encrypted, but {UNAVAILABLE_MESSAGE}.")
        env = os.environ.get(PASSPHRASE_ENV)
        if env:
            try:
                return open_database(path, passphrase=env)
            except WrongPassphrase:
                pass
        for attempt in range(PASSPHRASE_ATTEMPTS):
            passphrase = ask(parent, path, attempt > 0 or bool(env))
            if passphrase is None:
                return None
            try:
                return open_database(path, passphrase=passphrase)
            except WrongPassphrase:
                continue
        raise WrongPassphrase(f"Wrong passphrase for {path}; netdesk did not open it.")
    except MigrationError as exc:
        raise UserError(str(exc)) from None


def start_auto_backup(window) -> None:
    """The daily copy on a worker; the status bar says if it failed."""
    from netdesk.services.data.backup import auto_backup
    from netdesk.ui.common.workers import run_task

    def done(path):
        if path is not None:
            window.statusBar().showMessage(f"Daily backup saved to {path}", 8000)

    def failed(exc):
        window.statusBar().showMessage(f"The daily backup failed: {exc}", 15000)

    run_task(window, "Daily backup", lambda progress: auto_backup(), done, failed, None, False)


def run(db: str | None = None) -> int:
    os.umask(0o077)  # every file netdesk writes is user-only
    app = make_application()
    from netdesk.ui.data.database_problem import open_or_choose

    try:
        if open_or_choose(resolve_db_path(db), open_with_passphrase) is None:
            return 0
    except Exception as exc:  # shown, not a traceback on a console
        QMessageBox.critical(None, "netdesk", f"The database could not be opened:\n{exc}")
        return 4
    from netdesk.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    if not os.environ.get("NETDESK_NO_AUTO_BACKUP"):
        start_auto_backup(window)
    from netdesk.ui.data.welcome_dialog import maybe_welcome

    maybe_welcome(window)
    from netdesk.ui.sync.schedule import start_contacts_sync_schedule

    start_contacts_sync_schedule(window)
    return app.exec()


def main() -> int:
    return run()
