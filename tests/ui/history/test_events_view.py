from datetime import date, datetime

from netdesk.models import Event
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.events import add_attendee, create_event
from netdesk.services.history.interactions import log_interaction


def test_events_list_people_and_undoable_create_edit(window):
    page = window.page("events")
    page.refresh()
    assert page.list_stack.currentWidget() is page.empty
    aha = create_event("AHA 2026", start_date=date(2026, 11, 7), location="Chicago")
    ana, ben = create_contact(name="Ana Silva"), create_contact(name="Ben Okafor")
    add_attendee(aha.id, ana.id), add_attendee(aha.id, ben.id)
    log_interaction(ana, channel="email", occurred_at=datetime(2026, 11, 10))
    page.refresh()
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert cells == ["AHA 2026", "2026-11-07", "2", "1", "1", "conference", "Chicago"]
    page.table.selectRow(0)
    people = [
        (page.people.topLevelItem(i).text(0), page.people.topLevelItem(i).text(2))
        for i in range(page.people.topLevelItemCount())
    ]
    assert people == [("Ben Okafor", "waiting"), ("Ana Silva", "followed up")]
    assert "1 still waiting" in page.detail.text()

    new_id = page.create({"name": "Sepsis webinar", "kind": "webinar", "start_date": None})
    assert page.selected_event_id() == new_id and page.table.rowCount() == 2
    page.apply_edit(new_id, {"name": "Sepsis webinar (recording)"})
    assert Event.get_by_id(new_id).name == "Sepsis webinar (recording)"
    window.undo_stack.undo()
    assert Event.get_by_id(new_id).name == "Sepsis webinar"
    window.undo_stack.undo()
    assert Event.get_or_none(Event.id == new_id) is None
    page.refresh()
    assert page.table.rowCount() == 1
    window.undo_stack.redo()
    assert Event.get_by_id(new_id).kind == "webinar"
