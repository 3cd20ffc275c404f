"""Editor parts beyond plain text fields: addresses, the photo and the card's UID.

Each part tells the editor about edits through a plain ``on_change`` callback rather
than a Python-side Signal (see :class:`netdesk.ui.contacts.editor.ContactEditor` for
why PySide6 Python signals are avoided there).
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.contacts.editing import ADDRESS_FIELDS
from netdesk.services.contacts.photos import MAX_PHOTO_INPUT_BYTES, bounded_photo

# (key, column title) of the columns shown; po_box/extended ride along unseen.
ADDRESS_COLUMNS = (
    ("label", "Label"),
    ("street", "Street"),
    ("locality", "City"),
    ("region", "Region"),
    ("postal_code", "Postal code"),
    ("country", "Country"),
)
HIDDEN_ROLE = Qt.ItemDataRole.UserRole + 1
THUMB_EDGE = 96
HINT_STYLE = "color: palette(placeholder-text); font-size: 11px;"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.gif *.bmp *.webp);;All files (*)"

OnChange = Callable[[], None] | None


class LiveCellDelegate(QStyledItemDelegate):
    """Writes each keystroke of a cell edit to the table, so the form is dirty (and
    Ctrl+S saves what is typed) before the cell is finished with Enter or Tab."""

    def createEditor(self, parent, option, index):  # noqa: N802 - Qt override
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QLineEdit):
            cell = QPersistentModelIndex(index)

            def write(text: str) -> None:
                if cell.isValid():
                    model = cell.model()
                    model.setData(model.index(cell.row(), cell.column()), text)

            editor.textEdited.connect(write)
        return editor


class AddressTable(QTableWidget):
    """The address rows; Del (when no cell is being edited) removes the selected row."""

    on_delete: Callable[[], None] | None = None

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        editing = self.state() == QAbstractItemView.State.EditingState
        if event.key() == Qt.Key.Key_Delete and not editing and self.on_delete is not None:
            self.on_delete()
            return
        super().keyPressEvent(event)


class AddressesEditor(QWidget):
    """A small table of postal addresses, one per row, with Add and Remove.

    Subclasses show other rows (``ui/contacts/affiliations_table``) by changing the
    class attributes: the columns, the keys carried unseen, the widths, the noun.
    """

    COLUMNS = ADDRESS_COLUMNS
    FIELDS = ADDRESS_FIELDS  # every key a row carries (shown or not)
    WIDTHS = ((0, 6), (2, 12), (3, 7), (4, 9), (5, 8))  # (column, characters)
    STRETCH = 1
    NOUN = "address"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_change: OnChange = None
        self._filling = False
        self.table = AddressTable(0, len(self.COLUMNS))
        self.table.setHorizontalHeaderLabels([title for _, title in self.COLUMNS])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, like other fields
        triggers = QAbstractItemView.EditTrigger  # typing or F2 edits; Del removes the row
        self.table.setEditTriggers(
            triggers.DoubleClicked | triggers.EditKeyPressed | triggers.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(self.STRETCH, QHeaderView.ResizeMode.Stretch)
        for column, chars in self.WIDTHS:
            self.table.setColumnWidth(column, self.fontMetrics().averageCharWidth() * chars + 16)
        self.table.itemChanged.connect(self._edited)
        self.add_button = QPushButton(f"Add {self.NOUN}")
        self.add_button.setToolTip(f"Add an empty {self.NOUN} row and start typing in it")
        self.add_button.clicked.connect(self.add_row)
        self.remove_button = QPushButton(f"Remove {self.NOUN}")
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.table.on_delete = self.remove_selected
        self.table.setItemDelegate(LiveCellDelegate(self.table))
        self.remove_button.setToolTip(f"Remove the selected {self.NOUN} (Del in the table)")
        self.buttons = buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self.set_value([])

    def value(self) -> list[dict[str, str]]:
        """Every row as an Address dict (blank rows included; the service drops them)."""
        rows = []
        for row in range(self.table.rowCount()):
            address = {key: self._text(row, col) for col, (key, _) in enumerate(self.COLUMNS)}
            first = self.table.item(row, 0)
            hidden = (first.data(HIDDEN_ROLE) if first else None) or {}
            address.update({k: hidden.get(k, "") for k in self.FIELDS if k not in address})
            if any(address.values()):
                rows.append(address)
        return rows

    def set_value(self, addresses: list[dict[str, Any]]) -> None:
        self._filling = True
        try:
            self.table.setRowCount(0)
            for address in addresses:
                self._append(address)
        finally:
            self._filling = False
        self._fit_height()
        self._update_buttons()

    def add_row(self) -> None:
        """Append an empty row and put the cursor in its first cell."""
        self._filling = True
        try:
            row = self._append({})
        finally:
            self._filling = False
        self._fit_height()
        self.table.setCurrentCell(row, 0)
        self.table.setFocus()
        self.table.editItem(self.table.item(row, 0))

    def remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows and self.table.currentRow() >= 0:
            rows = [self.table.currentRow()]
        for row in rows:
            self.table.removeRow(row)
        self._fit_height()
        self._notify()

    def _append(self, address: dict[str, Any]) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        for col, (key, _) in enumerate(self.COLUMNS):
            self.table.setItem(row, col, QTableWidgetItem(str(address.get(key) or "")))
        hidden = {k: address.get(k) or "" for k in self.FIELDS}
        self.table.item(row, 0).setData(HIDDEN_ROLE, hidden)
        return row

    def _text(self, row: int, col: int) -> str:
        item = self.table.item(row, col)
        return item.text().strip() if item else ""

    def _fit_height(self) -> None:
        """Tall enough for every row (at least two), so the form scrolls, not the table."""
        default = self.table.verticalHeader().defaultSectionSize()
        heights = [self.table.rowHeight(row) for row in range(self.table.rowCount())]
        height = self.table.horizontalHeader().sizeHint().height()
        height += sum(heights) + default * max(0, 2 - len(heights))
        self.table.setFixedHeight(height + 2 * self.table.frameWidth() + 6)

    def _update_buttons(self) -> None:
        self.remove_button.setEnabled(self.table.rowCount() > 0)

    def _edited(self, _item) -> None:
        if not self._filling:
            self._notify()

    def _notify(self) -> None:
        self._update_buttons()
        if self.on_change is not None:
            self.on_change()


class PhotoBox(QWidget):
    """The contact's photo as a thumbnail, with Choose and Remove; a card's photo
    link is shown as text only and never fetched.

    ``beside`` widgets (the editor's heading) go right of the thumbnail, above the
    buttons, so the photo sits in the editor's header.
    """

    def __init__(self, beside: tuple[QWidget, ...] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_change: OnChange = None
        self._photo: bytes | None = None
        self.thumbnail = QLabel()
        self.thumbnail.setFixedSize(THUMB_EDGE, THUMB_EDGE)
        self.thumbnail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.thumbnail.setStyleSheet(
            "QLabel { border: 1px solid palette(mid); border-radius: 4px; color: gray; }"
        )
        self.choose_button = QPushButton("Choose photo…")
        self.choose_button.setToolTip("Pick an image file; big photos are scaled to 512 px")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove photo")
        self.remove_button.clicked.connect(self.remove)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setStyleSheet(HINT_STYLE)
        self.message.hide()
        self.link = QLabel()
        self.link.setWordWrap(True)
        self.link.setStyleSheet(HINT_STYLE)
        self.link.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.link.setTextFormat(Qt.TextFormat.PlainText)  # imported text, never markup
        self.link.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        side = QVBoxLayout()
        side.setSpacing(4)
        for widget in beside:
            side.addWidget(widget)
        side.addStretch(1)
        side.addLayout(buttons)
        side.addWidget(self.message)
        side.addWidget(self.link)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 8)
        layout.addWidget(self.thumbnail, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(side, 1)
        self.set_value(None)

    def value(self) -> bytes | None:
        return self._photo

    def set_value(self, photo: bytes | None, photo_url: str = "") -> None:
        """Show a stored photo (no change is reported) and the card's photo link."""
        self.message.hide()
        self.link.setText(
            f"Photo link from the imported card (not downloaded): {photo_url}" if photo_url else ""
        )
        self.link.setVisible(bool(photo_url))
        self._show(photo)

    def choose(self) -> None:
        """Ask for an image file and use it."""
        dialog = QFileDialog(self, "Choose a photo")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilter(IMAGE_FILTER)
        if dialog.exec() and dialog.selectedFiles():
            self.load_file(Path(dialog.selectedFiles()[0]))

    def load_file(self, path: Path) -> bool:
        """Use the image in ``path``, scaled down if big; says why when it cannot."""
        try:
            if path.stat().st_size > MAX_PHOTO_INPUT_BYTES:
                data, why = None, "the file is too large to be a photo."
            else:
                data, why = bounded_photo(path.read_bytes())
        except OSError as exc:
            data, why = None, f"it could not be read ({exc.strerror or exc})."
        if data is not None and QPixmap().loadFromData(data) is False:
            data, why = None, "it is not an image this app can show."
        if data is None:
            self._say(f"{path.name} was not used: {why.replace(' and was left out', '')}")
            return False
        self._say(f"{path.name}: {why}" if why else "")
        self._show(data)
        self._notify()
        return True

    def remove(self) -> None:
        self.message.hide()
        self._show(None)
        self._notify()

    def _show(self, photo: bytes | None) -> None:
        self._photo = bytes(photo) if photo else None
        pixmap = QPixmap()
        if self._photo and pixmap.loadFromData(self._photo):
            self.thumbnail.setPixmap(
                pixmap.scaled(
                    THUMB_EDGE,
                    THUMB_EDGE,
                    Qt.AspectRatioMode.KeepAspectRatio,
                    Qt.TransformationMode.SmoothTransformation,
                )
            )
        else:
            self.thumbnail.setPixmap(QPixmap())
            self.thumbnail.setText("No photo" if not self._photo else "Unreadable\nphoto")
        self.remove_button.setEnabled(self._photo is not None)

    def _say(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    def _notify(self) -> None:
        if self.on_change is not None:
            self.on_change()


class UidLabel(QLabel):
    """The vCard UID, small and grey: the link back to the card it came from."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setStyleSheet(HINT_STYLE)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setWordWrap(True)

    def set_uid(self, uid: str) -> None:
        self.setText(f"Card UID: {uid}" if uid else "")
        self.setToolTip("The UID of the imported vCard; exports keep it" if uid else "")
        self.setVisible(bool(uid))
