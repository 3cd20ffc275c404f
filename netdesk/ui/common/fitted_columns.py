"""Keep a table's columns inside its width: one column stretches, the others give way.

A list beside an editor is often narrow (a 1366x768 laptop). With a horizontal scroll
bar, clicking a cell in a far column slides the names out of sight. Instead the main
column takes whatever is left and never goes below a readable width; the other
columns keep the widths the user gave them and, when they do not all fit, the least
useful are hidden until the pane is wide enough again.
"""

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class FittedColumns(QObject):
    """Fits ``table``'s columns to its viewport; ``drop_order`` lists columns to hide first.

    The table calls :meth:`fit` from its ``resizeEvent`` (which Qt sends for the viewport).
    """

    def __init__(
        self, table: QTableView, main: int, main_min_width: int, drop_order: Sequence[int]
    ) -> None:
        super().__init__(table)
        self.table = table
        self.main = main
        self.main_min_width = main_min_width
        self.drop_order = list(drop_order)
        self.widths: dict[int, int] = {}
        self._fitting = False
        table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        table.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.header.sectionResized.connect(self._section_resized)
        self.adopt_header()

    @property
    def header(self) -> QHeaderView:
        return self.table.horizontalHeader()

    def others(self) -> list[int]:
        return [c for c in range(self.header.count()) if c != self.main]

    def adopt_header(self) -> None:
        """Take the current (for example just restored) widths as the wanted ones."""
        self._fitting = True
        try:
            self.header.setStretchLastSection(False)
            for column in self.others():
                self.header.showSection(column)  # a hidden section reports width 0
                self.header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                self.widths[column] = self.header.sectionSize(column)
            self.header.showSection(self.main)
            self.header.setSectionResizeMode(self.main, QHeaderView.ResizeMode.Stretch)
        finally:
            self._fitting = False
        self.fit()

    def fit(self) -> None:
        """Show the columns that fit beside a readable main column, hide the rest."""
        available = self.table.viewport().width()
        shown = self.others()
        for column in self.drop_order:
            if self.main_min_width + sum(self.widths[c] for c in shown) <= available:
                break
            shown.remove(column)
        self._fitting = True
        try:
            for column in self.others():
                self.header.setSectionHidden(column, column not in shown)
                if column in shown and self.header.sectionSize(column) != self.widths[column]:
                    self.header.resizeSection(column, self.widths[column])
        finally:
            self._fitting = False

    def _section_resized(self, column: int, _old: int, new: int) -> None:
        """The user dragged a border: keep that width, but never crowd out the main column."""
        if self._fitting or column == self.main or new <= 0:
            return
        shown_others = [
            c for c in self.others() if c != column and not self.header.isSectionHidden(c)
        ]
        room = self.table.viewport().width() - self.main_min_width
        room -= sum(self.widths[c] for c in shown_others)
        width = max(min(new, room), self.header.minimumSectionSize())
        self.widths[column] = width
        if width != new:
            self._fitting = True
            try:
                self.header.resizeSection(column, width)
            finally:
                self._fitting = False
