"""Addresses, photo and card UID in the contact editor, driven like a user."""

import random

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog

from netdesk.models import Address, Contact
from netdesk.services.contacts.records import create_contact

MAX_PHOTO_BYTES = 256 * 1024


@pytest.fixture
def page(window):
    window.show_page("contacts")
    return window.page("contacts")


def open_contact(page, contact):
    page.refresh()
    page.select_contact(contact.id)
    assert page.editor.contact_id == contact.id
    return page.editor


def with_address(**fields):
    contact = create_contact(name="Ana Silva", emails=["ana@mercy.org"], **fields)
    Address.create(
        contact=contact,
        label="work",
        street="2525 S Michigan Ave",
        locality="Chicago",
        region="IL",
        postal_code="60616",
        country="USA",
    )
    return contact


def cities(contact_id):
    query = Address.select().where(Address.contact == contact_id).order_by(Address.id)
    return [a.locality for a in query]


def test_edit_an_address_save_and_undo_brings_the_old_one_back(page, window, qtbot):
    contact = with_address()
    editor = open_contact(page, contact)
    table = editor.addresses.table
    assert table.item(0, 2).text() == "Chicago"
    assert not editor.save_button.isEnabled()
    table.item(0, 2).setText("Evanston")
    assert editor.save_button.isEnabled()
    editor.save_button.click()
    assert cities(contact.id) == ["Evanston"]
    window.undo_stack.undo()
    assert cities(contact.id) == ["Chicago"]
    assert editor.addresses.table.item(0, 2).text() == "Chicago"
    window.undo_stack.redo()
    assert cities(contact.id) == ["Evanston"]


def test_add_and_remove_address_rows(page, qtbot):
    contact = with_address()
    editor = open_contact(page, contact)
    editor.addresses.add_button.click()
    table = editor.addresses.table
    assert table.rowCount() == 2
    assert not editor.is_dirty()  # an empty row is nothing yet
    cell = QApplication.focusWidget()  # Add address opened the new row's label for typing
    qtbot.keyClicks(cell, "home")
    qtbot.keyClick(cell, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: table.item(1, 0).text() == "home")  # Qt commits it queued
    assert editor.is_dirty()
    table.item(1, 1).setText("1 Elm St")
    editor.save_button.click()
    assert cities(contact.id) == ["Chicago", ""]
    table = editor.addresses.table
    table.setFocus()
    table.selectRow(0)
    qtbot.keyClick(table, Qt.Key.Key_Delete)  # Del in the table removes the address
    editor.save_button.click()
    assert [a.street for a in Address.select().where(Address.contact == contact.id)] == ["1 Elm St"]


def write_png(path, size, noisy=False):
    image = Image.new("RGB", size, (30, 90, 160))
    if noisy:  # random pixels do not compress: a big file
        rng = random.Random(1)
        image.putdata(
            [tuple(rng.randrange(256) for _ in range(3)) for _ in range(size[0] * size[1])]
        )
    image.save(path, "PNG")
    return path


def test_choose_photo_through_the_file_dialog(page, qtbot, tmp_path):
    contact = with_address()
    editor = open_contact(page, contact)
    path = write_png(tmp_path / "ana.png", (120, 80))

    def pick():
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(10, pick)
            return
        dialog.selectFile(str(path))
        dialog.accept()

    QTimer.singleShot(0, pick)
    editor.photo.choose_button.click()
    assert editor.photo.value() == path.read_bytes()
    thumb = editor.photo.thumbnail.pixmap()
    assert not thumb.isNull() and max(thumb.width(), thumb.height()) == 96
    editor.save_button.click()
    assert bytes(Contact.get_by_id(contact.id).photo) == path.read_bytes()


def test_big_photo_is_scaled_and_the_user_is_told(page, tmp_path):
    contact = with_address()
    editor = open_contact(page, contact)
    path = write_png(tmp_path / "camera.png", (400, 300), noisy=True)
    assert path.stat().st_size > MAX_PHOTO_BYTES
    assert editor.photo.load_file(path)
    editor.save_button.click()
    stored = bytes(Contact.get_by_id(contact.id).photo)
    assert len(stored) <= MAX_PHOTO_BYTES and stored[:2] == b"\xff\xd8"  # a JPEG
    assert "scaled down" in editor.photo.message.text()


def test_not_an_image_is_refused_with_a_message(page, tmp_path):
    contact = with_address()
    editor = open_contact(page, contact)
    path = tmp_path / "notes.png"
    path.write_bytes(b"this is not a picture")
    assert not editor.photo.load_file(path)
    assert "notes.png was not used" in editor.photo.message.text()
    assert editor.photo.value() is None and not editor.is_dirty()


def test_remove_photo_and_undo(page, window, tmp_path):
    contact = with_address()
    data = write_png(tmp_path / "a.png", (50, 50)).read_bytes()
    Contact.update(photo=data).where(Contact.id == contact.id).execute()
    editor = open_contact(page, contact)
    assert not editor.photo.thumbnail.pixmap().isNull()
    editor.photo.remove_button.click()
    assert editor.photo.thumbnail.pixmap().isNull()
    editor.save_button.click()
    assert Contact.get_by_id(contact.id).photo is None
    window.undo_stack.undo()
    assert bytes(Contact.get_by_id(contact.id).photo) == data
    assert not editor.photo.thumbnail.pixmap().isNull()


def test_uid_and_photo_link_are_shown_read_only(page):
    contact = with_address()
    Contact.update(uid="urn:uuid:1234-abcd", photo_url="https://cards.test/a.jpg").where(
        Contact.id == contact.id
    ).execute()
    editor = open_contact(page, contact)
    assert editor.uid_label.text() == "Card UID: urn:uuid:1234-abcd"
    assert editor.uid_label.isVisible()
    assert "not downloaded" in editor.photo.link.text()
    assert "https://cards.test/a.jpg" in editor.photo.link.text()
    editor.inputs["title"].setText("CNO")
    editor.save_button.click()
    saved = Contact.get_by_id(contact.id)
    assert (saved.uid, saved.photo_url) == ("urn:uuid:1234-abcd", "https://cards.test/a.jpg")
    editor.clear()  # a new contact has no card UID
    assert not editor.uid_label.isVisible()


def test_ctrl_s_saves_a_cell_still_being_typed(page, qtbot):
    contact = with_address()
    editor = open_contact(page, contact)
    table = editor.addresses.table
    table.setFocus()
    table.setCurrentCell(0, 4)
    qtbot.keyClick(table, Qt.Key.Key_F2)
    cell = QApplication.focusWidget()
    cell.selectAll()
    qtbot.keyClicks(cell, "60601")
    assert table.state() == table.State.EditingState  # the cell is still open
    qtbot.keyClick(cell, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert Address.get(Address.contact == contact.id).postal_code == "60601"
