"""The patient-data warning editors show before saving."""

import pytest
from PySide6.QtWidgets import QMessageBox

from netdesk.ui.app import make_application
from netdesk.ui.common.privacy_prompt import text_to_save
from tests.ui.dialogs import answer_modal, click, remove_answerers  # noqa: F401

NOTE = "Great chat at ASCO. pt Smith with CHF, MRN 00482913 - ask about the trial."


@pytest.fixture(autouse=True)
def _app():
    make_application()


def test_clean_text_needs_no_dialog():
    assert text_to_save(None, "Send her the slides from ASCO.") == "Send her the slides from ASCO."


@pytest.mark.parametrize(
    "button, expected",
    [
        (
            "Redact and save",
            "Great chat at ASCO. [redacted diagnosis], [redacted mrn] - ask about the trial.",
        ),
        ("Save as written", NOTE),
        ("Edit", None),
    ],
)
def test_the_user_chooses_redact_keep_or_edit(qtbot, button, expected):
    texts = []

    def answer(box: QMessageBox):
        texts.append(box.text() + "\n" + box.informativeText())
        if button == "Redact and save":
            box.grab().save("/tmp/patient_data_warning.png")
        click(button)(box)

    answer_modal(qtbot, QMessageBox, answer)
    assert text_to_save(None, NOTE) == expected
    assert "patient information" in texts[0] and "medical record" in texts[0]
    assert "“MRN 00482913”" in texts[0] and "“pt Smith with CHF”" in texts[0]
