"""Capture in the window: paste a QR screenshot, review a business card next to its photo,
drop a badge photo, choose and show my card, and no Camera page without a camera."""

import os
from pathlib import Path

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QImage

from netdesk.models import Contact, Event, get_setting
from netdesk.services.capture.card_text import fold
from netdesk.services.capture.codes import find_codes
from netdesk.services.capture.ocr import tesseract_available
from netdesk.services.contacts.records import contact_to_dict, create_contact
from netdesk.ui.importing import import_dialog
from tests.capture.samples import CARDS, badge_photo, card_photo, qr_image

MECARD = "MECARD:N:Doe,Jane;ORG:OHSU;TEL:+15035550142;EMAIL:jane.doe@ohsu.example.edu;;"


@pytest.fixture
def shots(tmp_path) -> Path:
    """Where screenshots go: tmp, or docs/screenshots with NETDESK_SCREENSHOTS=docs/screenshots."""
    return Path(os.environ.get("NETDESK_SCREENSHOTS") or tmp_path)


@pytest.fixture(autouse=True)
def _forget_last_page():
    yield
    QSettings().remove("window/page")


def wait_review(window, qtbot):
    qtbot.waitUntil(lambda: getattr(window, "_import_dialog", None) is not None, timeout=60000)
    return window._import_dialog


def commit(dialog, qtbot):
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)


def test_pasting_a_qr_screenshot_opens_the_review(window, qtbot):
    from netdesk.ui.capture.paste import paste_to_import

    screenshot = qr_image(MECARD).convert("RGBA")
    qimage = QImage(screenshot.tobytes(), *screenshot.size, QImage.Format.Format_RGBA8888)
    QGuiApplication.clipboard().setImage(qimage.copy())
    window._import_dialog = None
    path = paste_to_import(window)
    assert path is not None and path.suffix == ".png"
    dialog = wait_review(window, qtbot)
    assert dialog.tabs.tabText(0) == "&New (1)"
    assert dialog.new_table.item(0, 0).text() == "Jane Doe"
    qtbot.keyClicks(dialog.event_name, "OHSU Nursing Research Day")
    commit(dialog, qtbot)
    jane = Contact.get(Contact.family_name == "Doe")
    assert [e["name"] for e in contact_to_dict(jane)["events"]] == ["OHSU Nursing Research Day"]


def test_paste_with_nothing_useful_says_so(window):
    from netdesk.ui.capture.paste import paste_to_import

    QGuiApplication.clipboard().setText("just words")
    window._import_dialog = None
    assert paste_to_import(window) is None
    assert "no picture or contact file" in window.statusBar().currentMessage()
    assert window._import_dialog is None


def test_dropping_a_badge_photo_opens_the_review(window, qtbot, tmp_path):
    path = tmp_path / "badge.jpg"
    badge_photo([MECARD]).save(path)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    window._import_dialog = None
    window.dropEvent(
        QDropEvent(
            QPointF(window.rect().center()),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    dialog = wait_review(window, qtbot)
    assert dialog.plan.source == "qr" and dialog.new_table.rowCount() == 1
    dialog.reject()
    assert Contact.select().count() == 0


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_business_card_review_shows_photo_and_editable_fields(window, qtbot, tmp_path, shots):
    path = tmp_path / "card.jpg"
    card_photo(CARDS[0], "left").save(path, quality=90)
    window._import_dialog = None
    import_dialog.import_files(window, [path])
    dialog = wait_review(window, qtbot)
    page = dialog.card_page
    assert dialog.tabs.currentWidget() is page
    assert dialog.tabs.tabText(dialog.tabs.currentIndex()) == "Business &cards (1)"
    assert page.photo.pixmap() is not None and not page.photo.pixmap().isNull()
    assert page.boxes["display_name"].text() == "Chidi Okafor"
    assert page.boxes["credentials"].text() == "MD, FACC"
    assert page.boxes["organization"].text() == "Mayo Clinic"
    assert "Okafor" in page.ocr_text.toPlainText()
    page.boxes["title"].selectAll()
    qtbot.keyClicks(page.boxes["title"], "Consultant Cardiologist")
    page.boxes["email"].selectAll()
    qtbot.keyClicks(page.boxes["email"], "c.okafor@mayo.example.org, chidi@example.org")
    dialog.resize(1100, 700)
    dialog.grab().save(str(shots / "import_business_card.png"))
    qtbot.keyClicks(dialog.event_name, "ACC.27")
    commit(dialog, qtbot)
    saved = contact_to_dict(Contact.get(Contact.family_name == "Okafor"))
    assert saved["title"] == "Consultant Cardiologist"
    assert saved["emails"] == ["c.okafor@mayo.example.org", "chidi@example.org"]
    assert Contact.get(Contact.family_name == "Okafor").photo  # the card photo is kept
    assert Event.get().name == "ACC.27"


def test_no_camera_page_without_a_camera(window):
    from netdesk.ui.capture.camera_page import camera_available

    assert not camera_available()  # this machine has none
    assert "camera" not in window.pages
    assert "Camera" not in [window.sidebar.item(i).text() for i in range(window.sidebar.count())]


def test_choose_my_card_in_settings_then_show_it(window, qtbot, tmp_path, shots):
    from netdesk.ui.capture.my_card_dialog import show_my_card
    from netdesk.ui.settings.settings_dialog import open_settings

    ana = create_contact(
        name="Ana Silva",
        credentials="PharmD",
        organization="Providence Health",
        title="Director of Pharmacy",
        emails=["ana.silva@providence.example.org"],
        phones=["+1 503 555 0142"],
    )
    create_contact(name="Anand Rao", organization="Kaiser Permanente")
    settings = open_settings(window)
    chooser = settings.my_card
    qtbot.keyClicks(chooser.search, "Ana S")
    choices = chooser.model.stringList()
    assert choices == [f"Ana Silva — Providence Health (#{ana.id})"]
    chooser.search.completer().activated.emit(choices[0])
    settings.grab().save(str(shots / "settings_my_card.png"))
    settings.save_and_close()
    assert get_setting("my_card.contact_id") == ana.id

    dialog = show_my_card(window)
    assert dialog is not None
    image = dialog.qr.pixmap().toImage()
    path = tmp_path / "shown.png"
    image.save(str(path))
    [code] = find_codes(Image.open(path))
    assert "FN:Ana Silva\\, PharmD" in code.text and "PHOTO" not in code.text
    dialog.grab().save(str(shots / "my_card.png"))
    dialog.save_to(tmp_path / "me.svg", "qr")
    assert (tmp_path / "me.svg").read_text().lstrip().startswith("<?xml")
    dialog.reject()


def test_show_my_card_without_a_choice_explains(window, qtbot):
    from PySide6.QtWidgets import QMessageBox

    from netdesk.ui.capture.my_card_dialog import show_my_card
    from tests.ui.dialogs import answer_modal, click, remove_answerers  # noqa: F401

    seen = answer_modal(qtbot, QMessageBox, click("OK"))
    assert show_my_card(window) is None
    assert "Settings › My card" in seen[0].text()


def test_ctrl_v_in_a_text_box_still_pastes_text(window, qtbot):
    window.show_page("contacts")
    search = window.page("contacts").search
    search.setFocus()
    qtbot.waitUntil(search.hasFocus)
    QGuiApplication.clipboard().setText("Okafor")
    window._import_dialog = None
    qtbot.keyClick(search, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    assert search.text() == "Okafor"
    assert window._import_dialog is None
    assert "no picture" not in window.statusBar().currentMessage()


def test_paste_to_import_is_in_the_edit_menu_with_ctrl_v(window):
    actions = {a.text(): a for a in window.menus["Edit"].actions()}
    paste = actions["&Paste to import (picture or files)"]
    assert paste.shortcut().toString() == "Ctrl+V" and paste.isEnabled()


@pytest.mark.skipif(not tesseract_available(), reason="tesseract is not installed")
def test_several_cards_are_listed_and_a_known_person_is_flagged(window, qtbot, tmp_path):
    create_contact(name="Anna Schmidt", emails=["anna.schmidt@med.uni-heidelberg.example.de"])
    paths = []
    for number, (card, layout) in enumerate(((CARDS[3], "left"), (CARDS[7], "centered"))):
        paths.append(tmp_path / f"card{number}.jpg")
        card_photo(card, layout, seed=number).save(paths[-1], quality=90)
    window._import_dialog = None
    import_dialog.import_files(window, paths)
    dialog = wait_review(window, qtbot)
    page = dialog.card_page
    assert page.cards.isVisibleTo(page) and page.cards.count() == 2
    assert page.boxes["display_name"].text() == "Anna Schmidt"
    assert "Matches a contact netdesk already has" in page.match.text()
    page.cards.setCurrentRow(1)
    assert fold(page.boxes["display_name"].text()) == "lucia fernandez"  # OCR may drop accents
    assert page.match.text() == ""
    assert dialog.tabs.tabText(1) == "&Duplicates (1)"
    dialog.reject()
