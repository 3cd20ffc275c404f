"""The import review shows cards whose notes look like patient data and redacts them."""

import pytest

from netdesk.models import Contact
from tests.ui.importing.test_import_dialog import _forget_last_page, open_review  # noqa: F401

REDACTED = "Asked about a consult: pt John Smith [redacted mrn] [redacted dob]\nCall back Tue."


def grace_notes() -> str:
    return Contact.get(Contact.family_name == "Lee").notes


@pytest.mark.parametrize("redact", [True, False])
def test_review_flags_the_card_and_redacts_unless_unticked(window, qtbot, fixtures, redact):
    dialog = open_review(window, qtbot, [fixtures / "privacy/patient_note.vcf"])
    assert dialog.redact_notes.isVisibleTo(dialog) and dialog.redact_notes.isChecked()
    assert dialog.redact_notes.text() == "&Redact patient-like text in notes"
    assert "1 card(s) have a note that looks like it holds patient data" in (
        dialog.privacy_note.text()
    )
    assert dialog.tabs.tabText(4) == "P&atient data in notes (1)"
    table = dialog.privacy_table
    row = [table.item(0, c).text() for c in range(table.columnCount())]
    assert row == [
        "patient_note.vcf",
        "3",
        "Grace Lee",
        "a medical record / chart number, a date of birth",
    ]
    if redact:
        dialog.tabs.setCurrentIndex(4)
        dialog.grab().save("/tmp/import_patient_data.png")
    else:
        dialog.redact_notes.click()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    assert Contact.select().count() == 3
    if redact:
        assert grace_notes() == REDACTED
    else:
        assert "MRN 00482913 DOB 03/04/1961" in grace_notes()


def test_clean_import_shows_no_privacy_controls(window, qtbot, fixtures):
    dialog = open_review(window, qtbot, [fixtures / "import/iphone_3.0.vcf"])
    assert dialog.redact_notes is None and dialog.privacy_note is None
    assert dialog.tabs.count() == 4
    dialog.reject()
