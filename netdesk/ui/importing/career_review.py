"""The import review's list of career changes: known contacts with a new title or
organization, each recorded as a move unless the user unticks it.

Ticked: the current position is kept as a past one (ended today), the timeline gets a
"promotion" / "new position" milestone and a congratulate follow-up is planned.
Unticked: the contact keeps its current title and organization.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget

from netdesk.services.careers.moves import CareerChange
from netdesk.services.importing.importer import PlanEntry

HEADERS = ["Record", "Contact", "Change", "Before", "After"]


def rows(entries: list[PlanEntry]) -> list[list[str]]:
    """The table's text, one row per change (column 0 becomes the tick box); a possible
    duplicate's change applies only if the user merges it."""
    return [
        [
            "",
            e.career.name,
            e.career.kind if e.action == "merge" else f"{e.career.kind} (if merged)",
            e.career.before.describe(),
            e.career.after.describe(),
        ]
        for e in entries
    ]


class CareerChangesPage(QWidget):
    """``table`` is the review's kind of table, already filled with :func:`rows`."""

    def __init__(
        self, changes: list[CareerChange], table: QTableWidget, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.changes = changes
        self.table = table
        for row, change in enumerate(changes):
            box = QTableWidgetItem()
            box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            box.setCheckState(Qt.CheckState.Checked if change.apply else Qt.CheckState.Unchecked)
            box.setToolTip("Untick to keep this contact's current title and organization")
            self.table.setItem(row, 0, box)
        self.table.resizeColumnToContents(0)
        self.table.itemChanged.connect(self._toggled)
        note = QLabel(
            "These contacts are already here with another title or organization. Ticked: "
            "the current position is kept as a past one (ended today), a milestone goes on "
            "their timeline and a congratulate follow-up is planned. Untick to keep the "
            "current position unchanged. Space ticks the selected row."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addWidget(self.table)
        if changes:
            self.table.setCurrentCell(0, 0)

    def _toggled(self, item: QTableWidgetItem) -> None:
        if item.column() == 0:
            self.changes[item.row()].apply = item.checkState() == Qt.CheckState.Checked
