"""What every page in the sidebar is: a widget with a title and a way to refresh."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget


class Page(QWidget):
    """Base for sidebar pages. ``refresh`` reloads from the database when shown."""

    key = ""
    title = ""

    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window  # the MainWindow: undo stack, status bar, navigation

    def refresh(self) -> None:
        """Reload what the page shows; called when the page becomes visible."""


def empty_state(text: str) -> QLabel:
    """A friendly centred message for a list with nothing in it yet."""
    label = QLabel(text)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setObjectName("emptyState")
    label.setStyleSheet("#emptyState { color: #4a4a4a; font-size: 14px; padding: 40px; }")
    return label
