"""The OK/Cancel row every small dialog ends with."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox


def ok_cancel_buttons(dialog: QDialog) -> QDialogButtonBox:
    """OK accepts ``dialog`` and Cancel rejects it; relabel OK with ``.button(Ok)``."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
    )
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons
