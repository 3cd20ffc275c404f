"""Several positions per contact: editing, search, the organization filter, migration."""

import shutil
import sqlite3
import subprocess
import sys
from datetime import date

import pytest

from netdesk.errors import InputError
from netdesk.models import Affiliation, Contact, close_database, open_database
from netdesk.models.store import migrations
from netdesk.services.contacts.affiliations import affiliation_rows, set_affiliations
from netdesk.services.contacts.editing import replace_contacts
from netdesk.services.contacts.records import (
    create_contact,
    delete_contacts,
    restore_contacts,
    snapshot_contacts,
    update_contact,
)
from netdesk.services.contacts.search import ContactFilter, contact_query, search_contacts

TWO_POSITIONS = [
    {"organization": "St Mary's Hospital", "title": "Attending Physician", "primary": True},
    {
        "organization": "Mayo Clinic",
        "title": "Consultant",
        "department": "Cardiology",
        "start_date": "2021-09-01",
    },
    {"organization": "Lakeside Clinic", "title": "Resident", "end_date": "2019-06-30"},
]


def shown(contact_id):
    return [
        (r["organization"], r["title"], r["primary"], r["end_date"])
        for r in affiliation_rows(contact_id)
    ]


def test_primary_follows_the_contact_row_for_every_writer(db):
    contact = create_contact(name="Ana Silva", organization="Mayo Clinic", title="RN")
    assert shown(contact.id) == [("Mayo Clinic", "RN", True, None)]
    update_contact(contact, organization="Cleveland Clinic", title="Nurse Manager")
    assert shown(contact.id) == [("Cleveland Clinic", "Nurse Manager", True, None)]
    update_contact(contact, organization="", title="")
    assert shown(contact.id) == []
    assert create_contact(name="Nobody Inparticular").affiliations.count() == 0


def test_editor_positions_set_the_primary_and_keep_dates(db):
    contact = create_contact(name="Ana Silva", organization="Mayo Clinic", title="RN")
    assert set_affiliations(contact, TWO_POSITIONS)
    contact = Contact.get_by_id(contact.id)
    assert (contact.organization.name, contact.title) == (
        "St Mary's Hospital",
        "Attending Physician",
    )
    assert contact.organization_sort == "St Mary's Hospital"
    assert shown(contact.id) == [
        ("St Mary's Hospital", "Attending Physician", True, None),
        ("Mayo Clinic", "Consultant", False, None),
        ("Lakeside Clinic", "Resident", False, date(2019, 6, 30)),
    ]
    assert affiliation_rows(contact.id)[1]["start_date"] == date(2021, 9, 1)
    assert not set_affiliations(contact, TWO_POSITIONS)  # unchanged: nothing written


def test_bad_positions_are_refused_naming_the_row(db):
    contact = create_contact(name="Ana Silva")
    with pytest.raises(InputError, match="Position 1 ends .* before it starts"):
        set_affiliations(
            contact, [{"title": "RN", "start_date": "2020-01-01", "end_date": "2019-01-01"}]
        )
    with pytest.raises(InputError, match="not a date"):
        set_affiliations(contact, [{"title": "RN", "start_date": "soon"}])
    with pytest.raises(InputError, match="Only one position can be primary"):
        set_affiliations(
            contact, [{"title": "A", "primary": True}, {"title": "B", "primary": True}]
        )
    assert Affiliation.select().count() == 0


def test_a_second_appointment_is_found_by_search_and_by_the_organization_filter(db):
    ana = create_contact(name="Ana Silva", organization="Mayo Clinic", title="RN")
    ben = create_contact(name="Ben Okafor", organization="St Mary's Hospital")
    create_contact(name="Cleo Past")
    set_affiliations(ben, TWO_POSITIONS)
    cleo = Contact.get(Contact.display_name == "Cleo Past")
    set_affiliations(
        cleo, [{"organization": "Mayo Clinic", "title": "Fellow", "end_date": "2020-01-01"}]
    )
    assert {c.id for c in search_contacts("mayo")} == {ana.id, ben.id, cleo.id}
    assert {c.id for c in search_contacts("consultant cardiology")} == {ben.id}
    at_mayo = contact_query(ContactFilter(organization="mayo clinic"))
    assert {c.id for c in at_mayo} == {ana.id, ben.id}  # Cleo has left
    # renaming the organization reaches the second appointment's search words
    from netdesk.models import Organization

    Organization.update(name="Mayo Clinic Rochester").where(
        Organization.name == "Mayo Clinic"
    ).execute()
    assert ben.id in {c.id for c in search_contacts("rochester")}
    set_affiliations(ben, TWO_POSITIONS[:1])
    assert ben.id not in {c.id for c in search_contacts("rochester")}


def test_undo_of_delete_and_edit_brings_positions_back_exactly(db):
    ben = create_contact(name="Ben Okafor")
    set_affiliations(ben, TWO_POSITIONS)
    before = affiliation_rows(ben.id)
    shots = snapshot_contacts([ben.id])
    delete_contacts([ben.id])
    assert Affiliation.select().count() == 0
    restore_contacts(shots)
    assert affiliation_rows(ben.id) == before
    set_affiliations(ben, TWO_POSITIONS[:1])
    replace_contacts(shots)
    assert affiliation_rows(ben.id) == before


def test_cli_contacts_org_lists_second_appointments(db_path):
    env_db = ["--db", str(db_path)]
    open_database(db_path)
    ben = create_contact(name="Ben Okafor")
    set_affiliations(ben, TWO_POSITIONS)
    close_database()
    out = subprocess.run(
        [sys.executable, "-m", "netdesk", *env_db, "contacts", "--org", "Mayo Clinic"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out.split("\t")[:3] == [str(ben.id), "Ben Okafor", "St Mary's Hospital"]


def test_migration_gives_each_contact_one_primary_affiliation(tmp_path, fixtures):
    """A database as the previous version left it: contacts with and without a position."""
    path = tmp_path / "v6.sqlite3"
    database = open_database(path)
    with_org = create_contact(name="Ana Silva", organization="Mayo Clinic", title="RN")
    title_only = create_contact(name="Ben Okafor", title="Consultant")
    dept_only = create_contact(name="Cleo Dept", department="Radiology")
    nothing = create_contact(name="Dan Nothing")
    close_database()
    conn = sqlite3.connect(path)  # back to schema 6: no affiliation table or triggers
    for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
        "(name LIKE 'contact_search_f%' OR name LIKE 'contact_affiliation_%')"
    ).fetchall():
        conn.execute(f'DROP TRIGGER "{name}"')
    conn.execute("DROP TABLE affiliation")
    conn.execute(f"PRAGMA user_version = {migrations.CURRENT_VERSION - 1}")
    conn.commit()
    conn.close()
    shutil.copy(path, tmp_path / "kept.sqlite3")

    database = open_database(path)
    try:
        assert migrations.schema_version(database) == migrations.CURRENT_VERSION
        assert shown(with_org.id) == [("Mayo Clinic", "RN", True, None)]
        assert shown(title_only.id) == [("", "Consultant", True, None)]
        assert [r["department"] for r in affiliation_rows(dept_only.id)] == ["Radiology"]
        assert shown(nothing.id) == []
        # the triggers work after the step
        ben = Contact.get_by_id(title_only.id)
        set_affiliations(ben, TWO_POSITIONS)
        assert {c.id for c in search_contacts("consultant mayo")} == {ben.id}
    finally:
        close_database()


def test_a_version_1_file_migrates_to_primary_affiliations(tmp_path, fixtures):
    path = tmp_path / "v1.sqlite3"
    shutil.copy(fixtures / "schema_v1.sqlite3", path)
    open_database(path)
    try:
        with_position = Contact.select().where(
            Contact.organization.is_null(False) | (Contact.title != "")
        )
        assert with_position.count() > 0
        for contact in with_position:
            (row,) = affiliation_rows(contact.id)
            assert row["primary"] and row["title"] == contact.title
    finally:
        close_database()
