"""The Contacts page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class ContactsPage(Page):
    key = "contacts"
    title = "Contacts"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(
            empty_state(
                "No contacts yet. Import vCards or a LinkedIn CSV from your last conference (File > Import…), or add one with Ctrl+N."
            )
        )
