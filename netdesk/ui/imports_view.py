"""The Imports page (placeholder until its feature lands)."""

from PySide6.QtWidgets import QVBoxLayout

from netdesk.ui.page import Page, empty_state


class ImportsPage(Page):
    key = "imports"
    title = "Imports"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)
        layout.addWidget(
            empty_state(
                "No imports yet. Drop .vcf or .csv files on this window, or use File > Import…"
            )
        )
