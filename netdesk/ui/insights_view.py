"""The Insights page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class InsightsPage(Page):
    key = "insights"
    title = "Insights"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(empty_state("Insights appear once you have contacts and interactions."))
