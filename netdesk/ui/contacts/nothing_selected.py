"""What the Contacts page's detail pane shows while no contact is chosen.

An empty form that is already complaining tells a new user nothing; this says what
they can do next and offers the two ways to get someone into netdesk.
"""

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

# (heading, hint) with people in the database, and for an empty one
WITH_CONTACTS = (
    "No contact selected",
    "Select a contact in the list to see their details and timeline.",
)
WITHOUT_CONTACTS = (
    "Add your first contact",
    "Type in someone you met, or import the vCards or LinkedIn CSV from your last conference.",
)


class NothingSelected(QWidget):
    """A heading, a hint and two buttons: New contact and Import contacts…"""

    def __init__(self, on_new: Callable[[], None], on_import: Callable[[], None] | None) -> None:
        super().__init__()
        self.heading = QLabel(WITH_CONTACTS[0])
        self.heading.setObjectName("nothingSelectedHeading")
        self.heading.setStyleSheet("#nothingSelectedHeading { font-size: 16px; font-weight: 600; }")
        self.hint = QLabel(WITH_CONTACTS[1])
        self.hint.setWordWrap(True)
        self.hint.setObjectName("nothingSelectedHint")
        self.hint.setStyleSheet("#nothingSelectedHint { color: #4a4a4a; font-size: 14px; }")
        for label in (self.heading, self.hint):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.new_button = QPushButton("New contact (Ctrl+N)")
        self.new_button.clicked.connect(on_new)
        self.import_button = QPushButton("Import contacts… (Ctrl+I)")
        self.import_button.setEnabled(on_import is not None)
        if on_import is not None:
            self.import_button.clicked.connect(on_import)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.import_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 40, 16, 40)
        layout.addStretch(1)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addSpacing(12)
        layout.addLayout(buttons)
        layout.addStretch(2)

    def set_has_contacts(self, has_contacts: bool) -> None:
        """Word the message for a database with people in it, or for an empty one."""
        heading, hint = WITH_CONTACTS if has_contacts else WITHOUT_CONTACTS
        self.heading.setText(heading)
        self.hint.setText(hint)
