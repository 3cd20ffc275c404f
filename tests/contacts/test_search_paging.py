"""The list's paging queries: both plans give the same rows; counts stop at the cap."""

import pytest

from netdesk.models import Contact, database
from netdesk.services.contacts import search
from netdesk.services.contacts.records import create_contact
from netdesk.services.contacts.search import (
    ContactFilter,
    contact_page,
    contact_query,
    count_index_matches,
    count_matching,
    fts_expression,
    search_contacts,
)


def page_ids(f: ContactFilter, offset: int, limit: int) -> list[int]:
    return [c.id for c in contact_page(f, [Contact.id], offset, limit)]


@pytest.fixture
def crowd(db):
    """60 people: every one named Ana or Ben, so a one-letter search is "dense"."""
    with database.atomic():
        for i in range(60):
            given = "Ana" if i % 2 else "Ben"
            create_contact(
                given_name=given,
                family_name=f"Zed{(i * 37) % 20:02d}",  # ties: order falls back to id
                organization="Mercy" if i % 3 else "Providence",
            )
    return db


@pytest.mark.parametrize("descending", [False, True])
def test_dense_searches_walk_the_name_index_and_page_like_the_plain_query(
    crowd, monkeypatch, descending
):
    f = ContactFilter(search="an", descending=descending)
    expected = [c.id for c in contact_query(f)]
    assert len(expected) == 30
    for dense in (10_000, 5):  # sort plan, then walk plan (5 < 30 matches)
        monkeypatch.setattr(search, "DENSE_MATCHES", dense)
        pages = page_ids(f, 0, 12) + page_ids(f, 12, 12) + page_ids(f, 24, 12)
        assert pages == expected
        keyset, after = [], None
        while chunk := list(contact_page(f, [Contact.id, Contact.sort_key], 0, 7, after)):
            keyset += [c.id for c in chunk]
            after = (chunk[-1].sort_key, chunk[-1].id)
        assert keyset == expected


def test_pages_under_other_sorts_match_the_plain_query(crowd):
    for sort in ("organization", "role", "last_contact"):
        f = ContactFilter(search="ben", sort=sort)
        assert page_ids(f, 0, 100) == [c.id for c in contact_query(f)]


def test_counts_stop_at_the_cap(crowd):
    f = ContactFilter(search="ana")
    assert count_matching(f) == 30
    assert count_matching(f, cap=10) == 11  # "more than 10"
    assert count_matching(ContactFilter()) == 60
    assert count_index_matches("ana", 100) == 30
    assert count_index_matches("", 100) == 0


@pytest.mark.parametrize("walk_from", [1, 1000])  # walk the index / read ranges and sort
def test_a_single_letter_lists_family_names_starting_with_it(db, monkeypatch, walk_from):
    monkeypatch.setattr(search, "_WALK_FROM_LETTER", walk_from)
    create_contact(name="Ana Silva", organization="Mercy")
    create_contact(name="Ben Okafor", organization="Mayo Clinic")
    create_contact(name="José Álvarez")
    create_contact(name="Olga Smith")
    assert fts_expression("m") == 'name : "m"*'
    assert search_contacts("m") == []  # not the organisation "Mayo Clinic"
    assert [c.name for c in search_contacts("ma")] == ["Ben Okafor"]
    assert [c.name for c in search_contacts("S")] == ["Ana Silva", "Olga Smith"]
    assert [c.name for c in search_contacts("o")] == ["Ben Okafor"]  # not Olga
    assert [c.name for c in search_contacts("a")] == ["José Álvarez"]  # accents too
    assert search_contacts("é") == []
    assert count_matching(ContactFilter(search="s"), cap=1) == 2
    backwards = ContactFilter(search="s", descending=True)
    assert [c.id for c in contact_page(backwards, [Contact.id], 0, 10)] == [
        c.id for c in search_contacts("s")[::-1]
    ]


def test_list_count_uses_the_index_count_unless_filters_or_archived_rows_differ(crowd):
    from netdesk.services.contacts.records import set_archived
    from netdesk.services.contacts.search import count_for_list

    counted = count_for_list(ContactFilter(search="ana"), cap=100)
    assert (counted.total, counted.exact, counted.index_matches) == (30, True, 30)
    assert count_for_list(ContactFilter(search="ana"), cap=10).total == 11
    assert not count_for_list(ContactFilter(search="ana"), cap=10).exact
    archived = [c.id for c in contact_query(ContactFilter(search="ana"))][:4]
    set_archived(archived, True)
    counted = count_for_list(ContactFilter(search="ana"), cap=100)
    assert (counted.total, counted.index_matches) == (26, 30)
    assert count_for_list(ContactFilter(search="ana", include_archived=True), cap=100).total == 30
    assert count_for_list(ContactFilter(), cap=10).total == 56  # no search: exact, uncapped
