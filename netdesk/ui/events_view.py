"""The Events page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class EventsPage(Page):
    key = "events"
    title = "Events"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(
            empty_state(
                "No events yet. Events are created when you import the cards you collected there."
            )
        )
