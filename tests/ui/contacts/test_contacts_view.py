"""The Contacts page, driven the way a user drives it: keys, clicks, the undo stack."""

import sys
from datetime import datetime

import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from netdesk.models import Contact, Interaction, database
from netdesk.services.contacts.records import create_contact
from netdesk.ui.contacts.table_model import PAGE_SIZE


@pytest.fixture(autouse=True)
def _fresh_settings(qapp):
    """QSettings caches its file per process, so one test's sort must not reach the next."""
    from netdesk.ui.app import make_application

    make_application()
    QSettings().clear()
    yield
    QSettings().clear()  # nor this module's last page reach other modules' tests


@pytest.fixture
def page(window):
    window.show_page("contacts")
    return window.page("contacts")


def shown_names(page) -> list[str]:
    return [page.model.index(r, 0).data() for r in range(page.model.rowCount())]


def type_into(qtbot, widget, text: str) -> None:
    """Type like a user; QTest only types ASCII, so accented text is pasted."""
    widget.setFocus()
    widget.selectAll()
    if text.isascii():
        qtbot.keyClicks(widget, text)
    else:
        widget.insert(text)


def answer_next_dialog(button_text: str, seen: list[str]) -> None:
    """Click ``button_text`` in the next modal message box, recording its text."""

    tries = iter(range(200))

    def click() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            if next(tries, None) is not None:
                QTimer.singleShot(10, click)
            return
        seen.append(box.text())
        next(b for b in box.buttons() if b.text().replace("&", "") == button_text).click()

    QTimer.singleShot(0, click)


def test_empty_database_shows_the_import_hint(page):
    assert page.list_stack.currentWidget() is page.empty
    assert "Import vCards" in page.empty.text()


def test_add_a_contact_through_the_editor_then_find_it_by_typing(page, qtbot, window):
    create_contact(name="Ben Okafor")
    page.refresh()
    qtbot.keyClick(page.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    editor = page.editor
    assert editor.contact_id is None
    assert not editor.save_button.isEnabled()
    type_into(qtbot, editor.inputs["given_name"], "José")
    type_into(qtbot, editor.inputs["family_name"], "Álvarez")
    editor.inputs["emails"].setPlainText("jose@clinica.es")
    type_into(qtbot, editor.inputs["organization"], "Clínica Mayor")
    editor.role.setCurrentIndex(editor.role.findData("physician"))
    type_into(qtbot, editor.inputs["tags"], "AHA 2026")
    assert editor.save_button.isEnabled()
    qtbot.keyClick(editor.inputs["family_name"], Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    saved = Contact.get(Contact.family_name == "Álvarez")
    assert saved.organization.name == "Clínica Mayor"
    assert saved.role == "physician"
    assert page.selected_ids() == [saved.id]
    assert page.editor.contact_id == saved.id
    assert not page.editor.is_dirty() and not page.editor.save_button.isEnabled()
    assert window.undo_stack.count() == 1

    qtbot.keyClick(page.table, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert page.search.hasFocus()
    qtbot.keyClicks(page.search, "alva")
    qtbot.waitUntil(lambda: shown_names(page) == ["José Álvarez"])
    qtbot.keyClick(page.search, Qt.Key.Key_Escape)
    assert page.search.text() == ""
    assert len(shown_names(page)) == 2

    qtbot.keyClicks(page.search, "zzz")
    qtbot.waitUntil(lambda: page.list_stack.currentWidget() is page.no_match)
    assert "zzz" in page.no_match.text()


def test_edit_is_undoable(page, qtbot, window):
    contact = create_contact(name="Ana Silva", emails=["ana@mercy.org"])
    page.refresh()
    page.select_contact(contact.id)
    type_into(qtbot, page.editor.inputs["title"], "Chief Nursing Officer")
    page.editor.save_button.click()
    assert Contact.get_by_id(contact.id).title == "Chief Nursing Officer"
    window.undo_stack.undo()
    assert Contact.get_by_id(contact.id).title == ""
    assert page.editor.inputs["title"].text() == ""
    window.undo_stack.redo()
    assert Contact.get_by_id(contact.id).title == "Chief Nursing Officer"


def test_sort_by_organization_and_last_contact(page):
    a = create_contact(name="Ana Silva", organization="Mercy")
    b = create_contact(name="Ben Okafor", organization="Providence")
    c = create_contact(name="Chidi Zulu", organization="Cleveland Clinic")
    for contact, day in ((a, 3), (b, 1), (c, 2)):
        Interaction.create(contact=contact, summary="met", occurred_at=datetime(2026, 1, day))
        contact.last_interaction_at = datetime(2026, 1, day)
        contact.save()
    page.refresh()
    assert shown_names(page) == ["Ben Okafor", "Ana Silva", "Chidi Zulu"]
    page.table.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert shown_names(page) == ["Chidi Zulu", "Ana Silva", "Ben Okafor"]
    page.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert shown_names(page) == ["Ana Silva", "Chidi Zulu", "Ben Okafor"]
    assert page.model.index(0, 3).data() == "03 Jan 2026"
    assert QSettings().value("contacts/sort") == "last_contact"


def test_filter_by_tag_and_role(page, qtbot):
    create_contact(name="Ana Silva", role="nurse", tags=["AHA 2026"])
    create_contact(name="Ben Okafor", role="physician", tags=["AHA 2026"])
    create_contact(name="Chidi Zulu", role="nurse")
    page.refresh()
    page.tag_filter.setCurrentIndex(page.tag_filter.findData("AHA 2026"))
    assert shown_names(page) == ["Ben Okafor", "Ana Silva"]
    page.role_filter.setCurrentIndex(page.role_filter.findData("nurse"))
    assert shown_names(page) == ["Ana Silva"]
    page.clear_filters()
    assert len(shown_names(page)) == 3


def test_archive_hides_and_undo_brings_back(page, window):
    a = create_contact(name="Ana Silva")
    create_contact(name="Ben Okafor")
    page.refresh()
    page.select_contact(a.id)
    page.archive_button.click()
    assert Contact.get_by_id(a.id).archived
    assert shown_names(page) == ["Ben Okafor"]
    page.archived_toggle.setChecked(True)
    assert shown_names(page) == ["Ben Okafor", "Ana Silva"]
    window.undo_stack.undo()
    assert not Contact.get_by_id(a.id).archived


def test_delete_several_asks_what_goes_and_ctrl_z_restores(page, qtbot, window):
    a = create_contact(name="Ana Silva", emails=["ana@mercy.org"], tags=["AHA 2026"])
    b = create_contact(name="Ben Okafor")
    create_contact(name="Chidi Zulu")
    Interaction.create(contact=a, summary="Coffee at the poster session")
    page.refresh()
    page.table.setFocus()
    page.table.selectRow(0)  # Ben
    page.table.selectionModel().select(
        page.model.index(1, 0),
        page.table.selectionModel().SelectionFlag.Select
        | page.table.selectionModel().SelectionFlag.Rows,
    )
    assert sorted(page.selected_ids()) == sorted([a.id, b.id])

    seen: list[str] = []
    answer_next_dialog("Cancel", seen)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert Contact.select().count() == 3
    assert len(seen) == 1
    page.table.setFocus()  # the closed dialog hands focus back to the list
    answer_next_dialog("Delete", seen)
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(seen) == 2
    assert "Delete 2 contacts" in seen[-1]
    assert "Ana Silva" in seen[-1] and "1 timeline entry" in seen[-1]
    assert [c.name for c in Contact.select()] == ["Chidi Zulu"]
    assert shown_names(page) == ["Chidi Zulu"]

    window.activateWindow()  # shortcuts need the active window; the dialog just closed
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(page.table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert Contact.select().count() == 3
    restored = Contact.get_by_id(a.id)
    assert [m.value for m in restored.methods] == ["ana@mercy.org"]
    assert Interaction.select().where(Interaction.contact == a.id).count() == 1
    assert sorted(shown_names(page)) == ["Ana Silva", "Ben Okafor", "Chidi Zulu"]


def test_validation_blocks_bad_email_and_npi(page, qtbot):
    editor = page.editor
    page.new_contact()
    type_into(qtbot, editor.inputs["given_name"], "Jane")
    assert editor.save_button.isEnabled()
    editor.inputs["emails"].setPlainText("jane@stmarys")
    assert not editor.save_button.isEnabled()
    assert "not a valid email" in editor.errors["emails"].text()
    editor.inputs["emails"].setPlainText("jane@stmarys.org")
    type_into(qtbot, editor.inputs["npi"], "1234567890")
    assert not editor.save_button.isEnabled()
    assert "check digit" in editor.errors["npi"].text()
    assert not editor.errors["npi"].isHidden()
    type_into(qtbot, editor.inputs["npi"], "1234567893")
    assert editor.save_button.isEnabled()
    assert editor.errors["npi"].isHidden()
    type_into(qtbot, editor.inputs["anniversary"], "2020-13-01")
    assert not editor.save_button.isEnabled()
    assert "not a date" in editor.errors["anniversary"].text()
    type_into(qtbot, editor.inputs["anniversary"], "2020-06-01")
    assert editor.save_button.isEnabled()
    editor.inputs["urls"].setPlainText("linkedin.com/in/jane\njavascript:alert(1)")
    assert not editor.save_button.isEnabled()
    assert "cannot be saved as a link" in editor.errors["urls"].text()
    editor.inputs["urls"].setPlainText("linkedin.com/in/jane")
    assert editor.save_button.isEnabled()
    editor.inputs["phones"].setPlainText("12")
    assert not editor.save_button.isEnabled()
    editor.save()  # Ctrl+S / Enter on an invalid form does nothing
    assert Contact.select().count() == 0


def test_lazy_fetch_holds_a_page_at_a_time(page, qtbot):
    with database.atomic():
        Contact.insert_many(
            [
                {"given_name": f"Person{i:04d}", "family_name": "Test", "sort_key": f"{i:04d}"}
                for i in range(1000)
            ]
        ).execute()
    page.refresh()
    model = page.model
    assert (model.total, model.total_is_exact) == (PAGE_SIZE, False)  # not counted yet
    assert page.count_label.text() == f"{PAGE_SIZE}+ contacts"
    qtbot.waitUntil(lambda: model.total_is_exact)  # counted once the page is shown
    assert model.total == 1000
    assert model.rowCount() == PAGE_SIZE < 1000
    assert model.canFetchMore()
    model.fetchMore()
    assert model.rowCount() == 2 * PAGE_SIZE
    assert page.count_label.text() == "1,000 contacts"
    page.table.scrollToBottom()
    assert model.rowCount() <= 3 * PAGE_SIZE


def test_selected_contact_is_remembered(page, window, qtbot):
    from netdesk.ui.main_window import MainWindow

    a = create_contact(name="Ana Silva")
    create_contact(name="Ben Okafor")
    page.refresh()
    page.table.selectRow(1)  # sorted by family name: Okafor, Silva
    assert page.selected_ids() == [a.id]
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    again.show_page("contacts")
    assert again.page("contacts").selected_ids() == [a.id]
    assert again.page("contacts").editor.contact_id == a.id


def test_enter_opens_the_editor(page, qtbot):
    create_contact(name="Ana Silva")
    page.refresh()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.editor.inputs["given_name"].hasFocus()
    assert page.editor.inputs["given_name"].text() == "Ana"


def test_unsaved_edits_are_not_lost_when_choosing_someone_else(page, qtbot):
    ana = create_contact(name="Ana Silva")
    ben = create_contact(name="Ben Okafor")
    page.refresh()
    page.select_contact(ana.id)
    type_into(qtbot, page.editor.inputs["title"], "CNO")
    seen: list[str] = []

    answer_next_dialog("Cancel", seen)
    page.table.selectRow(0)  # Ben
    assert "Save your changes to Ana Silva?" in seen[-1]
    assert page.selected_ids() == [ana.id]
    assert page.editor.inputs["title"].text() == "CNO"

    answer_next_dialog("Save", seen)
    page.table.selectRow(0)
    assert Contact.get_by_id(ana.id).title == "CNO"
    assert page.selected_ids() == [ben.id]
    assert page.editor.contact_id == ben.id

    type_into(qtbot, page.editor.inputs["title"], "Hospitalist")
    answer_next_dialog("Discard", seen)
    page.new_contact()
    assert Contact.get_by_id(ben.id).title == ""
    assert page.editor.contact_id is None
    assert len(seen) == 3


TIMELINE_MODULE = """
from PySide6.QtWidgets import QLabel


class TimelineWidget(QLabel):
    def __init__(self, window):
        super().__init__()
        self.window_ = window
        self.shown = []

    def set_contact(self, contact_id):
        self.shown.append(contact_id)
"""


def test_timeline_tab_appears_when_the_timeline_module_exists(db, qtbot, tmp_path, monkeypatch):
    import netdesk.ui.history
    from netdesk.ui.main_window import MainWindow

    (tmp_path / "timeline.py").write_text(TIMELINE_MODULE)
    monkeypatch.setattr(
        netdesk.ui.history, "__path__", [str(tmp_path), *netdesk.ui.history.__path__]
    )
    monkeypatch.delitem(sys.modules, "netdesk.ui.history.timeline", raising=False)
    ana = create_contact(name="Ana Silva")
    window = MainWindow()
    qtbot.addWidget(window)
    window.show_page("contacts")
    page = window.page("contacts")
    assert [page.tabs.tabText(i) for i in range(page.tabs.count())] == ["&Details", "&Timeline"]
    page.select_contact(ana.id)
    assert page.timeline.shown[-1] == ana.id
    page.new_contact()
    assert page.timeline.shown[-1] is None
    sys.modules.pop("netdesk.ui.history.timeline", None)


def test_without_the_timeline_module_there_is_only_details(db, qtbot, monkeypatch):
    from netdesk.ui.contacts import view as contacts_view
    from netdesk.ui.main_window import MainWindow

    monkeypatch.setattr(contacts_view, "TIMELINE_MODULE", "netdesk.ui.no_such_timeline")
    window = MainWindow()
    qtbot.addWidget(window)
    page = window.page("contacts")
    assert page.tabs.count() == 1 and page.timeline is None
