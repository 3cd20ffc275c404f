from datetime import date, datetime, timedelta

import pytest

from netdesk.models import Contact, FollowUp, ImportBatch, ImportChange, Interaction
from netdesk.services.calendar.followups import create_followup
from netdesk.services.calendar.today import build_today, complete_item, snooze_item, undo_item
from netdesk.services.contacts.records import add_tags, create_contact, tag_named
from netdesk.services.history.interactions import add_milestone, log_interaction

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 12, 0)


def person(name, **fields):
    contact = create_contact(name=name, emails=[f"{name.split()[0].lower()}@x.org"], **fields)
    Contact.update(created_at=datetime(2025, 1, 1)).where(Contact.id == contact.id).execute()
    return contact


def titles(result, section):
    return [(i.name, i.title, i.detail) for i in result.sections[section]]


@pytest.fixture
def base(db):
    ana, ben = person("Ana Silva"), person("Ben Okafor")
    create_followup(ana, TODAY - timedelta(days=3), "Send the sepsis deck")
    create_followup(ana, TODAY - timedelta(days=1), "Old, done")
    FollowUp.update(status="done").where(FollowUp.title == "Old, done").execute()
    create_followup(ben, TODAY, "Call about the grant")
    create_followup(ben, TODAY + timedelta(days=7), "Coffee")
    create_followup(ben, TODAY + timedelta(days=8), "Too far")
    archived = person("Old Timer")
    Contact.update(archived=True).where(Contact.id == archived.id).execute()
    create_followup(archived, TODAY, "Hidden: archived")
    return ana, ben


def test_followup_sections(base):
    result = build_today(TODAY, NOW)
    assert titles(result, "overdue") == [("Ana Silva", "Send the sepsis deck", "overdue 3 days")]
    assert titles(result, "due_today") == [("Ben Okafor", "Call about the grant", "due today")]
    assert titles(result, "upcoming") == [("Ben Okafor", "Coffee", "due Wed 02 Dec")]
    assert result.sections["overdue"][0].email == "ana@x.org"
    assert result.totals["overdue"] == 1
    assert result.to_dict()["sections"]["upcoming"][0]["due"] == "2026-12-02"


def test_lapsed_cadence_by_contact_and_by_tag(db):
    cara = person("Cara Lee", stay_in_touch_days=60)
    log_interaction(cara, channel="call", occurred_at=NOW - timedelta(days=94))
    dan = person("Dan Wu", stay_in_touch_days=60)
    log_interaction(dan, channel="call", occurred_at=NOW - timedelta(days=10))
    eve = person("Eve Cho")  # cadence from her tag, the shortest one wins
    tag = tag_named("Board")
    tag.stay_in_touch_days = 30
    tag.save()
    add_tags(eve, ["Board", "Friends"])
    friends = tag_named("Friends")
    friends.stay_in_touch_days = 90
    friends.save()
    log_interaction(eve, channel="email", occurred_at=NOW - timedelta(days=45))
    fay = person("Fay Ng", stay_in_touch_days=7)  # never talked; added long ago
    planned = person("Gus Po", stay_in_touch_days=7)
    create_followup(planned, TODAY + timedelta(days=30), "Already planned")
    result = build_today(TODAY, NOW)
    assert titles(result, "lapsed") == [
        ("Fay Ng", "Get back in touch", "never talked; added 693 days ago; cadence 7"),
        ("Cara Lee", "Get back in touch", "haven't talked to in 94 days; cadence 60"),
        ("Eve Cho", "Get back in touch", "haven't talked to in 45 days; cadence 30"),
    ]
    assert result.totals["lapsed"] == 3
    assert fay.id and dan.id


def test_recent_milestones_until_someone_reacts(db):
    ana = person("Ana Silva")
    add_milestone(ana, "award", "Nurse of the Year", on=NOW - timedelta(days=5))
    add_milestone(ana, "grant", "Too old", on=NOW - timedelta(days=40))
    ben = person("Ben Okafor")
    add_milestone(
        ben, "promotion", "Has a follow-up", on=NOW - timedelta(days=2), congratulate=True
    )
    result = build_today(TODAY, NOW)
    assert titles(result, "milestones") == [
        ("Ana Silva", "Nurse of the Year", "award · 20 Nov 2026")
    ]
    item = result.sections["milestones"][0]
    undo = complete_item(item)
    assert build_today(TODAY, NOW).sections["milestones"] == []
    assert Interaction.get_by_id(undo["interaction"]).summary == "Congratulated: Nurse of the Year"
    undo_item(undo)
    [item] = build_today(TODAY, NOW).sections["milestones"]
    undo = snooze_item(item, TODAY + timedelta(days=2))
    planned = FollowUp.get_by_id(undo["created_followup"])
    assert planned.title == "Congratulate Ana Silva: Nurse of the Year"
    assert build_today(TODAY, NOW).sections["milestones"] == []
    undo_item(undo)
    assert len(build_today(TODAY, NOW).sections["milestones"]) == 1


def test_recent_imports_not_yet_contacted(db):
    ana, ben, cara = person("Ana Silva"), person("Ben Okafor"), person("Cara Lee")
    batch = ImportBatch.create(
        file_names="/home/u/Downloads/aha.vcf\n/home/u/more.vcf", created_at=NOW - timedelta(days=3)
    )
    old = ImportBatch.create(file_names="old.vcf", created_at=NOW - timedelta(days=90))
    undone = ImportBatch.create(file_names="u.vcf", created_at=NOW, undone_at=NOW)
    for c in (ana, ben):
        ImportChange.create(batch=batch, contact=c, action="created")
    ImportChange.create(batch=old, contact=cara, action="created")
    ImportChange.create(batch=undone, contact=cara, action="created")
    log_interaction(ben, channel="email", occurred_at=NOW - timedelta(days=1))
    result = build_today(TODAY, NOW)
    assert titles(result, "imports") == [
        ("Ana Silva", "Follow up after the import", "imported from aha.vcf and 1 more on 22 Nov")
    ]


def test_done_and_snooze_with_undo(base):
    ana, ben = base
    result = build_today(TODAY, NOW)
    overdue = result.sections["overdue"][0]
    undo = complete_item(overdue, channel="call")
    f = FollowUp.get_by_id(overdue.followup_id)
    assert f.status == "done" and f.sequence == 1
    assert Contact.get_by_id(ana.id).last_interaction_at is not None
    undo_item(undo)
    f = FollowUp.get_by_id(overdue.followup_id)
    assert (f.status, f.completed_at, f.sequence) == ("open", None, 2)
    assert Contact.get_by_id(ana.id).last_interaction_at is None
    undo = snooze_item(overdue, TODAY + timedelta(days=1))
    after = build_today(TODAY, NOW)
    assert after.sections["overdue"] == []
    assert [i.title for i in after.sections["upcoming"]][0] == "Send the sepsis deck"
    undo_item(undo)
    f = FollowUp.get_by_id(overdue.followup_id)
    assert (f.status, f.due_date) == ("open", TODAY - timedelta(days=3))


def test_snoozing_a_person_row_plans_a_followup(db):
    cara = person("Cara Lee", stay_in_touch_days=30)
    [item] = build_today(TODAY, NOW).sections["lapsed"]
    undo = snooze_item(item, TODAY + timedelta(days=7))
    made = FollowUp.get_by_id(undo["created_followup"])
    assert (made.title, made.origin, made.contact_id) == (
        "Get back in touch with Cara Lee",
        "cadence",
        cara.id,
    )
    assert build_today(TODAY, NOW).sections["lapsed"] == []
    undo_item(undo)
    assert FollowUp.select().count() == 0


def test_empty_base(db):
    result = build_today(TODAY, NOW)
    assert result.is_empty()


def test_mailto_link_is_encoded(db):
    from urllib.parse import parse_qs, urlsplit

    from netdesk.services.calendar.today import TodayItem, mailto_link

    item = TodayItem(
        "milestones", 1, "Award & grant: 100%", "", name="Zoë Müller", email="zoe@x.org"
    )
    link = mailto_link(item)
    assert link.startswith("mailto:zoe@x.org?subject=Congratulations%21&body=Hi%20Zo%C3%AB")
    body = parse_qs(urlsplit(link).query)["body"][0]
    assert "(Award & grant: 100%)" in body and " " not in link
    followup = TodayItem(
        "overdue", 1, "Send the deck", "", followup_id=3, name="Ana", email="a@x.org"
    )
    assert "subject=Send%20the%20deck" in mailto_link(followup)


def test_undoing_done_also_removes_the_cadence_followup_it_planned(db):
    cara = person("Cara Lee", stay_in_touch_days=30)
    create_followup(cara, TODAY, "Check in")
    [item] = build_today(TODAY, NOW).sections["due_today"]
    undo = complete_item(item)
    planned = FollowUp.select().where(FollowUp.origin == "cadence")
    assert planned.count() == 1
    undo_item(undo)
    assert FollowUp.select().where(FollowUp.origin == "cadence").count() == 0
    assert FollowUp.get_by_id(item.followup_id).status == "open"
