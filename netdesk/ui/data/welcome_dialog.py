"""The first-run welcome: your name (it signs outgoing messages), where the data lives, backups.

Shown once per database, when the window first opens and "Your name" is still
empty. The name is prefilled from the operating system account; cancelling keeps
that fallback (see netdesk.services.contacts.own_name) and the dialog does not come back.
"""

import os

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from netdesk.models import database_path, get_setting, set_setting
from netdesk.services.contacts import own_name
from netdesk.ui.common.buttons import ok_cancel_buttons

SHOWN_SETTING = "welcome_shown"


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def backup_sentence() -> str:
    from netdesk.services.data.backup import keep_count

    path = database_path()
    if os.environ.get("NETDESK_NO_AUTO_BACKUP"):
        return "Daily backups are switched off (NETDESK_NO_AUTO_BACKUP is set)."
    where = path.parent / "backups" if path else "the backups folder"
    return (
        f"A backup is made automatically once a day, in {where}; the newest "
        f"{keep_count()} are kept (File > Restore from backup…)."
    )


class WelcomeDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to netdesk")
        self.setMinimumWidth(520)
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                "Your name signs the suggested messages in follow-up emails and calendar "
                "events. You can change it later in Edit > Settings."
            )
        )
        form = QFormLayout()
        self.name = QLineEdit(own_name.os_full_name())
        self.name.setPlaceholderText("e.g. Sam Rivera")
        form.addRow("Your &name:", self.name)
        layout.addLayout(form)
        path = database_path()
        self.location = _label(f"Your contacts are kept on this computer, in {path}.")
        layout.addWidget(self.location)
        self.backups = _label(backup_sentence())
        layout.addWidget(self.backups)
        layout.addWidget(
            _label(
                "Nothing is sent anywhere unless you connect a calendar (CalDAV, Outlook or Google) yourself."
            )
        )
        buttons = ok_cancel_buttons(self)
        buttons.button(buttons.StandardButton.Ok).setText("&Start")
        buttons.button(buttons.StandardButton.Cancel).setText("&Later")
        layout.addSpacing(8)
        layout.addWidget(buttons)
        layout.setSpacing(12)
        self.resize(self.minimumWidth(), layout.heightForWidth(self.minimumWidth()))

    def accept(self) -> None:
        set_setting(own_name.SETTING, self.name.text().strip())
        super().accept()


def needs_welcome() -> bool:
    """True on a database where nobody has seen the welcome nor set "Your name"."""
    return not get_setting(SHOWN_SETTING, False) and not get_setting(own_name.SETTING, "")


def maybe_welcome(parent: QWidget | None = None) -> bool:
    """Show the welcome once; True when it was shown."""
    if not needs_welcome():
        return False
    set_setting(SHOWN_SETTING, True)
    WelcomeDialog(parent).exec()
    return True
