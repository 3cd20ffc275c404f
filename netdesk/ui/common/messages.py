"""Showing errors the way the CLI prints them: one readable message, no traceback."""

from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from netdesk.errors import UserError


def error_text(exc: BaseException) -> str:
    if isinstance(exc, UserError):
        return str(exc)
    return f"Something went wrong that netdesk did not expect ({type(exc).__name__}: {exc}). Nothing was half-written; please report this."


def show_error(parent: QWidget | None, exc: BaseException, title: str = "netdesk") -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, error_text(exc), parent=parent)
    trace = getattr(exc, "trace", None)
    if trace and not isinstance(exc, UserError):
        box.setDetailedText(trace)
    box.exec()


def show_status(label: QLabel, outcome: BaseException | str) -> None:
    """A dialog's status line: an error in red (as the CLI words it), a success in green."""
    failed = isinstance(outcome, BaseException)
    label.setText(error_text(outcome) if failed else outcome)
    label.setStyleSheet("color: #b3261e;" if failed else "color: #1b6e20;")
