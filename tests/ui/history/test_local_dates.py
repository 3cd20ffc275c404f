"""Dates the window proposes and shows are the user's, not UTC's (issue 10).

17:00 in Los Angeles on 1 December is 01:00 UTC on the 2nd; 06:30 in Kiritimati on
2 December is 16:30 UTC on the 1st.
"""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from netdesk.models import Interaction
from netdesk.services.calendar.followups import create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.ui.history.dialogs import EntryDialog
from netdesk.ui.history.events_view import OptionalDate
from netdesk.ui.history.timeline import TimelineWidget

AWAY_FROM_UTC = [
    pytest.param("America/Los_Angeles", datetime(2026, 12, 1, 17, 0), id="los-angeles-17h"),
    pytest.param("Pacific/Kiritimati", datetime(2026, 12, 2, 6, 30), id="kiritimati-06h30"),
]


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_quick_log_proposes_and_shows_the_users_day(window, qtbot, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    today = wall.date()
    ana = create_contact(name="Ana Silva")
    create_followup(ana, today + timedelta(days=1), "Coffee at AHA")
    timeline = TimelineWidget(window)
    qtbot.addWidget(timeline)
    timeline.set_contact(ana.id)
    assert timeline.quick_date.date().toPython() == today

    qtbot.keyClicks(timeline.quick_summary, "Sent the sepsis deck")
    qtbot.keyClick(timeline.quick_summary, Qt.Key.Key_Return)
    assert shown(timeline)[:2] == [
        (str(today + timedelta(days=1)), "Coffee at AHA"),  # tomorrow's plan stays on top
        (str(today), "Sent the sepsis deck"),
    ]
    assert "last in touch today" in timeline.header.text()

    timeline.quick_date.setDate(today - timedelta(days=1))  # an earlier day, picked
    qtbot.keyClicks(timeline.quick_summary, "Coffee")
    qtbot.keyClick(timeline.quick_summary, Qt.Key.Key_Return)
    assert shown(timeline)[1:] == [
        (str(today), "Sent the sepsis deck"),
        (str(today - timedelta(days=1)), "Coffee"),
    ]
    assert Interaction.select().count() == 2


def shown(timeline) -> list[tuple[str, str]]:
    """(date shown, title) of each timeline row, top to bottom."""
    items = [timeline.tree.topLevelItem(i) for i in range(timeline.tree.topLevelItemCount())]
    return [(item.text(0), item.text(2)) for item in items]


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_new_entries_and_events_default_to_the_users_day(
    window, qtbot, user_wall_clock, zone, wall
):
    user_wall_clock(zone, wall)
    start = OptionalDate("Start", None)
    qtbot.addWidget(start)
    assert start.edit.date().toPython() == wall.date()
    dialog = EntryDialog(window, "interaction")
    qtbot.addWidget(dialog)
    assert dialog.date.date().toPython() == wall.date()


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_today_page_heading_is_the_users_day(window, user_wall_clock, zone, wall):
    user_wall_clock(zone, wall)
    page = window.page("today")
    page.refresh()
    assert page.heading.text().startswith(wall.strftime("%A %d %B"))


@pytest.mark.parametrize(("zone", "wall"), AWAY_FROM_UTC)
def test_contact_list_last_contact_is_the_users_day(db, qapp, user_wall_clock, zone, wall):
    from netdesk.services.history.interactions import log_interaction
    from netdesk.ui.contacts.table_model import ContactTableModel

    user_wall_clock(zone, wall)
    ana = create_contact(name="Ana Silva")
    log_interaction(ana, channel="call", summary="Evening call")  # now
    model = ContactTableModel()
    model.reload()
    assert model.data(model.index(0, 3)) == f"{wall:%d %b %Y}"
