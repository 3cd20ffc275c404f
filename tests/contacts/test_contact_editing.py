from datetime import date

import pytest

from netdesk.errors import InputError
from netdesk.models import Contact, ContactMethod, Event, EventAttendance, FollowUp, Interaction
from netdesk.services.contacts.editing import (
    contact_names,
    deletion_summary,
    event_choices,
    form_values,
    replace_contacts,
    save_contact,
    tag_names,
    validate_form,
)
from netdesk.services.contacts.records import contact_to_dict, create_contact, snapshot_contacts

VALID_NPI = "1234567893"


def form(**overrides):
    values = {
        "given_name": "Jane",
        "family_name": "Doe",
        "emails": ["jane@stmarys.org"],
        "phones": ["+1 312 555 0100"],
        "urls": [],
        "tags": ["AHA 2026"],
        "organization": "St Mary's Hospital",
    }
    values.update(overrides)
    return values


def test_save_contact_creates_then_replaces_lists(db):
    contact = save_contact(None, form(urls=["linkedin.com/in/janedoe"], npi=VALID_NPI))
    assert contact_to_dict(contact)["urls"] == ["linkedin.com/in/janedoe"]
    save_contact(
        contact.id,
        form(
            emails=["jane.doe@mercy.org", "jane@stmarys.org"],
            phones=[],
            tags=["mentor"],
            organization="Mercy",
            title="CNO",
            birthday="1980-02-29",
        ),
    )
    data = contact_to_dict(Contact.get_by_id(contact.id))
    assert data["emails"] == ["jane.doe@mercy.org", "jane@stmarys.org"]  # first is preferred
    assert data["phones"] == []
    assert data["tags"] == ["mentor"]
    assert data["organization"] == "Mercy"
    assert data["title"] == "CNO"
    assert data["birthday"] == "1980-02-29"
    assert data["npi"] == VALID_NPI


def test_form_values_round_trip(db):
    contact = save_contact(None, form(birthday="1975-05-01", stay_in_touch_days=30, role="nurse"))
    values = form_values(contact)
    assert values["birthday"] == date(1975, 5, 1)
    assert values["emails"] == ["jane@stmarys.org"]
    assert values["tags"] == ["AHA 2026"]
    assert values["role"] == "nurse"
    assert values["stay_in_touch_days"] == 30


@pytest.mark.parametrize(
    ("overrides", "fragment"),
    [
        ({"emails": ["jane@"]}, "not a valid email"),
        ({"phones": ["12"]}, "not a phone number"),
        ({"urls": ["java\tscript:alert(1)"]}, "cannot be saved as a link"),
        ({"urls": ["data:text/html,<script>x</script>"]}, "cannot be saved as a link"),
        ({"npi": "1234567890"}, "check digit"),
        ({"birthday": "31/12/1980"}, "not a date"),
        ({"given_name": "", "family_name": "", "emails": [], "organization": ""}, "needs at least"),
    ],
)
def test_bad_forms_are_refused_before_anything_is_written(db, overrides, fragment):
    assert any(fragment in p for p in validate_form(form(**overrides)))
    with pytest.raises(InputError, match=fragment):
        save_contact(None, form(**overrides))
    assert Contact.select().count() == 0


def test_replace_contacts_undoes_an_edit_exactly(db):
    contact = save_contact(None, form())
    before = snapshot_contacts([contact.id])
    save_contact(contact.id, form(emails=["other@x.org"], tags=[], family_name="Smith"))
    replace_contacts(before)
    data = contact_to_dict(Contact.get_by_id(contact.id))
    assert data["family_name"] == "Doe"
    assert data["emails"] == ["jane@stmarys.org"]
    assert data["tags"] == ["AHA 2026"]
    assert ContactMethod.select().where(ContactMethod.value == "other@x.org").count() == 0


def test_deletion_summary_counts_what_goes_with_the_contacts(db):
    a = create_contact(name="Ana Silva", emails=["ana@x.org"])
    b = create_contact(name="Ben Okafor")
    event = Event.create(name="AHA 2026", start_date=date(2026, 11, 7))
    EventAttendance.create(contact=a, event=event)
    Interaction.create(contact=a, summary="Coffee")
    Interaction.create(contact=b, summary="Call")
    FollowUp.create(contact=b, title="Send paper", due_date=date(2026, 12, 1), uid="u1")
    summary = deletion_summary([a.id, b.id])
    assert summary == {
        "contacts": 2,
        "interactions": 2,
        "followups": 1,
        "attendances": 1,
        "methods": 1,
    }
    assert contact_names([b.id, a.id]) == ["Ben Okafor", "Ana Silva"]
    assert event_choices() == [(event.id, "AHA 2026 (2026)")]


def test_tag_names_are_sorted_case_insensitively(db):
    create_contact(name="Ana Silva", tags=["zeta", "Alpha", "beta"])
    assert tag_names() == ["Alpha", "beta", "zeta"]


def test_batched_snapshot_brings_back_everything_exactly(db, monkeypatch):
    from netdesk.models import Relationship
    from netdesk.services.contacts import records as contacts_service
    from netdesk.services.contacts.records import delete_contacts, restore_contacts

    monkeypatch.setattr(contacts_service, "_BATCH", 2)  # several batches with 5 contacts
    people = [
        create_contact(name=f"Person {i}", emails=[f"p{i}@x.org"], tags=["AHA"]) for i in range(5)
    ]
    Relationship.create(source=people[0], target=people[4], kind="mentor of")
    Interaction.create(contact=people[3], summary="Coffee")
    before = [contact_to_dict(c) for c in Contact.select().order_by(Contact.id)]
    ids = [p.id for p in people]
    shots = snapshot_contacts(ids)
    delete_contacts(ids)
    assert Contact.select().count() == 0 and Relationship.select().count() == 0
    restore_contacts(shots)
    assert [contact_to_dict(c) for c in Contact.select().order_by(Contact.id)] == before
    assert Relationship.select().count() == 1
    assert Interaction.select().where(Interaction.contact == people[3].id).count() == 1
