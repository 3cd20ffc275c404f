"""The editor's positions table: the positions besides the primary one.

The Title / Organization / Department fields above it are the primary position (what
the list shows); this table holds second appointments and past positions, one per row
(organization, title, department, start, end). *Make primary* (or ticking a row's
Primary box) swaps the selected row with the fields, so exactly one position is
primary and the list always shows it.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QPushButton, QTableWidgetItem

from netdesk.ui.contacts.editor_extras import AddressesEditor

POSITION_COLUMNS = (
    ("organization", "Organization"),
    ("title", "Title"),
    ("department", "Dept."),
    ("start_date", "Start"),
    ("end_date", "End"),
    ("primary", "Primary"),
)
PRIMARY_COLUMN = len(POSITION_COLUMNS) - 1
DATE_COLUMNS = 3  # the first column that is a date


class PositionsEditor(AddressesEditor):
    """Second and past positions, with Add, Remove and Make primary."""

    COLUMNS = POSITION_COLUMNS
    FIELDS = ("organization", "title", "department", "start_date", "end_date")
    WIDTHS = ((1, 16), (2, 11), (3, 10), (4, 10), (5, 7))
    STRETCH = 0
    NOUN = "position"

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # called with the row's position; returns the primary it replaces (put in the row)
        self.on_make_primary: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        self.primary_button = QPushButton("Make &primary")
        self.primary_button.setToolTip(
            "Swap the selected position with the Title / Organization / Department above"
        )
        self.primary_button.clicked.connect(self.make_current_primary)
        self.buttons.insertWidget(2, self.primary_button)
        self.table.setToolTip("Dates as YYYY-MM-DD; a position with an end date is a past one")
        # every column shares the editor's width: no sideways scrolling in a narrow pane
        header = self.table.horizontalHeader()
        for column in range(len(self.COLUMNS)):
            mode = QHeaderView.ResizeMode.Stretch
            if column >= DATE_COLUMNS:  # dates and the tick box take what they need
                mode = QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(column, mode)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setWordWrap(False)
        self._update_buttons()

    def value(self) -> list[dict[str, str]]:
        rows = super().value()
        for row in rows:
            row.pop("primary", None)
        return [r for r in rows if any(r.values())]

    def _append(self, position: dict[str, Any]) -> int:
        row = super()._append(position)
        box = QTableWidgetItem()
        box.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        box.setCheckState(Qt.CheckState.Unchecked)
        self.table.setItem(row, PRIMARY_COLUMN, box)
        return row

    def _text(self, row: int, col: int) -> str:
        return "" if col == PRIMARY_COLUMN else super()._text(row, col)

    def _update_buttons(self) -> None:
        super()._update_buttons()
        if hasattr(self, "primary_button"):
            self.primary_button.setEnabled(self.table.currentRow() >= 0)

    def _edited(self, item) -> None:
        if item.column() == PRIMARY_COLUMN and not self._filling:
            if item.checkState() == Qt.CheckState.Checked:
                self.table.setCurrentCell(item.row(), 0)
                self.make_current_primary()
            return
        super()._edited(item)

    def make_current_primary(self) -> None:
        """The selected row becomes the primary; the old primary takes its place here."""
        row = self.table.currentRow()
        if row < 0 or self.on_make_primary is None:
            return
        chosen = {key: self._text(row, col) for col, (key, _) in enumerate(self.COLUMNS)}
        chosen.pop("primary", None)
        if chosen.get("end_date"):
            chosen["end_date"] = ""  # made primary again: it has not ended
        previous = self.on_make_primary(chosen)
        rows = self.value()
        if any(previous.get(k) for k in ("organization", "title", "department")):
            rows[row] = {**previous}
        else:
            del rows[row]
        self.set_value(rows)
        self._notify()
