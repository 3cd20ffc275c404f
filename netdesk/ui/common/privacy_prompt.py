"""The warning an editor shows before saving text that looks like patient data.

Editors call :func:`text_to_save` with what the user typed; it returns the text to
save (as typed, or redacted) or None when the user wants to keep editing. Clean
text passes straight through without a dialog.
"""

from PySide6.QtWidgets import QMessageBox, QWidget

from netdesk.services.data.privacy import KIND_LABELS, check_before_save


def text_to_save(parent: QWidget | None, text: str, what: str = "note") -> str | None:
    """``text``, its redacted form, or None (go back and edit), after asking if needed."""
    check = check_before_save(text)
    if check.ok:
        return text
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Possible patient data",
        f"This {what} looks like it contains patient information:",
        parent=parent,
    )
    box.setObjectName("patient_data_warning")
    found = "\n".join(
        f"•  {KIND_LABELS.get(f.kind, f.kind)}: “{f.excerpt[:60]}”" for f in check.findings[:6]
    )
    box.setInformativeText(
        f"{found}\n\nnetdesk is for professional contacts; patient details do not belong "
        "here. Redact them, save the text as written, or go back and edit it."
    )
    box.setStyleSheet("QLabel#qt_msgbox_informativelabel { min-width: 440px; }")
    box.setDetailedText(f"Saved with redaction, it would read:\n\n{check.redacted}")
    redact = box.addButton("&Redact and save", QMessageBox.ButtonRole.AcceptRole)
    keep = box.addButton("Save &as written", QMessageBox.ButtonRole.DestructiveRole)
    edit = box.addButton("&Edit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(redact)
    box.setEscapeButton(edit)
    box.exec()
    clicked = box.clickedButton()
    if clicked is redact:
        return check.redacted
    if clicked is keep:
        return text
    return None
