"""File > Export contacts as vCard: version, one file or one per contact, optional tag."""

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QVBoxLayout,
)

from netdesk.models import Tag
from netdesk.services.importing.vcard_export import export_vcards
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.workers import run_task


class VCardExportDialog(QDialog):
    def __init__(self, parent) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export contacts as vCard")
        self.version = QComboBox()
        self.version.addItem("vCard 3.0 (Outlook, Google, older phones)", "3.0")
        self.version.addItem("vCard 4.0", "4.0")
        self.split = QCheckBox("One &file per contact (in a folder)")
        self.tag = QComboBox()
        self.tag.addItem("All contacts", "")
        for (name,) in Tag.select(Tag.name).order_by(Tag.name).tuples():
            self.tag.addItem(f"Tagged “{name}”", name)
        form = QFormLayout()
        form.addRow("&Version:", self.version)
        form.addRow("&Contacts:", self.tag)
        form.addRow("", self.split)
        buttons = ok_cancel_buttons(self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Export…")
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)


def export_contacts(window, target: str | None = None) -> None:
    """Ask how and where, then write on a worker (``target`` skips the file dialog)."""
    dialog = VCardExportDialog(window)
    if target is None and dialog.exec() != QDialog.DialogCode.Accepted:
        return
    version, split, tag = (
        dialog.version.currentData(),
        dialog.split.isChecked(),
        dialog.tag.currentData(),
    )
    if target is None:
        if split:
            target = QFileDialog.getExistingDirectory(window, "Export into folder")
        else:
            target, _ = QFileDialog.getSaveFileName(
                window, "Export contacts", "contacts.vcf", "vCard (*.vcf)"
            )
    if not target:
        return

    def write(progress):
        return export_vcards(Path(target), version=version, split=split, tag=tag)

    def done(count: int) -> None:
        window.statusBar().showMessage(f"Exported {count:,} contact(s) to {target}.", 8000)

    window._export_task = run_task(
        window, "Exporting contacts…", write, done, lambda exc: show_error(window, exc, "Export")
    )
