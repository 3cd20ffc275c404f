from datetime import date, datetime

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from netdesk.models import Contact, FollowUp, Interaction, Relationship, utcnow
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import add_milestone, log_interaction
from netdesk.ui.history.dialogs import EntryDialog
from netdesk.ui.history.timeline import TimelineWidget


@pytest.fixture
def timeline(window, qtbot):
    widget = TimelineWidget(window)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


@pytest.fixture
def ana(db):
    contact = create_contact(name="Ana Silva", role="physician")
    log_interaction(contact, channel="call", summary="Intro call", occurred_at=datetime(2026, 1, 5))
    add_milestone(contact, "award", "Teaching award", on=date(2026, 2, 1))
    return contact


def rows(widget):
    tree = widget.tree
    return [
        (tree.topLevelItem(i).text(1), tree.topLevelItem(i).text(2))
        for i in range(tree.topLevelItemCount())
    ]


def test_shows_timeline_and_filters(timeline, ana):
    assert not timeline.quick_summary.isEnabled()  # nothing selected yet
    timeline.set_contact(ana.id)
    assert rows(timeline) == [("Milestone", "Teaching award"), ("Interaction", "Intro call")]
    assert "Ana Silva" in timeline.header.text()
    timeline.filters["milestone"].click()
    assert rows(timeline) == [("Interaction", "Intro call")]
    timeline.filters["interaction"].click()
    assert timeline.list_stack.currentWidget() is timeline.empty


def test_quick_log_with_shortcut_defaults_to_today_email_and_undo(timeline, ana, qtbot, window):
    timeline.set_contact(ana.id)
    timeline.tree.setFocus()
    qtbot.keyClick(timeline.tree, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert QApplication.focusWidget() is timeline.quick_summary
    qtbot.keyClicks(timeline.quick_summary, "Sent the sepsis deck")
    qtbot.keyClick(timeline.quick_summary, Qt.Key.Key_Return)
    logged = Interaction.get(Interaction.summary == "Sent the sepsis deck")
    assert logged.channel == "email" and logged.occurred_at.date() == utcnow().date()
    assert Contact.get_by_id(ana.id).last_interaction_at == logged.occurred_at
    assert rows(timeline)[0] == ("Interaction", "Sent the sepsis deck")
    assert timeline.quick_summary.text() == ""
    window.undo_stack.undo()
    assert Interaction.get_or_none(Interaction.id == logged.id) is None
    assert Contact.get_by_id(ana.id).last_interaction_at == datetime(2026, 1, 5)
    assert ("Interaction", "Sent the sepsis deck") not in rows(timeline)
    window.undo_stack.redo()
    assert Interaction.get_by_id(logged.id).summary == "Sent the sepsis deck"  # same id back


def test_edit_and_delete_with_undo(timeline, ana, qtbot, window):
    timeline.set_contact(ana.id)
    call = Interaction.get(Interaction.summary == "Intro call")
    timeline.apply_edit(call.id, {"summary": "Intro call (Zoom)", "channel": "video"})
    assert ("Interaction", "Intro call (Zoom)") in rows(timeline)
    window.undo_stack.undo()
    assert Interaction.get_by_id(call.id).channel == "call"
    timeline.tree.setCurrentItem(timeline.tree.topLevelItem(1))
    assert timeline.delete_button.isEnabled()
    timeline.tree.setFocus()
    qtbot.keyClick(timeline.tree, Qt.Key.Key_Delete)
    assert Interaction.get_or_none(Interaction.id == call.id) is None
    assert Contact.get_by_id(ana.id).last_interaction_at is None
    window.undo_stack.undo()
    assert Contact.get_by_id(ana.id).last_interaction_at == datetime(2026, 1, 5)
    assert rows(timeline)[1] == ("Interaction", "Intro call")


def test_add_milestone_dialog_plans_congratulation(timeline, ana, window):
    timeline.set_contact(ana.id)

    def fill():
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, EntryDialog)
        dialog.choice.setCurrentText("promotion")
        dialog.summary.setText("Chief of Cardiology")
        dialog.accept()

    QTimer.singleShot(0, fill)
    timeline.milestone_button.click()
    milestone = Interaction.get(Interaction.summary == "Chief of Cardiology")
    assert milestone.milestone_kind == "promotion"
    assert FollowUp.get(FollowUp.origin_key == f"milestone:{milestone.id}").title == (
        "Congratulate Ana Silva: Chief of Cardiology"
    )
    assert ("Follow-up (open)", "Congratulate Ana Silva: Chief of Cardiology") in rows(timeline)
    window.undo_stack.undo()
    assert FollowUp.select().count() == 0
    assert Interaction.get_or_none(Interaction.id == milestone.id) is None


def test_relationships_both_sides_and_undo(timeline, ana, window):
    ben = create_contact(name="Ben Okafor")
    timeline.set_contact(ben.id)
    timeline.relate(ana.id, "mentee of")
    assert timeline.relations.item(0).text() == "Mentee of Ana Silva"
    timeline.set_contact(ana.id)
    assert timeline.relations.item(0).text() == "Mentor of Ben Okafor"
    messages = []

    def close_message():
        box = QApplication.activeModalWidget()
        messages.append(box.text())
        box.accept()

    QTimer.singleShot(0, close_message)
    timeline.relate(ben.id, "mentor of")  # already known: refused, nothing pushed
    assert messages == ["That relationship is already recorded."]
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert Relationship.select().count() == 0
    assert timeline.relations.isHidden()
