"""The contact list model: the first page before any count; a window of pages, read by key."""

import re

import pytest
from PySide6.QtCore import Qt

from netdesk.models import ROLES, Contact, database
from netdesk.services.contacts.records import create_contact, update_contact
from netdesk.services.contacts.search import ContactFilter, contact_query
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


@pytest.fixture
def window_of_two(crowd, monkeypatch):
    """Pages of 10, at most 2 held; the crowd gets organizations and roles to sort by."""
    monkeypatch.setattr(table_model, "KEEP_PAGES", 2)
    orgs = ["Mercy", "", "providence", "St Mary's"]
    for i, contact in enumerate(Contact.select().order_by(Contact.id)):
        update_contact(contact, organization=orgs[i % 4], role=ROLES[i % 3])
    return crowd


def offsets_used(statements: list[str]) -> list[int]:
    return [int(m) for s in statements for m in re.findall(r"OFFSET (\d+)", s)]


@pytest.mark.parametrize("sort", ["name", "organization", "role", "updated", "last_contact"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["", "ana"])
def test_rows_read_in_any_order_follow_the_query_holding_two_pages(
    window_of_two, sort, descending, search
):
    f = ContactFilter(sort=sort, descending=descending, search=search)
    expected = [c.id for c in contact_query(f)]
    model = ContactTableModel()
    model.set_filter(f)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(expected) == 45
    forward = [model.contact_id(r) for r in range(45)]
    backward = [model.contact_id(r) for r in reversed(range(45))][::-1]
    jumping = [model.contact_id(r) for r in (44, 0, 23, 7, 38, 15)]
    assert forward == backward == expected
    assert jumping == [expected[r] for r in (44, 0, 23, 7, 38, 15)]
    assert model.pages_held <= 2


@pytest.mark.parametrize("sort", ["name", "organization", "last_contact"])
def test_dropped_pages_and_the_last_page_are_read_without_offset(window_of_two, sort):
    f = ContactFilter(sort=sort)
    expected = [c.id for c in contact_query(f)]
    statements: list[str] = []
    database.connection().set_trace_callback(statements.append)
    try:
        model = ContactTableModel()
        model.set_filter(f)
        assert model.jump_to_end() == 44 and model.total_is_exact
        assert [model.contact_id(r) for r in range(44, 39, -1)] == expected[:39:-1]
        assert model.contact_id(33) == expected[33]  # the page before the last, by key
        assert model.contact_id(5) == expected[5]  # the first page is read from the start
        assert model.contact_id(17) == expected[17]  # after the first page, by key
        assert model.row_of(expected[17]) == 17
    finally:
        database.connection().set_trace_callback(None)
    assert offsets_used(statements) and set(offsets_used(statements)) == {0}


def test_ctrl_end_selects_the_last_contact_of_the_list(window_of_two, window, qtbot):
    window.show_page("contacts")
    page = window.page("contacts")
    page.refresh()
    assert page.model.rowCount() == 10
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    last = [c.id for c in contact_query(ContactFilter())][-1]
    assert page.model.rowCount() == 45 and page.selected_ids() == [last]
    assert page.count_label.text() == "45 contacts"
