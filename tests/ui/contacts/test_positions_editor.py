"""The editor's positions table and the career move an edit records, driven like a user."""

import os

import pytest
from PySide6.QtCore import Qt

from netdesk.models import Contact, FollowUp, Interaction
from netdesk.services.clock import local_today
from netdesk.services.contacts.affiliations import affiliation_rows, set_affiliations
from netdesk.services.contacts.records import create_contact


@pytest.fixture
def page(window):
    window.show_page("contacts")
    return window.page("contacts")


def open_contact(page, contact):
    page.refresh()
    page.select_contact(contact.id)
    assert page.editor.contact_id == contact.id
    return page.editor


def shown(contact_id):
    return [(r["organization"], r["title"], r["primary"]) for r in affiliation_rows(contact_id)]


def ben():
    contact = create_contact(name="Ben Okafor", emails=["ben@stmarys.example.org"])
    set_affiliations(
        contact,
        [
            {"organization": "St Mary's Hospital", "title": "Attending Physician", "primary": True},
            {"organization": "Mayo Clinic", "title": "Consultant", "start_date": "2021-09-01"},
            {"organization": "Lakeside Clinic", "title": "Resident", "end_date": "2018-06-30"},
        ],
    )
    return contact


def test_add_a_position_with_the_keyboard_save_and_undo(page, window, qtbot):
    contact = ben()
    editor = open_contact(page, contact)
    table = editor.positions.table
    assert table.rowCount() == 2 and table.item(0, 0).text() == "Mayo Clinic"
    if os.environ.get("NETDESK_SHOTS"):
        editor.grab().save(os.environ["NETDESK_SHOTS"] + "/editor_positions.png")
    editor.positions.add_button.click()  # the cursor goes to the new row's first cell
    assert table.currentRow() == 2
    qtbot.keyClicks(table.focusWidget() or table, "Northwestern Medicine")
    qtbot.keyClick(table.focusWidget() or table, Qt.Key.Key_Return)
    table.item(2, 1).setText("Adjunct Professor")
    assert editor.save_button.isEnabled() and not editor.career_move_box.isVisible()
    editor.save_button.click()
    assert ("Northwestern Medicine", "Adjunct Professor", False) in shown(contact.id)
    window.undo_stack.undo()
    assert len(shown(contact.id)) == 3


def test_make_primary_swaps_with_the_fields_and_is_no_move(page, qtbot):
    contact = ben()
    editor = open_contact(page, contact)
    editor.positions.table.setCurrentCell(0, 0)
    editor.positions.primary_button.click()
    assert editor.inputs["organization"].text() == "Mayo Clinic"
    assert editor.positions.table.item(0, 0).text() == "St Mary's Hospital"
    assert not editor.career_move_box.isVisible()
    editor.save_button.click()
    assert Contact.get_by_id(contact.id).organization.name == "Mayo Clinic"
    assert ("St Mary's Hospital", "Attending Physician", False) in shown(contact.id)
    assert Interaction.select().count() == 0


def test_a_new_title_in_the_editor_is_a_career_move_undo_removes_it(page, window, qtbot):
    contact = ben()
    editor = open_contact(page, contact)
    editor.inputs["title"].setText("Chief of Cardiology")
    assert editor.career_move_box.isVisible() and editor.career_move.isChecked()
    assert "Attending Physician, St Mary's Hospital → Chief of Cardiology" in (
        editor.career_move_note.text()
    )
    assert editor.minimumSizeHint().width() < 700  # the note wraps, the form stays narrow
    if os.environ.get("NETDESK_SHOTS"):
        editor.grab().save(os.environ["NETDESK_SHOTS"] + "/editor_career_move.png")
    editor.save_button.click()
    (milestone,) = Interaction.select().where(Interaction.kind == "milestone")
    assert milestone.milestone_kind == "promotion"
    assert FollowUp.select().count() == 1
    past = [r for r in affiliation_rows(contact.id) if r["title"] == "Attending Physician"]
    assert past[0]["end_date"] == local_today() and not past[0]["primary"]
    assert editor.positions.table.rowCount() == 3  # the past position shows in the table
    window.undo_stack.undo()
    assert Interaction.select().count() == 0 and FollowUp.select().count() == 0
    assert Contact.get_by_id(contact.id).title == "Attending Physician"


def test_unticked_career_move_is_a_plain_correction(page, qtbot):
    contact = ben()
    editor = open_contact(page, contact)
    editor.inputs["title"].setText("Attending Physician (Cardiology)")
    editor.career_move.setChecked(False)
    editor.save_button.click()
    assert Interaction.select().count() == 0
    assert shown(contact.id)[0] == ("St Mary's Hospital", "Attending Physician (Cardiology)", True)


def test_a_bad_date_in_the_table_is_shown_and_blocks_saving(page, qtbot):
    contact = ben()
    editor = open_contact(page, contact)
    editor.positions.table.item(0, 3).setText("last spring")
    assert not editor.save_button.isEnabled()
    assert "not a date" in editor.status.text() or "Fix" in editor.status.text()


def test_the_organization_filter_includes_second_appointments(page, qtbot):
    contact = ben()
    create_contact(name="Cleo Mayo", organization="Mayo Clinic")
    create_contact(name="Dan Elsewhere", organization="Lakeside Clinic")
    page.refresh()
    combo = page.org_filter
    labels = [combo.itemText(i) for i in range(combo.count())]
    assert labels[0] == "All organizations" and "Mayo Clinic" in labels
    combo.setCurrentIndex(combo.findData("Mayo Clinic"))
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    ids = {page.model.contact_id(r) for r in range(page.model.rowCount())}
    assert ids == {contact.id, Contact.get(Contact.display_name == "Cleo Mayo").id}
