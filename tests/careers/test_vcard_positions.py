"""Several positions in a vCard: grouped ORG / TITLE out, and back in without loss."""

from datetime import date

import pytest

from netdesk.models import Contact
from netdesk.services.contacts.affiliations import affiliation_rows, set_affiliations
from netdesk.services.contacts.records import create_contact
from netdesk.services.importing.importer import commit_plan, plan_import
from netdesk.services.importing.vcard import parse_vcards
from netdesk.services.importing.vcard_export import contact_vcard

POSITIONS = [
    {
        "organization": "St Mary's Hospital",
        "title": "Attending Physician",
        "department": "Cardiology",
        "start_date": "2018-07-01",
        "primary": True,
    },
    {"organization": "Mayo Clinic; Rochester", "title": "Consultant", "start_date": "2021-09-01"},
    {"organization": "Lakeside Clinic", "title": "Resident", "end_date": "2018-06-30"},
]


def positions_of(text):
    names = ("ORG", "TITLE", "X-NETDESK-START", "X-NETDESK-END")
    return [
        line
        for line in text.split("\r\n")
        if line.split(":")[0].split(";")[0].rpartition(".")[2] in names
    ]


def comparable(contact_id):
    return [{k: v for k, v in r.items() if k != "id"} for r in affiliation_rows(contact_id)]


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_grouped_org_title_round_trip(db, tmp_path, version):
    ben = create_contact(name="Ben Okafor", emails=["ben@x.example.org"])
    set_affiliations(ben, POSITIONS)
    text = contact_vcard(Contact.get_by_id(ben.id), version)
    assert "\r\nORG:St Mary's Hospital;Cardiology" in text.replace(";PREF=1", "")
    assert "item1.ORG:Mayo Clinic\\; Rochester\r\n" in text
    assert "item1.TITLE:Consultant\r\n" in text and "item2.X-NETDESK-END:2018-06-30" in text
    if version == "4.0":
        assert "ORG;PREF=1:" in text and "TITLE;PREF=1:" in text
    before = comparable(ben.id)

    path = tmp_path / "ben.vcf"
    path.write_text(text, encoding="utf-8")
    (draft,) = [d for d in parse_vcards(path)]
    assert (draft.organization, draft.title) == ("St Mary's Hospital", "Attending Physician")
    assert draft.position_start == date(2018, 7, 1)
    assert [a.organization for a in draft.affiliations] == [
        "Mayo Clinic; Rochester",
        "Lakeside Clinic",
    ]
    assert not [e for e in draft.extras if "ORG" in e.text or "X-NETDESK" in e.text]

    Contact.delete().execute()
    commit_plan(plan_import([path]))
    again = Contact.get(Contact.display_name == "Ben Okafor")
    assert comparable(again.id) == before
    assert positions_of(contact_vcard(again, version)) == positions_of(text)


def test_reimport_into_the_contact_adds_the_positions_it_lacks(db, tmp_path):
    ben = create_contact(name="Ben Okafor", emails=["ben@x.example.org"])
    set_affiliations(ben, POSITIONS)
    path = tmp_path / "ben.vcf"
    path.write_text(contact_vcard(Contact.get_by_id(ben.id), "3.0"), encoding="utf-8")
    set_affiliations(ben, POSITIONS[:1])
    plan = plan_import([path])
    (entry,) = plan.entries
    assert entry.action == "merge" and plan.career_changes() == []
    assert [a for a in entry.additions if a.startswith("position")] == [
        "position Consultant, Mayo Clinic; Rochester",
        "position Resident, Lakeside Clinic",
    ]
    from netdesk.services.importing.importer import undo_import

    batch = commit_plan(plan)
    assert len(affiliation_rows(ben.id)) == 3
    undo_import(batch.id)
    assert len(affiliation_rows(ben.id)) == 1


def test_a_card_listing_the_current_position_among_others_is_no_move(db, tmp_path):
    ben = create_contact(
        name="Ben Okafor",
        emails=["ben@x.example.org"],
        organization="Mayo Clinic",
        title="Consultant",
    )
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ben Okafor\r\nEMAIL:ben@x.example.org\r\n"
        "ORG:St Mary's Hospital\r\nTITLE:Attending Physician\r\n"
        "item1.ORG:Mayo Clinic\r\nitem1.TITLE:Consultant\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "ben.vcf"
    path.write_text(text, encoding="utf-8")
    assert plan_import([path]).career_changes() == []
    assert ben.id


def test_a_card_with_a_thousand_positions_keeps_fifty_and_says_so(db, tmp_path):
    lines = [f"item{n}.ORG:Org {n}\r\nitem{n}.TITLE:Title {n}\r\n" for n in range(1, 1001)]
    text = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Hats\r\nORG:Home Org\r\n"
        + "".join(lines)
        + "item5.X-NETDESK-START:not a date\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "hats.vcf"
    path.write_text(text, encoding="utf-8")
    plan = plan_import([path])
    (entry,) = plan.entries
    assert len(entry.draft.affiliations) == 50
    assert any("1,000 further positions" in w for w in entry.draft.warnings)
    commit_plan(plan)
    contact = Contact.get(Contact.display_name == "Many Hats")
    assert len(affiliation_rows(contact.id)) == 51
    # the unreadable date is kept as it came, not lost
    assert "item5.X-NETDESK-START:not a date" in contact_vcard(contact, "3.0")


def test_a_shared_card_shows_only_the_primary_position(db):
    ben = create_contact(name="Ben Okafor", emails=["ben@x.example.org"])
    set_affiliations(ben, POSITIONS)
    text = contact_vcard(Contact.get_by_id(ben.id), "3.0", shareable=True)
    assert "ORG:St Mary's Hospital;Cardiology" in text
    assert "item1.ORG" not in text and "Lakeside" not in text and "X-NETDESK" not in text
