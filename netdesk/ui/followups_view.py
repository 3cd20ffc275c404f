"""The Follow-ups page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class FollowUpsPage(Page):
    key = "followups"
    title = "Follow-ups"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(
            empty_state(
                "No follow-ups planned. They appear after an import with a follow-up rule, or when you plan one from a contact."
            )
        )
