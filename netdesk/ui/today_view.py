"""The Today page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class TodayPage(Page):
    key = "today"
    title = "Today"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(
            empty_state(
                "Nothing is due today. Import vCards from your last conference (File > Import…) and netdesk will plan the follow-ups."
            )
        )
