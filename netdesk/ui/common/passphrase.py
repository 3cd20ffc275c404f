"""Asking for the passphrase of an encrypted database: at start and when restoring a backup."""

from pathlib import Path

from PySide6.QtWidgets import QInputDialog, QLineEdit, QWidget


def ask_passphrase(parent: QWidget | None, path: Path, retry: bool = False) -> str | None:
    """A hidden-text prompt; None when the user cancels."""
    label = f"{path.name} is encrypted. Passphrase:"
    if retry:
        label = f"That passphrase did not open {path.name}. Try again:"
    text, ok = QInputDialog.getText(
        parent, "Encrypted database", label, QLineEdit.EchoMode.Password
    )
    return text if ok and text else None
