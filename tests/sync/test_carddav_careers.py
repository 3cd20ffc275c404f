"""Careers through CardDAV: a new title written by another client is a career move here,
recorded once; several positions travel between two netdesks as grouped ORG / TITLE."""

from test_carddav_sync import THIRD_PARTY, on, server, two  # noqa: F401 (fixture)

from netdesk.models import Contact, FollowUp, Interaction
from netdesk.services.contacts.affiliations import affiliation_rows, set_affiliations
from netdesk.services.contacts.records import create_contact
from netdesk.services.sync.carddav import sync_contacts


def positions(contact_id):
    return [
        (r["organization"], r["title"], r["primary"], r["end_date"] is not None)
        for r in affiliation_rows(contact_id)
    ]


def test_a_new_title_from_another_client_is_one_milestone(tmp_path, radicale, carddav_book):
    dav = server(radicale, carddav_book)
    href = dav._path(carddav_book + "third-party-1.vcf")
    etag = dav.put(href, THIRD_PARTY, None)
    db = tmp_path / "a.sqlite3"
    with on(db):
        assert sync_contacts(carddav_book, radicale.user, radicale.password).created_here == 1
    promoted = THIRD_PARTY.replace("Attending Cardiologist", "Chief of Cardiology")
    dav.put(href, promoted, etag or dav.get(href).etag)
    with on(db):
        assert sync_contacts(carddav_book, radicale.user, radicale.password).updated_here == 1
        adaeze = Contact.get()
        assert adaeze.title == "Chief of Cardiology"
        assert positions(adaeze.id) == [
            ("St. Mary's Hospital", "Chief of Cardiology", True, False),
            ("St. Mary's Hospital", "Attending Cardiologist", False, True),
        ]
        (milestone,) = Interaction.select().where(Interaction.kind == "milestone")
        assert milestone.milestone_kind == "promotion"
        assert FollowUp.select().count() == 1
        for _ in range(2):  # the past position goes to the server; nothing repeats
            sync_contacts(carddav_book, radicale.user, radicale.password)
        assert Interaction.select().where(Interaction.kind == "milestone").count() == 1
        assert len(positions(adaeze.id)) == 2
    assert "X-NETDESK-END" in dav.get(href).text


def test_positions_travel_between_two_netdesks(two):  # noqa: F811 (the fixture)
    a, b, sync = two
    with on(a):
        ben = create_contact(name="Ben Okafor", emails=["ben@stmarys.example.org"])
        set_affiliations(
            ben,
            [
                {"organization": "St Mary's Hospital", "title": "Attending", "primary": True},
                {"organization": "Mayo Clinic", "title": "Consultant", "start_date": "2021-09-01"},
            ],
        )
    sync(a)
    sync(b)
    with on(b):
        copy = Contact.get()
        assert positions(copy.id) == [
            ("St Mary's Hospital", "Attending", True, False),
            ("Mayo Clinic", "Consultant", False, False),
        ]
        assert Interaction.select().count() == 0
    again = sync(b)
    assert (again.updated_there, again.updated_here) == (0, 0)


def test_a_first_sync_never_takes_an_older_title_for_a_move(tmp_path, radicale, carddav_book):
    """Without an agreed card, which side is newer is unknown: ours stays, theirs is history."""
    from netdesk.services.history.interactions import timeline

    dav = server(radicale, carddav_book)
    dav.put(dav._path(carddav_book + "third-party-1.vcf"), THIRD_PARTY, None)
    with on(tmp_path / "a.sqlite3"):
        here = create_contact(
            name="Adaeze Okafor", emails=["adaeze.okafor@stmarys.example.org"],
            organization="St. Mary's Hospital", title="Chief of Cardiology",
        )  # fmt: skip
        sync_contacts(carddav_book, radicale.user, radicale.password)
        assert Contact.get_by_id(here.id).title == "Chief of Cardiology"
        assert Interaction.select().where(Interaction.kind == "milestone").count() == 0
        history = [e.title for e in timeline(here.id)]
        assert any("Attending Cardiologist" in t for t in history)
