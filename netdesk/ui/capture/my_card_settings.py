"""Settings › My card: which contact is me, found by typing a few letters of the name."""

import re

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
)

from netdesk.services.capture.my_card import my_contact, set_my_contact

MAX_SUGGESTIONS = 15
_ID = re.compile(r"\(#(\d+)\)$")


def contact_choice(contact) -> str:
    """How a contact reads in the chooser: "Ana Silva — Providence Health (#12)"."""
    org = contact.organization.name if contact.organization_id else ""
    return f"{contact.name}{' — ' + org if org else ''} (#{contact.id})"


class MyCardSettings(QGroupBox):
    def __init__(self) -> None:
        super().__init__("My card")
        current = my_contact()
        self.contact_id: int | None = current.id if current else None
        self.search = QLineEdit(contact_choice(current) if current else "")
        self.search.setPlaceholderText("Type your name to find your own contact")
        self.search.setAccessibleName("The contact that is me")
        self.model = QStringListModel()
        completer = QCompleter(self.model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.activated.connect(self.choose)
        self.search.setCompleter(completer)
        self.search.textEdited.connect(self.suggest)
        clear = QPushButton("C&lear")
        clear.clicked.connect(self.clear)
        row = QHBoxLayout()
        row.addWidget(self.search, 1)
        row.addWidget(clear)
        form = QFormLayout(self)
        form.addRow("&Me:", row)
        form.labelForField(row).setBuddy(self.search)

    def suggest(self, text: str) -> None:
        from netdesk.services.contacts.search import ContactFilter, contact_query

        self.contact_id = None
        if len(text.strip()) < 2:
            self.model.setStringList([])
            return
        query = contact_query(ContactFilter(search=text.strip())).limit(MAX_SUGGESTIONS)
        self.model.setStringList([contact_choice(c) for c in query])

    def choose(self, text: str) -> None:
        match = _ID.search(text)
        self.contact_id = int(match.group(1)) if match else None
        if match and self.search.text() != text:
            self.search.setText(text)

    def clear(self) -> None:
        self.search.clear()
        self.contact_id = None

    def save(self) -> None:
        """Store the choice (called inside the settings dialog's transaction)."""
        if self.contact_id is None and self.search.text().strip():
            self.choose(self.search.text().strip())
        set_my_contact(self.contact_id)
