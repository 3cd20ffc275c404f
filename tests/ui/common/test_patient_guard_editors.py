"""Editors warn before saving notes and summaries that look like patient data."""

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from netdesk.models import Contact, Interaction
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import log_interaction
from netdesk.ui.history.dialogs import EntryDialog
from netdesk.ui.history.timeline import TimelineWidget
from tests.ui.dialogs import answer_modal, click, remove_answerers  # noqa: F401

PATIENT = "pt John Smith MRN 00482913 DOB 03/04/1961"
REDACTED = "pt John Smith [redacted mrn] [redacted dob]"


@pytest.fixture(autouse=True)
def _fresh_settings(qapp):
    from netdesk.ui.app import make_application

    make_application()
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture
def page(window):
    window.show_page("contacts")
    return window.page("contacts")


def answer_warning(qtbot, button: str) -> list:
    """Click ``button`` in the next patient-data warning; returns the boxes seen."""

    def act(box: QMessageBox) -> None:
        assert box.objectName() == "patient_data_warning"
        click(button)(box)

    return answer_modal(qtbot, QMessageBox, act)


@pytest.mark.parametrize(
    "button, saved",
    [("Redact and save", f"Met at ASCO. {REDACTED}"), ("Save as written", None)],
)
def test_contact_notes_are_redacted_or_kept_as_written(page, qtbot, window, button, saved):
    ana = create_contact(name="Ana Silva")
    page.refresh()
    page.select_contact(ana.id)
    typed = f"Met at ASCO. {PATIENT}"
    page.editor.notes.setPlainText(typed)
    seen = answer_warning(qtbot, button)
    page.editor.save_button.click()
    assert len(seen) == 1
    assert Contact.get_by_id(ana.id).notes == (saved or typed)
    assert page.editor.notes.toPlainText() == (saved or typed)
    assert window.undo_stack.count() == 1

    # Saving other fields later does not ask again about the stored note.
    page.editor.inputs["title"].setText("CNO")
    page.editor.save_button.click()
    assert len(seen) == 1 and Contact.get_by_id(ana.id).title == "CNO"


def test_contact_edit_button_aborts_the_save(page, qtbot, window):
    ana = create_contact(name="Ana Silva", notes="Mentor.")
    page.refresh()
    page.select_contact(ana.id)
    page.editor.notes.setPlainText(PATIENT)
    seen = answer_warning(qtbot, "Edit")
    page.editor.inputs["title"].setFocus()
    qtbot.keyClick(page.editor.inputs["title"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert len(seen) == 1
    assert Contact.get_by_id(ana.id).notes == "Mentor."
    assert window.undo_stack.count() == 0
    assert page.editor.is_dirty() and page.editor.notes.toPlainText() == PATIENT


def test_clean_notes_save_without_a_warning(page, qtbot):
    ana = create_contact(name="Ana Silva")
    page.refresh()
    page.select_contact(ana.id)
    page.editor.notes.setPlainText("Patient safety summit 3/4/2025, ask about the slides.")
    seen = answer_warning(qtbot, "Edit")
    page.editor.save_button.click()
    assert seen == []
    assert Contact.get_by_id(ana.id).notes.startswith("Patient safety summit")


def test_leaving_with_unsaved_patient_note_and_choosing_edit_stays(page, qtbot):
    ana = create_contact(name="Ana Silva")
    create_contact(name="Ben Okafor")
    page.refresh()
    page.select_contact(ana.id)
    page.editor.notes.setPlainText(PATIENT)
    order: list[str] = []

    def unsaved(box: QMessageBox) -> None:
        order.append(box.text())
        answer_warning(qtbot, "Edit")
        box.button(QMessageBox.StandardButton.Save).click()

    answer_modal(qtbot, QMessageBox, unsaved)
    page.new_contact()
    assert "Save your changes to Ana Silva?" in order[0]
    assert page.editor.contact_id == ana.id  # still editing Ana
    assert Contact.get_by_id(ana.id).notes == ""


@pytest.fixture
def timeline(window, qtbot):
    widget = TimelineWidget(window)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.mark.parametrize(
    "button, summary",
    [("Redact and save", REDACTED), ("Save as written", PATIENT), ("Edit", None)],
)
def test_quick_log_summary(timeline, db, qtbot, window, button, summary):
    ana = create_contact(name="Ana Silva")
    timeline.set_contact(ana.id)
    timeline.quick_summary.setText(PATIENT)
    seen = answer_warning(qtbot, button)
    qtbot.keyClick(timeline.quick_summary, Qt.Key.Key_Return)
    assert len(seen) == 1
    logged = [i.summary for i in Interaction.select()]
    if summary is None:
        assert logged == [] and window.undo_stack.count() == 0
        assert timeline.quick_summary.text() == PATIENT
    else:
        assert logged == [summary]


def _edit_in_dialog(note: str, summary: str | None = None, resource: str = ""):
    """Fill the next EntryDialog and press OK; records whether it closed."""

    def fill() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EntryDialog)
        if resource:
            dialog.resource.setText(resource)
        if summary is not None:
            dialog.summary.setText(summary)
        dialog.note.setPlainText(note)
        dialog.accept()
        fill.accepted = not dialog.isVisible()
        if dialog.isVisible():  # the user chose Edit: still open, cancel it for the test
            fill.text = dialog.note.toPlainText()
            dialog.reject()

    fill.accepted, fill.text = False, ""
    QTimer.singleShot(0, fill)
    return fill


def test_entry_dialog_redacts_note_when_editing_an_interaction(timeline, db, qtbot):
    ana = create_contact(name="Ana Silva")
    call = log_interaction(ana, channel="call", summary="Intro call")
    timeline.set_contact(ana.id)
    timeline.tree.setCurrentItem(timeline.tree.topLevelItem(0))
    seen = answer_warning(qtbot, "Redact and save")
    fill = _edit_in_dialog(f"Asked about {PATIENT}")
    timeline.edit_selected()
    assert fill.accepted and len(seen) == 1
    assert Interaction.get_by_id(call.id).note == f"Asked about {REDACTED}"
    assert Interaction.get_by_id(call.id).summary == "Intro call"


def test_entry_dialog_edit_keeps_the_dialog_open(timeline, db, qtbot):
    ana = create_contact(name="Ana Silva")
    timeline.set_contact(ana.id)
    seen = answer_warning(qtbot, "Edit")
    fill = _edit_in_dialog("ok", summary=PATIENT)
    timeline.milestone_button.click()
    assert len(seen) == 1 and not fill.accepted
    assert Interaction.select().count() == 0


def test_entry_dialog_saves_summary_as_written(timeline, db, qtbot):
    ana = create_contact(name="Ana Silva")
    timeline.set_contact(ana.id)
    seen = answer_warning(qtbot, "Save as written")
    fill = _edit_in_dialog("", summary=f"Slides; {PATIENT}", resource="https://example.org/d")
    timeline.resource_button.click()
    assert fill.accepted and len(seen) == 1
    assert Interaction.get().summary == f"Slides; {PATIENT}"
