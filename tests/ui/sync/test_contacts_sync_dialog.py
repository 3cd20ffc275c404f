"""Settings › Contacts sync against a real Radicale: first-sync review, Sync now on a
worker, the status line, and mass deletions asking first."""

from dialogs import answer_modal, click
from PySide6.QtWidgets import QMessageBox

from netdesk.models import CardSyncState, Contact
from netdesk.services.contacts.records import create_contact
from netdesk.services.sync.dav import AddressBookClient


def answering(button: str, texts: list):
    """Answer the next message box with ``button``, keeping its text (it is deleted after)."""

    def act(box):
        texts.append(box.text())
        click(button)(box)

    return act


def test_first_sync_is_reviewed_then_runs_on_a_worker(window, qtbot, radicale, carddav_book):
    from netdesk.ui.sync.contacts_sync_dialog import NOT_YET, open_contacts_sync

    for i in range(4):
        create_contact(given_name=f"Ana{i}", family_name="Silva", emails=[f"a{i}@h.example.org"])
    dialog = open_contacts_sync(window)
    assert dialog.status.text() == NOT_YET
    dialog.grab().save("/tmp/contacts_sync_empty.png")
    dialog.url.setText(carddav_book)
    dialog.user.setText(radicale.user)
    dialog.password.setText("wrong")
    dialog.test_button.click()
    qtbot.waitUntil(lambda: "refused user" in dialog.status.text(), timeout=10000)
    dialog.password.setText(radicale.password)

    asked = []
    answer_modal(qtbot, QMessageBox, answering("No", asked))
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: dialog.status.text() == "Nothing was synced.", timeout=10000)
    assert asked and "4 contact(s) would go to the server" in asked[0]
    assert CardSyncState.select().count() == 0

    answer_modal(qtbot, QMessageBox, click("Yes"))
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: "on the server 4 new" in dialog.status.text(), timeout=15000)
    assert CardSyncState.select().count() == 4
    dialog.close()
    again = open_contacts_sync(window)
    assert again.status.text().startswith("Last sync ") and "4 new" in again.status.text()
    again.grab().save("/tmp/contacts_sync_done.png")


def test_mass_deletion_asks_before_archiving(window, qtbot, radicale, carddav_book):
    from netdesk.services.sync.carddav import sync_contacts
    from netdesk.ui.sync.contacts_sync_dialog import open_contacts_sync

    for i in range(5):
        create_contact(given_name=f"Ben{i}", family_name="Okoye", emails=[f"b{i}@h.example.org"])
    sync_contacts(carddav_book, radicale.user, radicale.password)
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    listing = dav.etag_listing()
    for href in sorted(listing.etags)[:3]:
        dav.delete(href, listing.etags[href])
    dialog = open_contacts_sync(window)
    dialog.url.setText(carddav_book)
    dialog.user.setText(radicale.user)
    dialog.password.setText(radicale.password)
    asked = []
    answer_modal(qtbot, QMessageBox, answering("Yes", asked))
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: "3 archived" in dialog.status.text(), timeout=15000)
    assert "3 of the 5" in asked[0]
    assert Contact.select().where(Contact.archived == True).count() == 3  # noqa: E712


def test_background_sync_runs_only_after_a_reviewed_first_sync(
    window, qtbot, radicale, carddav_book, monkeypatch
):
    from netdesk.services.sync import carddav
    from netdesk.ui.sync.schedule import start_contacts_sync_schedule

    monkeypatch.setenv(carddav.PASSWORD_ENV, radicale.password)
    carddav.save_config(carddav_book, radicale.user, every_minutes=30, on_start=True)
    create_contact(given_name="Cleo", family_name="Diaz", emails=["cleo@h.example.org"])
    schedule = start_contacts_sync_schedule(window)
    assert schedule.timer.isActive() and schedule.timer.interval() == 30 * 60 * 1000
    schedule.run()  # never synced with this book: the first sync waits for the dialog
    assert not schedule.running and CardSyncState.select().count() == 0
    carddav.sync_contacts(carddav_book, radicale.user, radicale.password)
    create_contact(given_name="Dov", family_name="Diaz", emails=["dov@h.example.org"])
    schedule.run()
    qtbot.waitUntil(
        lambda: "on the server 1 new" in window.statusBar().currentMessage(), timeout=15000
    )
    assert CardSyncState.select().count() == 2


def test_the_user_decides_a_conflict_the_other_way(window, qtbot, radicale, carddav_book):
    import re
    from datetime import UTC, datetime

    import time_machine
    from PySide6.QtCore import Qt

    from netdesk.services.history.interactions import timeline
    from netdesk.services.sync.carddav import sync_contacts
    from netdesk.ui.sync.conflicts_dialog import ConflictsDialog
    from netdesk.ui.sync.contacts_sync_dialog import open_contacts_sync

    with time_machine.travel(datetime(2027, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        eve = create_contact(given_name="Eve", family_name="Ross", emails=["eve@h.example.org"])
        sync_contacts(carddav_book, radicale.user, radicale.password)
        eve.title = "Charge Nurse"  # here, at 09:00 (a stale object: it also clears the UID)
        eve.save()
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    href = CardSyncState.get().href
    card = dav.get(href)
    text = re.sub(r"REV:[^\r\n]*", "REV:20270314T120000Z", card.text.replace("\r\n", "\n"))
    text = text.replace("END:VCARD", "TITLE:Nurse Educator\nEND:VCARD")  # there, at 12:00
    dav.put(href, text, card.etag)

    dialog = open_contacts_sync(window)
    dialog.url.setText(carddav_book)
    dialog.user.setText(radicale.user)
    dialog.password.setText(radicale.password)
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: dialog.sync_button.isEnabled(), timeout=15000)
    assert isinstance(getattr(dialog, "conflicts", None), ConflictsDialog), dialog.status.text()
    conflicts = dialog.conflicts
    conflicts.grab().save("/tmp/contacts_sync_conflicts.png")
    assert Contact.get_by_id(eve.id).title == "Nurse Educator"  # the newer one, by default
    assert conflicts.items.count() == 1 and "Charge Nurse" in conflicts.items.item(0).text()
    conflicts.items.item(0).setCheckState(Qt.CheckState.Checked)
    conflicts.accept()
    assert Contact.get_by_id(eve.id).title == "Charge Nurse"  # the user's choice
    assert "Charge Nurse" in dialog.status.text()
    assert any("Nurse Educator" in e.title for e in timeline(eve.id))
    sync_contacts(carddav_book, radicale.user, radicale.password)
    assert "TITLE:Charge Nurse" in dav.get(href).text


def test_the_conflict_rule_is_chosen_in_the_dialog(window, qtbot, radicale, carddav_book):
    """'netdesk's value wins' keeps this computer's value although the server's is newer."""
    import re
    from datetime import UTC, datetime

    import time_machine

    from netdesk.services.sync.carddav import load_config, sync_contacts
    from netdesk.ui.sync.contacts_sync_dialog import open_contacts_sync

    with time_machine.travel(datetime(2027, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        gil = create_contact(given_name="Gil", family_name="Ross", emails=["gil@h.example.org"])
        sync_contacts(carddav_book, radicale.user, radicale.password)
        gil = Contact.get_by_id(gil.id)
        gil.title = "Charge Nurse"  # here, at 09:00
        gil.save()
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    href = CardSyncState.get().href
    card = dav.get(href)
    text = re.sub(r"REV:[^\r\n]*", "REV:20270314T120000Z", card.text.replace("\r\n", "\n"))
    dav.put(href, text.replace("END:VCARD", "TITLE:Nurse Educator\nEND:VCARD"), card.etag)

    dialog = open_contacts_sync(window)
    assert dialog.prefer.currentData() == "newest"  # the documented default
    dialog.url.setText(carddav_book)
    dialog.user.setText(radicale.user)
    dialog.password.setText(radicale.password)
    dialog.prefer.setCurrentIndex(dialog.prefer.findData("mine"))
    dialog.grab().save("/tmp/contacts_sync_prefer.png")
    dialog.sync_button.click()
    qtbot.waitUntil(lambda: getattr(dialog, "conflicts", None) is not None, timeout=15000)
    assert load_config()["prefer"] == "mine"
    assert Contact.get_by_id(gil.id).title == "Charge Nurse"  # ours, though older
    assert "netdesk's value wins" in dialog.conflicts.findChild(type(dialog.status)).text()
    dialog.conflicts.grab().save("/tmp/contacts_sync_prefer_conflicts.png")
    dialog.conflicts.reject()
    assert "TITLE:Charge Nurse" in dav.get(href).text
    dialog.close()
    assert open_contacts_sync(window).prefer.currentData() == "mine"
