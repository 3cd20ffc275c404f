"""After a contacts sync: the fields both sides changed, and the user's say on each.

The sync has already kept one value by the chosen rule (newest, mine or theirs) and
put the other in the contact's history; here the user can tick the conflicts where the other value should win.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
)

from netdesk.services.sync import carddav
from netdesk.ui.common.buttons import ok_cancel_buttons


class ConflictsDialog(QDialog):
    def __init__(self, parent, report) -> None:
        super().__init__(parent)
        self.setWindowTitle("Changed on both sides")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        text = QLabel(
            "These fields were changed both here and on the server since the last sync. "
            f"As set, {carddav.PREFER.get(report.prefer, report.prefer)}; the other value is "
            "in the contact's history. "
            "Tick the ones where the other value should win; it goes to the server with "
            "the next sync."
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.items = QListWidget()
        self.items.setAccessibleName("Conflicts")
        for change_id, line in zip(report.conflict_ids, report.conflicts, strict=False):
            item = QListWidgetItem(line)
            item.setToolTip(line)
            item.setData(Qt.ItemDataRole.UserRole, change_id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.items.addItem(item)
        layout.addWidget(self.items)
        buttons = ok_cancel_buttons(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Use the ticked values")
        layout.addWidget(buttons)
        self.done_lines: list[str] = []

    def chosen(self) -> list[int]:
        return [
            self.items.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.items.count())
            if self.items.item(i).checkState() == Qt.CheckState.Checked
        ]

    def accept(self) -> None:
        self.done_lines = [carddav.use_other_value(change_id) for change_id in self.chosen()]
        super().accept()
