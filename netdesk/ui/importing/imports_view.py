"""The Imports page: every import batch, its problems, and a way to undo it."""

from datetime import UTC, datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.importing.importer import (
    batch_problems,
    describe_undo,
    list_batches,
    undo_import,
)
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.page import Page, empty_state
from netdesk.ui.importing.import_dialog import fill_table, make_table


def local_time(stored_utc: str) -> str:
    """Batches are stamped in UTC; people read their own clock."""
    moment = datetime.fromisoformat(stored_utc).replace(tzinfo=UTC).astimezone()
    return f"{moment:%Y-%m-%d %H:%M}"


class ImportsPage(Page):
    key = "imports"
    title = "Imports"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.batches: list[dict] = []
        self.problems: list[dict] = []
        self.table = make_table(
            ["When", "Files", "Event", "New", "Merged", "Skipped", "Problems", "Status"]
        )
        self.table.itemSelectionChanged.connect(self._show_batch)
        self.problem_table = make_table(["File", "Card", "Line", "Reason"])
        self.problem_table.itemSelectionChanged.connect(self._show_original)
        self.original = QPlainTextEdit()
        self.original.setReadOnly(True)
        self.original.setPlaceholderText("Select a problem to see the card's original text.")
        self.detail = QLabel()
        self.undo_button = QPushButton("&Undo import…")
        self.undo_button.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.undo_button.setToolTip("Remove what this import created and revert what it merged")
        self.undo_button.clicked.connect(self.undo_selected)
        self.import_button = QPushButton("&Import contacts…")
        self.import_button.clicked.connect(
            lambda: window.call_feature("netdesk.ui.importing.import_dialog", "choose_and_import")
        )

        bar = QHBoxLayout()
        bar.addWidget(self.detail, 1)
        bar.addWidget(self.import_button)
        bar.addWidget(self.undo_button)
        lower = QSplitter(Qt.Orientation.Horizontal)
        lower.addWidget(self.problem_table)
        lower.addWidget(self.original)
        lower.setSizes([520, 360])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([300, 260])
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addLayout(bar)
        content_layout.addWidget(split, 1)

        self.stack = QStackedWidget()
        self.empty = empty_state(
            "No imports yet. Drop .vcf or .csv files on this window, or use File > Import…"
        )
        self.stack.addWidget(self.empty)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)

    def refresh(self) -> None:
        selected = self.selected_batch()
        self.batches = list_batches()
        self.stack.setCurrentIndex(1 if self.batches else 0)
        fill_table(
            self.table,
            [
                [
                    local_time(b["created_at"]),
                    ", ".join(Path(f).name for f in b["files"]),
                    b["event"],
                    b["created"],
                    b["merged"],
                    b["skipped"],
                    b["problems"],
                    f"undone {b['undone_at'][:16].replace('T', ' ')}"
                    if b["undone_at"]
                    else "imported",
                ]
                for b in self.batches
            ],
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        ids = [b["id"] for b in self.batches]
        row = ids.index(selected["id"]) if selected and selected["id"] in ids else 0
        if self.batches:
            self.table.selectRow(row)
        self._show_batch()

    def selected_batch(self) -> dict | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        if not rows or rows[0].row() >= len(self.batches):
            return None
        return self.batches[rows[0].row()]

    def _show_batch(self) -> None:
        batch = self.selected_batch()
        self.undo_button.setEnabled(bool(batch) and not batch["undone_at"])
        self.problems = batch_problems(batch["id"]) if batch else []
        fill_table(
            self.problem_table,
            [[Path(p["file"]).name, p["card"], p["line"], p["message"]] for p in self.problems],
        )
        self.original.clear()
        if batch:
            tag = f", tag “{batch['tag']}”" if batch["tag"] else ""
            self.detail.setText(
                f"Batch {batch['id']} ({batch['source']}{tag}): {len(self.problems):,} problem(s)"
            )
        else:
            self.detail.setText("")

    def _show_original(self) -> None:
        rows = self.problem_table.selectionModel().selectedRows()
        if rows:
            self.original.setPlainText(self.problems[rows[0].row()]["original"] or "(no text)")

    def undo_selected(self) -> None:
        batch = self.selected_batch()
        if not batch or batch["undone_at"]:
            return
        try:
            text = describe_undo(batch["id"])
        except Exception as exc:  # shown, never a crash
            show_error(self, exc, "Undo import")
            return
        box = QMessageBox(QMessageBox.Icon.Question, "Undo import", text, parent=self)
        box.setInformativeText("This cannot be undone itself. Continue?")
        undo = box.addButton("Undo import", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        self._confirm = box
        box.exec()
        if box.clickedButton() is not undo:
            return
        try:
            result = undo_import(batch["id"])
        except Exception as exc:
            show_error(self, exc, "Undo import")
            return
        self.window_.statusBar().showMessage(
            f"Import undone: {result['removed']:,} removed, {result['reverted']:,} reverted.", 8000
        )
        self.refresh()
        self.window_.update_status()
