"""Organizations in the window: the list marker, the kind filter, the editor and the review."""

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from netdesk.models import Contact
from netdesk.services.contacts.records import create_contact
from netdesk.services.importing.importer import commit_plan, plan_import
from netdesk.ui.importing import import_dialog

SHOTS = Path(os.environ.get("NETDESK_SHOTS", "")) if os.environ.get("NETDESK_SHOTS") else None


@pytest.fixture(autouse=True)
def _forget_page():
    yield
    QSettings().remove("window/page")


@pytest.fixture
def page(window, fixtures):
    for name in ("apple_company_3.0.vcf", "org_4.0.vcf", "outlook_company_2.1.vcf"):
        commit_plan(plan_import([fixtures / "import" / name]))
    create_contact(name="Ana Silva", organization="Hôpital Saint-Éloi", role="nurse")
    window.show_page("contacts")
    page = window.page("contacts")
    page.refresh()
    return page


def shown(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def test_list_marks_organizations_and_filters_by_kind(page, qtbot, window):
    assert shown(page) == [
        "ACME Inc. (organization)",
        "Boston Scientific (organization)",
        "Medtronic Exhibit Booth (organization)",
        "Maria Reyes",
        "Ana Silva",
    ]
    page.kind_filter.setFocus()
    qtbot.keyClick(page.kind_filter, Qt.Key.Key_Down)  # keyboard: "People only"
    assert page.kind_filter.currentData() == "person"
    assert shown(page) == ["Maria Reyes", "Ana Silva"]
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("org"))
    assert shown(page) == [
        "ACME Inc. (organization)",
        "Boston Scientific (organization)",
        "Medtronic Exhibit Booth (organization)",
    ]
    page.table.selectRow(1)
    assert page.editor.is_org.isChecked()
    assert page.editor.heading.text() == "Boston Scientific (organization)"
    assert page.editor.inputs["display_name"].text() == "Boston Scientific"
    if SHOTS:
        window.resize(1366, 768)
        window.grab().save(str(SHOTS / "contacts_organizations.png"))
    page.clear_filters()
    assert page.kind_filter.currentIndex() == 0 and len(shown(page)) == 5


def test_editor_turns_a_person_into_an_organization_and_back(page, qtbot):
    ana = Contact.get(Contact.family_name == "Silva")
    page.select_contact(ana.id)
    editor = page.editor
    assert not editor.is_org.isChecked()
    editor.inputs["title"].setFocus()
    qtbot.keyClick(editor.inputs["title"], Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(editor.is_org.isChecked)  # Alt+O, the checkbox's mnemonic, ticks it
    assert editor.is_org.hasFocus() and editor.save_button.isEnabled()
    assert editor.inputs["display_name"].placeholderText() == "the organization's name"
    editor.save_button.click()
    qtbot.waitUntil(lambda: Contact.get_by_id(ana.id).kind == "org")
    assert "Ana Silva (organization)" in shown(page)
    editor.is_org.setChecked(False)
    editor.save_button.click()
    qtbot.waitUntil(lambda: Contact.get_by_id(ana.id).kind == "person")


def test_review_shows_groups_and_organizations(window, qtbot, fixtures):
    window._import_dialog = None
    import_dialog.import_files(window, [fixtures / "import/apple_group_3.0.vcf"])
    qtbot.waitUntil(lambda: getattr(window, "_import_dialog", None) is not None, timeout=20000)
    dialog = window._import_dialog
    tabs = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert tabs[:2] == ["&New (2)", "&Duplicates (0)"] and "&Groups (1)" in tabs
    names = [dialog.new_table.item(r, 0).text() for r in range(dialog.new_table.rowCount())]
    assert names == ["Maria Reyes", "Boston Scientific (organization)"]
    row = [dialog.group_table.item(0, c).text() for c in range(5)]
    assert row == [
        "apple_group_3.0.vcf",
        "2",
        "Exhibitors 2026",
        "2: Maria Reyes, Boston Scientific",
        "1: urn:uuid:11111111-2222-4333-8444-555555555555",
    ]
    assert "Exhibitors 2026" in dialog.problem_table.item(0, 3).text()
    if SHOTS:
        dialog.tabs.setCurrentIndex(tabs.index("&Groups (1)"))
        dialog.grab().save(str(SHOTS / "import_review_groups.png"))
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    assert Contact.select().count() == 2
    dialog.close()
