"""The import review's career changes list: ticked records the move, unticked keeps it."""

import os

import pytest
from PySide6.QtCore import QSettings, Qt

from netdesk.models import Contact, FollowUp, Interaction
from netdesk.services.contacts.records import create_contact
from netdesk.ui.importing import import_dialog


@pytest.fixture(autouse=True)
def _forget_last_page():
    yield
    QSettings().remove("window/page")


def open_review(window, qtbot, paths):
    window._import_dialog = None
    import_dialog.import_files(window, paths)
    qtbot.waitUntil(lambda: getattr(window, "_import_dialog", None) is not None, timeout=20000)
    return window._import_dialog


def cards(tmp_path):
    create_contact(
        name="Ana Silva", emails=["ana@mayo.example.org"], organization="Mayo Clinic",
        title="Associate Professor",
    )  # fmt: skip
    create_contact(
        name="Ben Okafor", emails=["ben@stmarys.example.org"], organization="St Mary's Hospital",
        title="Nurse Manager",
    )  # fmt: skip
    path = tmp_path / "aha.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Silva\nEMAIL:ana@mayo.example.org\n"
        "ORG:Mayo Clinic\nTITLE:Professor of Medicine\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ben Okafor\nEMAIL:ben@stmarys.example.org\n"
        "ORG:Northwestern Medicine\nTITLE:Director of Nursing\nEND:VCARD\n"
    )
    return path


def test_career_changes_are_listed_and_each_can_be_unticked(window, qtbot, tmp_path):
    dialog = open_review(window, qtbot, [cards(tmp_path)])
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Ca&reer changes (2)" in titles
    page = dialog.career_page
    dialog.tabs.setCurrentWidget(page)
    assert [page.table.item(r, 3).text() for r in range(2)] == [
        "Associate Professor, Mayo Clinic",
        "Nurse Manager, St Mary's Hospital",
    ]
    assert page.table.item(1, 2).text() == "new position"
    assert "2 career change(s)" in dialog.summary.text()
    if os.environ.get("NETDESK_SHOTS"):
        dialog.resize(900, 420)
        dialog.grab().save(os.environ["NETDESK_SHOTS"] + "/import_career_changes.png")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)  # Ben: keep as he is
    assert page.table.item(1, 0).checkState() == Qt.CheckState.Unchecked
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    ana = Contact.get(Contact.display_name == "Ana Silva")
    ben = Contact.get(Contact.display_name == "Ben Okafor")
    assert ana.title == "Professor of Medicine"
    assert (ben.title, ben.organization.name) == ("Nurse Manager", "St Mary's Hospital")
    assert Interaction.select().where(Interaction.kind == "milestone").count() == 1
    assert FollowUp.select().count() == 1


def test_a_possible_duplicates_change_is_listed_as_if_merged(window, qtbot, tmp_path):
    create_contact(name="Mei Chen", organization="UCSF Health", title="Staff Nurse")
    path = tmp_path / "mei.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Mei Chen\nN:Chen;Mei;;;\nORG:UCSF Health\n"
        "TITLE:Charge Nurse\nEMAIL:mei@ucsf.example.edu\nEND:VCARD\n"
    )
    dialog = open_review(window, qtbot, [path])
    page = dialog.career_page
    assert page.table.item(0, 2).text() == "promotion (if merged)"
    assert "career change" not in dialog.summary.text()  # nothing applies as things stand
    action = dialog.dup_table.cellWidget(0, 4)
    action.setCurrentIndex(action.findData("merge"))
    assert "1 career change(s)" in dialog.summary.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    assert Contact.get().title == "Charge Nurse"
    assert Interaction.select().where(Interaction.kind == "milestone").count() == 1
