"""A dense search walks a bounded stretch of the name index, else sorts: same pages."""

import pytest

from netdesk.models import Contact, database
from netdesk.services.contacts import search
from netdesk.services.contacts.records import create_contact
from netdesk.services.contacts.search import ContactFilter, contact_page, contact_query


@pytest.fixture
def clustered(db):
    """50 people called Zed (all at the end of the name order), 20 Anas spread out."""
    with database.atomic():
        for i in range(50):
            create_contact(given_name=f"Person{i}", family_name=f"Zed{i % 7}")
        for i in range(20):
            create_contact(given_name="Ana", family_name=f"Family{i:02d}")
        archived = create_contact(name="Someone Archived", organization="Zed Health")
    Contact.update(archived=True).where(Contact.id == archived.id).execute()
    return db


@pytest.mark.parametrize("search_text", ["zed", "ana"])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("budget", [3, 30, 10_000])  # falls back, sometimes, never
def test_walked_sorted_and_plain_pages_agree(
    clustered, monkeypatch, search_text, descending, budget
):
    monkeypatch.setattr(search, "DENSE_MATCHES", 2)  # every search here is "dense"
    monkeypatch.setattr(search, "WALK_BUDGET", budget)
    f = ContactFilter(search=search_text, descending=descending)
    expected = [c.id for c in contact_query(f)]
    pages, after = [], None
    while chunk := list(contact_page(f, [Contact.id, Contact.sort_key], 0, 6, after)):
        pages += [c.id for c in chunk]
        after = (chunk[-1].sort_key, chunk[-1].id)
    assert pages == expected and len(expected) in (20, 50)
