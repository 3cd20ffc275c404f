"""The contact list model: the first page comes before any count; the count follows."""

import pytest

from netdesk.models import database
from netdesk.services.contacts.records import create_contact
from netdesk.services.contacts.search import ContactFilter
from netdesk.ui.contacts import table_model
from netdesk.ui.contacts.table_model import ContactTableModel


@pytest.fixture
def crowd(db, monkeypatch):
    """45 people called Ana, pages of 10 and a search cap of 20."""
    monkeypatch.setattr(table_model, "PAGE_SIZE", 10)
    monkeypatch.setattr(table_model, "SEARCH_COUNT_CAP", 20)
    with database.atomic():
        for i in range(45):
            create_contact(given_name="Ana", family_name=f"Family{i:02d}")
    return db


def test_first_page_is_shown_before_the_count_which_follows_on_the_event_loop(crowd, qtbot):
    model = ContactTableModel()
    with qtbot.waitSignal(model.totalChanged):
        model.set_filter(ContactFilter())
        assert (model.rowCount(), model.total, model.counted) == (10, 10, False)
        assert model.canFetchMore()
    assert (model.total, model.total_is_exact, model.counted) == (45, True, True)


def test_a_search_is_counted_up_to_the_cap(crowd, qtbot):
    model = ContactTableModel()
    model.set_filter(ContactFilter(search="ana"))
    model.count_total()
    assert (model.total, model.total_is_exact) == (20, False)  # "20+ contacts match"
    while model.canFetchMore():
        model.fetchMore()
    assert (model.rowCount(), model.total, model.total_is_exact) == (45, 45, True)


def test_counts_scheduled_while_typing_count_once_for_what_is_shown(crowd, qtbot):
    model = ContactTableModel()
    with qtbot.waitSignal(model.totalChanged):
        model.set_filter(ContactFilter(search="an"))
        model.set_filter(ContactFilter(search="ana"))
    assert (model.total, model.total_is_exact) == (20, False)
    with qtbot.assertNotEmitted(model.totalChanged, wait=50):
        pass


def test_a_short_list_needs_no_count(crowd, qtbot):
    model = ContactTableModel()
    model.set_filter(ContactFilter(search="family4"))
    assert (model.total, model.total_is_exact, model.counted) == (5, True, True)
    model.set_filter(ContactFilter(search="family44"))
    assert (model.rowCount(), model.total, model.counted) == (1, 1, True)
