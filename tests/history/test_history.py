from datetime import date, datetime

import pytest

from netdesk.errors import InputError, NotFound
from netdesk.models import Contact, Event, EventAttendance, FollowUp, ImportBatch, ImportChange
from netdesk.services.calendar.followups import complete_followup, create_followup
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import (
    add_milestone,
    add_relationship,
    add_resource,
    delete_interaction,
    delete_relationship,
    edit_interaction,
    log_interaction,
    relationships_for,
    restore_interaction,
    restore_relationship,
    timeline,
)


def last(contact):
    return Contact.get_by_id(contact.id).last_interaction_at


@pytest.fixture
def ana(db):
    return create_contact(name="Ana Silva", role="physician")


def test_last_interaction_follows_edit_delete_and_undo(ana):
    old = log_interaction(ana, channel="call", summary="Intro", occurred_at=datetime(2026, 1, 5))
    new = log_interaction(ana, channel="email", summary="Thanks", occurred_at=datetime(2026, 3, 1))
    assert last(ana) == datetime(2026, 3, 1)
    before = edit_interaction(new.id, occurred_at=date(2025, 12, 1))
    assert before == {"occurred_at": datetime(2026, 3, 1)}
    assert last(ana) == datetime(2026, 1, 5)
    edit_interaction(new.id, **before)
    assert last(ana) == datetime(2026, 3, 1)
    snap = delete_interaction(new.id)
    assert last(ana) == datetime(2026, 1, 5)
    restore_interaction(snap)
    assert last(ana) == datetime(2026, 3, 1)
    delete_interaction(new.id), delete_interaction(old.id)
    assert last(ana) is None


def test_milestone_does_not_count_as_contact_but_congratulate_followup(ana):
    row, followup = add_milestone(
        ana,
        "promotion",
        "Promoted to Chief of Cardiology",
        on=date(2026, 11, 20),
        congratulate=True,
    )
    assert last(ana) is None
    assert followup.origin == "milestone" and followup.origin_key == f"milestone:{row.id}"
    assert followup.title == "Congratulate Ana Silva: Promoted to Chief of Cardiology"
    again, same = add_milestone(ana, "award", "Award", congratulate=False)
    assert same is None
    snap = delete_interaction(row.id)
    assert FollowUp.select().count() == 0
    restore_interaction(snap)
    assert FollowUp.get_by_id(followup.id).origin_key == f"milestone:{row.id}"


def test_bad_values_are_refused_with_a_readable_message(ana):
    with pytest.raises(InputError, match="Milestone 'knighthood'"):
        add_milestone(ana, "knighthood")
    with pytest.raises(InputError, match="Channel 'fax'"):
        log_interaction(ana, channel="fax")
    entry = log_interaction(ana, summary="x")
    with pytest.raises(InputError, match="Channel 'pigeon'"):
        edit_interaction(entry.id, channel="pigeon")
    with pytest.raises(InputError, match="Cannot edit: contact"):
        edit_interaction(entry.id, contact=1)
    with pytest.raises(NotFound):
        delete_interaction(9999)
    with pytest.raises(NotFound, match="No event with id 77"):
        edit_interaction(entry.id, event=77)
    with pytest.raises(InputError, match="link or a file name"):
        add_resource(ana, "  ")


def test_resources_count_as_contact_and_show_direction(ana):
    row = add_resource(ana, "sepsis-protocol.pdf", direction="received", on=date(2026, 2, 2))
    assert row.summary == "Received sepsis-protocol.pdf"
    assert last(ana) == datetime(2026, 2, 2)
    [entry] = timeline(ana.id, kinds=["resource"])
    assert entry.detail == "received: sepsis-protocol.pdf"


def test_relationships_read_from_both_sides(ana):
    ben = create_contact(name="Ben Okafor")
    cara = create_contact(name="Cara Lee")
    mentor = add_relationship(ben, ana, "mentee of")  # stored as Ana mentor of Ben
    assert (mentor.source_id, mentor.target_id, mentor.kind) == (ana.id, ben.id, "mentor of")
    add_relationship(ana, cara, "collaborator", project="Sepsis bundle trial")
    assert add_relationship(cara, ana, "collaborator").id  # symmetric: no duplicate
    add_relationship(ben, cara, "reports to")
    add_relationship(cara, ana, "referred by")
    assert [(v.label, v.other_name, v.project) for v in relationships_for(ana.id)] == [
        ("collaborator", "Cara Lee", "Sepsis bundle trial"),
        ("mentor of", "Ben Okafor", ""),
        ("referred", "Cara Lee", ""),
    ]
    assert [(v.label, v.other_name) for v in relationships_for(ben.id)] == [
        ("mentee of", "Ana Silva"),
        ("reports to", "Cara Lee"),
    ]
    assert ("manages", "Ben Okafor") in [
        (v.label, v.other_name) for v in relationships_for(cara.id)
    ]
    snap = delete_relationship(mentor.id)
    assert len(relationships_for(ben.id)) == 1
    restore_relationship(snap)
    assert len(relationships_for(ben.id)) == 2
    with pytest.raises(InputError, match="themselves"):
        add_relationship(ana, ana, "colleague")
    with pytest.raises(InputError, match="Relationship 'friend'"):
        add_relationship(ana, ben, "friend")


def test_timeline_merges_everything_newest_first_and_filters(ana):
    event = Event.create(name="AHA 2026", kind="conference", start_date=date(2026, 11, 7))
    EventAttendance.create(contact=ana, event=event, role="speaker")
    batch = ImportBatch.create(
        file_names="aha-leads.vcf", source="vcard", created_at=datetime(2026, 11, 10, 9)
    )
    ImportChange.create(batch=batch, contact=ana, action="created")
    log_interaction(ana, channel="met", summary="Poster session", occurred_at=datetime(2026, 11, 8))
    add_milestone(ana, "publication", "NEJM paper", on=date(2026, 11, 12))
    done = create_followup(ana, date(2026, 11, 11), "Send slides")
    complete_followup(done, summary="Sent slides")
    create_followup(ana, date(2026, 12, 1), "Coffee in December")
    entries = timeline(ana.id)
    kinds = [e.kind for e in entries]
    assert kinds[0] == "followup" and entries[0].status == "open"  # due 1 Dec, the newest
    assert set(kinds) == {"followup", "interaction", "milestone", "event", "import"}
    whens = [e.when for e in entries]
    assert whens == sorted(whens, reverse=True)
    assert entries[-1].title == "Met at AHA 2026" and "speaker" in entries[-1].detail
    imported = next(e for e in entries if e.kind == "import")
    assert imported.title == "Imported aha-leads.vcf"
    only = timeline(ana.id, kinds={"milestone", "event"})
    assert [e.kind for e in only] == ["milestone", "event"]
    with pytest.raises(InputError, match="Unknown timeline kind"):
        timeline(ana.id, kinds=["gossip"])
    with pytest.raises(NotFound):
        timeline(4242)
    assert timeline(ana.id)[0].to_dict()["when"] == "2026-12-01T00:00:00"
