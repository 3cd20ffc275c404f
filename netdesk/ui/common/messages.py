"""Showing errors the way the CLI prints them: one readable message, no traceback."""

from PySide6.QtWidgets import QMessageBox, QWidget

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
