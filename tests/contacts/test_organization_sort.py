"""Sorting by organization: the name copied onto the contact stays right, pages seek by key."""

import shutil

import pytest
from peewee import JOIN

from netdesk.models import Contact, Organization, close_database, database, open_database
from netdesk.services.contacts.records import create_contact
from netdesk.services.contacts.search import ContactFilter, contact_page, contact_query


def copies_match_the_organizations() -> None:
    rows = (
        Contact.select(Contact.organization_sort, Organization.name)
        .join(Organization, JOIN.LEFT_OUTER)
        .tuples()
    )
    assert [copy for copy, _ in rows] == [name or "" for _, name in rows]


@pytest.fixture
def staff(db):
    """40 people at four hospitals (names differing in case too) and some at none."""
    orgs = ["mercy", "Providence", "St Mary's", "Zed Clinic", ""]
    with database.atomic():
        for i in range(40):
            create_contact(
                given_name=f"Given{i}",
                family_name=f"Family{(i * 7) % 13:02d}",  # ties: order falls back to id
                organization=orgs[i % 5],
            )
    return db


def test_every_writer_keeps_the_copy_right(staff):
    copies_match_the_organizations()
    mercy = Organization.get(Organization.name == "mercy")
    mercy.name = "Aardvark Health"
    mercy.save()  # renamed
    copies_match_the_organizations()
    moved = Contact.get(Contact.organization.is_null())
    Contact.update(organization=mercy).where(Contact.id == moved.id).execute()  # moved
    copies_match_the_organizations()
    Organization.delete().where(Organization.name == "Zed Clinic").execute()  # gone: SET NULL
    copies_match_the_organizations()
    assert Contact.select().where(Contact.organization_sort == "").count() == 15


@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("search", ["", "given"])
def test_keyset_pages_by_organization_follow_the_joined_order(staff, descending, search):
    f = ContactFilter(sort="organization", descending=descending, search=search)
    name = Organization.name.desc if descending else Organization.name.asc
    key = Contact.sort_key.desc if descending else Contact.sort_key.asc
    joined = (
        Contact.select(Contact.id)
        .join(Organization, JOIN.LEFT_OUTER)
        .order_by(name(), key(), Contact.id.desc() if descending else Contact.id.asc())
    )
    expected = [c.id for c in joined]
    assert [c.id for c in contact_query(f)] == expected
    columns = [Contact.id, Contact.organization_sort, Contact.sort_key]
    pages, after = [], None
    while chunk := list(contact_page(f, columns, 0, 7, after)):
        pages += [c.id for c in chunk]
        after = (chunk[-1].organization_sort, chunk[-1].sort_key, chunk[-1].id)
    assert pages == expected


def test_the_upgrade_fills_the_copy(tmp_path, fixtures):
    path = tmp_path / "old.sqlite3"
    shutil.copy(fixtures / "schema_v1.sqlite3", path)
    open_database(path)
    try:
        assert {c.organization_sort for c in Contact.select()} == {"Hôpital Saint-Éloi"}
        copies_match_the_organizations()
    finally:
        close_database()


def test_an_import_writes_the_copy_as_the_organization_is_stored(staff, tmp_path):
    from netdesk.services.importing.importer import commit_plan, plan_import

    cards = tmp_path / "cards.vcf"
    cards.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Ben;;;\r\nFN:Ben Okafor\r\nORG:MERCY\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Cara;;;\r\nFN:Cara Lee\r\n"
        "ORG:Brand New Clinic\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    commit_plan(plan_import([cards]))
    copies_match_the_organizations()  # "mercy" as stored, not the card's "MERCY"
    assert Contact.get(Contact.family_name == "Okafor").organization_sort == "mercy"
