"""File › Show my card: my vCard as a QR code for someone's phone to scan, and saving it."""

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
)

from netdesk.errors import UserError
from netdesk.services.capture.my_card import my_card_code, require_my_contact, save_my_card
from netdesk.ui.common.messages import show_error

QR_PIXELS = 420  # on screen: a phone camera reads it from arm's length


class MyCardDialog(QDialog):
    def __init__(self, parent, contact) -> None:
        super().__init__(parent)
        self.contact = contact
        self.code = my_card_code(contact)
        self.setWindowTitle("My card")
        org = contact.organization.name if contact.organization_id else ""
        role = " · ".join(_html(p) for p in (contact.title, org) if p)
        title = QLabel(f"<b>{_html(contact.name)}</b><br>{role}")
        title.setTextFormat(Qt.TextFormat.RichText)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.qr = QLabel()
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        pixmap = QPixmap()
        pixmap.loadFromData(self.code.png(QR_PIXELS))
        self.qr.setPixmap(pixmap)
        self.qr.setAccessibleName("QR code of my card")
        note = "Point a phone camera at the code to add this card to its contacts."
        if self.code.left_out:
            note += f" Left out to keep the code quick to scan: {', '.join(self.code.left_out)}."
        self.note = QLabel(note)
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        save_qr = QPushButton("Save &QR code…")
        save_vcf = QPushButton("Save v&Card…")
        buttons.addButton(save_qr, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save_vcf, QDialogButtonBox.ButtonRole.ActionRole)
        save_qr.clicked.connect(lambda: self._save("qr"))
        save_vcf.clicked.connect(lambda: self._save("vcf"))
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.qr, 1)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def _save(self, kind: str) -> None:
        if kind == "qr":
            filters = "PNG picture (*.png);;SVG drawing (*.svg)"
            default = "my-card.png"
        else:
            filters, default = "vCard (*.vcf)", "my-card.vcf"
        name, _ = QFileDialog.getSaveFileName(self, "Save my card", default, filters)
        if name:
            self.save_to(Path(name), kind)

    def save_to(self, path: Path, kind: str) -> None:
        try:
            save_my_card(self.contact, path, kind)
        except (UserError, OSError) as exc:
            show_error(self, exc, "My card")


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def show_my_card(window) -> MyCardDialog | None:
    """Open the dialog, or say how to choose which contact is me."""
    try:
        dialog = MyCardDialog(window, require_my_contact())
    except UserError as exc:
        show_error(window, exc, "My card")
        return None
    window._my_card_dialog = dialog
    dialog.open()
    return dialog
