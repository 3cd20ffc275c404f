"""The import flow in the window: review dialog, duplicates, problems, cancel, undo, export."""

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QCheckBox, QComboBox, QDialogButtonBox

from netdesk.models import Contact, Event, ImportBatch
from netdesk.services.contacts.records import contact_to_dict, create_contact
from netdesk.ui.importing import import_dialog
from netdesk.ui.importing.import_dialog import ColumnMappingDialog, ImportReviewDialog


@pytest.fixture(autouse=True)
def _forget_last_page():
    """Showing the Imports page is remembered in QSettings; do not leak it to other tests."""
    yield
    QSettings().remove("window/page")


def many_cards(tmp_path, n=2500):
    path = tmp_path / "many.vcf"
    path.write_text(
        "".join(
            f"BEGIN:VCARD\nVERSION:3.0\nFN:Person {i}\nEMAIL:p{i}@example.org\nEND:VCARD\n"
            for i in range(n)
        )
    )
    return path


def open_review(window, qtbot, paths) -> ImportReviewDialog:
    window._import_dialog = None
    import_dialog.import_files(window, paths)
    qtbot.waitUntil(lambda: getattr(window, "_import_dialog", None) is not None, timeout=20000)
    return window._import_dialog


def test_review_then_commit_links_event_and_tag(window, qtbot, fixtures):
    dialog = open_review(
        window, qtbot, [fixtures / "import/iphone_3.0.vcf", fixtures / "import/broken.vcf"]
    )
    assert [dialog.tabs.tabText(i) for i in range(4)] == [
        "&New (4)",
        "&Duplicates (0)",
        "Identical, &skipped (0)",
        "&Problems (5)",
    ]
    assert dialog.problem_table.item(0, 1).text() == "2"
    assert dialog.problem_table.item(0, 2).text() == "6"
    assert "FN:Card Without End" in dialog.original.toPlainText()
    assert Contact.select().count() == 0  # nothing written while reviewing
    qtbot.keyClicks(dialog.event_name, "AHA Scientific Sessions 2026")
    dialog.event_kind.setCurrentText("symposium")
    qtbot.keyClicks(dialog.tag, "aha")
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    assert Contact.select().count() == 4
    event = Event.get()
    assert (event.name, event.kind) == ("AHA Scientific Sessions 2026", "symposium")
    okafor = Contact.get(Contact.family_name == "Okafor")
    assert "aha" in contact_to_dict(okafor)["tags"]
    window.show_page("imports")
    page = window.page("imports")
    assert page.table.rowCount() == 1 and page.table.item(0, 2).text() == event.name
    assert page.problem_table.rowCount() == 5


def test_duplicate_side_by_side_choice(window, qtbot, tmp_path):
    # (a new title is a career change, not a field choice: test_career_review.py)
    existing = create_contact(
        name="Ana Silva", emails=["ana@prov.example.org"], specialty="Oncology pharmacy"
    )
    path = tmp_path / "ana.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Silva\nEMAIL:ana@prov.example.org\n"
        "X-NETDESK-SPECIALTY:Pediatric pharmacy\nTEL:+1 503 555 0142\nEND:VCARD\n"
    )
    dialog = open_review(window, qtbot, [path])
    assert dialog.tabs.tabText(1) == "&Duplicates (1)"
    assert dialog.compare.item(0, 0).text() == "Specialty"
    assert dialog.compare.item(0, 1).text() == "Oncology pharmacy"
    assert dialog.compare.item(0, 2).text() == "Pediatric pharmacy"
    adds = [dialog.compare.item(r, 2).text() for r in range(dialog.compare.rowCount())]
    assert "phone +1 503 555 0142" in adds
    dialog.compare.cellWidget(0, 3).setChecked(True)
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    d = contact_to_dict(Contact.get_by_id(existing.id))
    assert d["specialty"] == "Pediatric pharmacy" and d["phones"] == ["+1 503 555 0142"]
    assert Contact.select().count() == 1


def test_possible_duplicate_action_can_be_switched_to_merge(window, qtbot, tmp_path):
    existing = create_contact(name="Mei Chen", organization="UCSF Health")
    path = tmp_path / "mei.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Mei Chen\nN:Chen;Mei;;;\nORG:UCSF Health\n"
        "EMAIL:mei@ucsf.example.edu\nEND:VCARD\n"
    )
    dialog = open_review(window, qtbot, [path])
    action: QComboBox = dialog.dup_table.cellWidget(0, 4)
    assert action.currentData() == "new"
    action.setCurrentIndex(action.findData("merge"))
    assert "merge 1" in dialog.summary.text()
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    assert Contact.select().count() == 1
    assert contact_to_dict(Contact.get_by_id(existing.id))["emails"] == ["mei@ucsf.example.edu"]


def test_cancel_while_reading_writes_nothing(window, qtbot, tmp_path):
    import_dialog.import_files(window, [many_cards(tmp_path)])
    window._import_task.progress.cancel()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=20000)
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0


def test_cancel_while_committing_writes_nothing(window, qtbot, tmp_path):
    dialog = open_review(window, qtbot, [many_cards(tmp_path)])
    qtbot.keyClicks(dialog.event_name, "Cancelled Summit")
    dialog.commit()
    dialog.task.progress.cancel()
    qtbot.waitUntil(lambda: "cancelled" in window.statusBar().currentMessage(), timeout=20000)
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0
    assert Event.select().count() == 0 and dialog.import_button.isEnabled()


def test_unknown_csv_column_mapping_step(window, qtbot, fixtures):
    def answer():
        dialogs = [d for d in window.findChildren(ColumnMappingDialog) if d.isVisible()]
        if not dialogs:
            QTimer.singleShot(20, answer)
            return
        dialog = dialogs[0]
        assert not dialog.ok.isEnabled()
        dialog.set_target("Nom", "family_name")
        dialog.set_target("Prénom", "given_name")
        dialog.set_target("Courriel", "email")
        dialog.set_target("Établissement", "organization")
        assert dialog.ok.isEnabled()
        dialog.accept()

    QTimer.singleShot(0, answer)
    dialog = open_review(window, qtbot, [fixtures / "import/other_semicolon.csv"])
    assert dialog.new_table.item(0, 0).text() == "Marie Dupont"
    assert dialog.new_table.item(0, 1).text() == "AP-HP"
    dialog.reject()
    # remembered: the second time there is no mapping step
    dialog = open_review(window, qtbot, [fixtures / "import/other_semicolon.csv"])
    assert dialog.new_table.item(0, 0).text() == "Marie Dupont"


def test_imports_view_undo_with_confirmation(window, qtbot, fixtures):
    dialog = open_review(window, qtbot, [fixtures / "import/latin1.vcf"])
    dialog.import_button.click()
    qtbot.waitUntil(lambda: dialog.batch is not None, timeout=20000)
    window.show_page("imports")
    page = window.page("imports")
    assert page.undo_button.isEnabled()

    def confirm():
        box = page._confirm
        assert "removes the 1 contact(s) it created" in box.text()
        next(b for b in box.buttons() if b.text() == "Undo import").click()

    QTimer.singleShot(0, confirm)
    page.undo_button.click()
    assert Contact.select().count() == 0
    assert page.table.item(0, 7).text().startswith("undone")
    assert not page.undo_button.isEnabled()


def test_unusable_file_shows_error_and_writes_nothing(window, qtbot, fixtures, monkeypatch):
    shown = []
    monkeypatch.setattr(
        import_dialog, "show_error", lambda parent, exc, title="": shown.append(str(exc))
    )
    import_dialog.import_files(window, [fixtures / "import/not_a_card.txt"])
    qtbot.waitUntil(lambda: bool(shown), timeout=20000)
    assert "not_a_card.txt" in shown[0] and ImportBatch.select().count() == 0


def test_export_dialog_writes_vcards(window, qtbot, tmp_path):
    from netdesk.ui.importing.vcard_export_dialog import export_contacts

    create_contact(name="Jane Doe", emails=["jane@example.org"])
    out = tmp_path / "out.vcf"
    export_contacts(window, target=str(out))
    qtbot.waitUntil(out.exists, timeout=20000)
    assert "FN:Jane Doe" in out.read_text()


def test_review_dialog_buttons(window, qtbot, fixtures):
    dialog = open_review(window, qtbot, [fixtures / "import/google_3.0.vcf"])
    box = dialog.findChild(QDialogButtonBox)
    assert dialog.import_button in box.buttons() and dialog.import_button.isDefault()
    assert not dialog.findChildren(QCheckBox)  # no duplicates, no choices
    dialog.reject()
    assert Contact.select().count() == 0


def test_dropping_vcard_files_on_the_window_opens_the_review(window, qtbot, fixtures):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    mime = QMimeData()
    mime.setUrls(
        [
            QUrl.fromLocalFile(str(fixtures / "import/google_3.0.vcf")),
            QUrl.fromLocalFile(str(fixtures / "import/not_a_card.txt")),  # not importable
        ]
    )
    enter = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    window._import_dialog = None
    drop = QDropEvent(
        QPointF(window.rect().center()),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(drop)
    qtbot.waitUntil(lambda: getattr(window, "_import_dialog", None) is not None, timeout=20000)
    dialog = window._import_dialog
    assert [p.rsplit("/", 1)[-1] for p in dialog.plan.files] == ["google_3.0.vcf"]
    dialog.reject()
    assert Contact.select().count() == 0


def test_dragging_other_files_is_refused(window, tmp_path):
    from PySide6.QtCore import QMimeData, Qt, QUrl
    from PySide6.QtGui import QDragEnterEvent

    (tmp_path / "notes.txt").write_text("hello")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "notes.txt"))])
    enter = QDragEnterEvent(
        window.rect().center(),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    enter.ignore()
    window.dragEnterEvent(enter)
    assert not enter.isAccepted()


def test_imports_page_shows_local_time(monkeypatch):
    import time

    from netdesk.ui.importing.imports_view import local_time

    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        assert local_time("2026-11-25T15:30:00") == "2026-11-25 10:30"
        assert local_time("2026-07-01T03:00:00") == "2026-06-30 23:00"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
