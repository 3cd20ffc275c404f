"""File > Backup now… and File > Restore from backup…

Both copy on a worker (run_task) so the window stays responsive. Restore checks the
chosen file first, then says exactly what it will replace and where the copy of the
current database goes, and only swaps files (on the GUI thread, which owns the
connection) after the user agreed.
"""

from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from netdesk.models import database, database_path
from netdesk.models.store.encryption import database_passphrase, is_encrypted_file
from netdesk.paths import backup_dir
from netdesk.services.data import backup as backups
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.workers import run_task

FILE_FILTER = "netdesk backups (*.sqlite3 *.db *.sqlite);;All files (*)"


def _db_path(window: QWidget) -> Path | None:
    path = database_path()
    if path is None:
        QMessageBox.information(window, "Backup", "This database lives in memory only.")
    return path


def backup_now(window, out_path: str | Path | None = None) -> None:
    """Copy the database to a file the user picks (default: the backup folder)."""
    path = _db_path(window)
    if path is None:
        return
    if out_path is None:
        suggested = backup_dir(path) / f"manual-{datetime.now():%Y%m%d-%H%M%S}.sqlite3"
        out_path, _ = QFileDialog.getSaveFileName(
            window, "Back up the database to", str(suggested), FILE_FILTER
        )
        if not out_path:
            return
    target = Path(out_path)

    def done(saved: Path) -> None:
        note = " (encrypted with the same passphrase)" if is_encrypted_file(saved) else ""
        window.statusBar().showMessage(f"Backup saved to {saved}{note}", 10000)
        window.last_backup = saved

    run_task(
        window,
        "Backing up",
        lambda progress: backups.backup(None, target, progress),
        done,
        lambda exc: show_error(window, exc, "Backup failed"),
    )


def _ask_backup_passphrase(window, source: Path) -> str | None:
    from netdesk.ui.app import ask_passphrase

    return ask_passphrase(window, source)


def _short(path: Path) -> str:
    """Paths under the home folder as ~/…, so the dialog stays readable."""
    try:
        return "~/" + str(Path(path).resolve().relative_to(Path.home().resolve()))
    except ValueError:
        return str(path)


def _contacts(n: int) -> str:
    return f"{n} contact" if n == 1 else f"{n} contacts"


def restore_text(prepared: backups.PreparedRestore, contacts_now: int) -> tuple[str, str]:
    """The question and the details: what goes, what comes, where the safety copy goes."""
    v = prepared.validated
    saved = datetime.fromtimestamp(prepared.source.stat().st_mtime)
    question = f"Restore the backup saved {saved:%d %b %Y at %H:%M}?"
    details = (
        f"This replaces the database\n    {_short(prepared.database)}\n"
        f"    {_contacts(contacts_now)}\n"
        f"with the backup\n    {_short(prepared.source)}\n"
        f"    {_contacts(v.contacts)}, schema v{v.schema_version}\n\n"
        f"A copy of the current database is saved first, as before-restore-….sqlite3 in\n"
        f"    {_short(backup_dir(prepared.database))}\n"
        "so you can go back to it. The undo history is cleared."
    )
    return question, details


def confirm_restore(window, text: tuple[str, str]) -> bool:
    question, details = text
    box = QMessageBox(QMessageBox.Icon.Warning, "Restore from backup", question, parent=window)
    box.setInformativeText(details)
    box.setStyleSheet(
        "QLabel#qt_msgbox_label, QLabel#qt_msgbox_informativelabel { min-width: 480px; }"
    )  # paths on one line where possible
    restore = box.addButton("&Restore", QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setObjectName("confirm_restore")
    box.exec()
    return box.clickedButton() is restore


def restore_backup(window, in_path: str | Path | None = None) -> None:
    """Pick a backup, check it, confirm, keep a copy, swap, refresh every page."""
    path = _db_path(window)
    if path is None:
        return
    if in_path is None:
        in_path, _ = QFileDialog.getOpenFileName(
            window, "Restore from backup", str(backup_dir(path)), FILE_FILTER
        )
        if not in_path:
            return
    source = Path(in_path)
    key = None
    if is_encrypted_file(source):
        key = _ask_backup_passphrase(window, source)
        if key is None:
            return
    current_key = database_passphrase(database.obj)
    from netdesk.services.contacts.records import count_contacts

    contacts_now = count_contacts()

    def checked(prepared: backups.PreparedRestore) -> None:
        if not confirm_restore(window, restore_text(prepared, contacts_now)):
            prepared.discard()
            window.statusBar().showMessage("Restore cancelled; nothing was changed.", 8000)
            return

        def copy(progress):
            backups.make_safety_copy(prepared, progress)
            return prepared

        run_task(window, "Saving a copy of the current database", copy, install, failed)

    def install(prepared: backups.PreparedRestore) -> None:
        try:
            result = backups.install_restore(prepared)
        except Exception as exc:
            show_error(window, exc, "Restore failed")
            return
        window.undo_stack.clear()  # its commands refer to rows of the old file
        window.refresh_all()
        window.last_restore = result
        window.statusBar().showMessage(
            f"Restored {result.restored_from.name} ({result.contacts} contacts). "
            f"The previous database was saved to {result.safety_copy}.",
            15000,
        )

    def failed(exc: Exception) -> None:
        show_error(window, exc, "Restore failed")

    run_task(
        window,
        "Checking the backup",
        lambda progress: backups.prepare_restore(
            source, path, key, current_key, progress, safety_copy=False
        ),
        checked,
        failed,
    )
