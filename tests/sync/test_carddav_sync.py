"""Two-way CardDAV sync against a real Radicale: two netdesk databases, a third-party
client writing directly to the server, and a proxy that misbehaves like real servers."""

from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import time_machine
from dav_stub import Proxy, serve

from netdesk.models import (
    CardSyncState,
    Contact,
    ContactMethod,
    close_database,
    open_database,
)
from netdesk.services.contacts.editing import form_values, save_contact
from netdesk.services.contacts.records import create_contact
from netdesk.services.history.interactions import timeline
from netdesk.services.sync.carddav import TooManyDeletions, sync_contacts
from netdesk.services.sync.dav import AddressBookClient

THIRD_PARTY = (
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "PRODID:-//Apple Inc.//Mac OS X 14.4//EN\r\n"
    "UID:third-party-1\r\n"
    "N:Okafor;Adaeze;;Dr.;\r\n"
    "FN:Dr. Adaeze Okafor\r\n"
    "ORG:St. Mary's Hospital\r\n"
    "TITLE:Attending Cardiologist\r\n"
    "EMAIL;type=INTERNET;type=WORK:adaeze.okafor@stmarys.example.org\r\n"
    "item1.X-ABRELATEDNAMES:Chinedu Okafor\r\n"
    "item1.X-ABLabel:_$!<Spouse>!$_\r\n"
    "IMPP;X-SERVICE-TYPE=Skype;type=HOME:skype:adaeze.okafor\r\n"
    "RELATED;TYPE=colleague;VALUE=text:Dr. Ana Gomez\r\n"
    "CLASS:CONFIDENTIAL\r\n"
    "CATEGORIES:Cardiology\r\n"
    "X-ACTIVITY-ALERT:type=call\\,snd=<none>\\,vib=Alert\r\n"
    "END:VCARD\r\n"
)


@contextmanager
def on(path):
    """Work on the netdesk database at ``path`` (one database per process at a time)."""
    close_database()
    open_database(path)
    try:
        yield
    finally:
        close_database()


@pytest.fixture
def two(tmp_path, radicale, carddav_book):
    """Two netdesk databases and a sync function for each."""

    def sync(path, **kw):
        with on(path):
            return sync_contacts(carddav_book, radicale.user, radicale.password, **kw)

    return tmp_path / "a.sqlite3", tmp_path / "b.sqlite3", sync


def edit(contact_id: int, changes: dict) -> None:
    """What the contact editor does when the user changes these fields and saves."""
    values = form_values(Contact.get_by_id(contact_id))
    values.update(changes)
    save_contact(contact_id, values)


def server(radicale, book) -> AddressBookClient:
    dav = AddressBookClient(book, radicale.user, radicale.password)
    dav.find_addressbook()
    return dav


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").replace("\r\n\t", "").split("\r\n")


def test_a_contact_travels_between_two_netdesks_both_ways(two, radicale, carddav_book):
    a, b, sync = two
    with on(a):
        ana = create_contact(
            given_name="Ana", family_name="Silva", emails=["ana@clinic.example.org"],
            phones=["+1 617 555 0100"], tags=["Cardiology"], specialty="Heart failure",
            role="physician", credentials="MD",
        )  # fmt: skip
        ana_id = ana.id
    assert sync(a).created_there == 1
    report = sync(b)
    assert report.created_here == 1
    with on(b):
        (copy,) = Contact.select()
        assert (copy.given_name, copy.specialty, copy.role, copy.credentials) == (
            "Ana", "Heart failure", "physician", "MD",
        )  # fmt: skip
        edit(copy.id, {"title": "Chief of Cardiology", "phones": ["+1 617 555 0199"]})
    assert sync(b).updated_there == 1
    assert sync(a).updated_here == 1
    with on(a):
        ana = Contact.get_by_id(ana_id)
        assert ana.title == "Chief of Cardiology"
        phones = [m.value for m in ana.methods if m.kind == "phone"]
        assert phones == ["+1 617 555 0199"]
        Contact.delete_by_id(ana_id)
    assert sync(a).deleted_there == 1
    assert sync(b).archived_here == 1
    with on(b):
        assert Contact.get().archived  # archived, recoverable; not destroyed
    # nothing left to do on either side
    for path in (a, b):
        again = sync(path)
        assert (again.created_there, again.updated_there, again.updated_here) == (0, 0, 0)


def test_unknown_properties_survive_an_edit_in_netdesk_byte_for_byte(
    tmp_path, radicale, carddav_book
):
    """A card another client wrote keeps every line netdesk does not model, exactly as the
    server served it, when netdesk writes its edit back (Radicale itself normalises
    cards on storage, so the comparison is with what netdesk read and what it sent)."""
    proxy = Proxy(radicale.url)
    base, stop = serve(proxy)
    url = carddav_book.replace(radicale.url, base)
    dav = server(radicale, carddav_book)
    href = dav._path(carddav_book + "third-party-1.vcf")
    dav.put(href, THIRD_PARTY, None)
    served = unfolded(dav.get(href).text)
    try:
        with on(tmp_path / "a.sqlite3"):
            assert sync_contacts(url, radicale.user, radicale.password).created_here == 1
            edit(Contact.get().id, {"title": "Chief of Cardiology"})
            proxy.bodies.clear()
            assert sync_contacts(url, radicale.user, radicale.password).updated_there == 1
    finally:
        stop()
    (sent,) = [unfolded(body) for method, body in proxy.bodies if method == "PUT"]
    assert "TITLE:Chief of Cardiology" in sent
    modelled = ("BEGIN", "VERSION", "N", "FN", "ORG", "TITLE", "EMAIL", "CATEGORIES", "UID", "IMPP",
                "REV", "ROLE", "X-NETDESK-", "END")  # fmt: skip
    unknown = [x for x in served if x and not x.split(";")[0].split(":")[0].startswith(modelled)]
    assert len(unknown) >= 6  # PRODID, CLASS, RELATED, the item1 group, X-ACTIVITY-ALERT
    for line in unknown:
        assert line in sent, f"{line!r} was lost or changed"
    (impp,) = [x for x in sent if x.startswith("IMPP")]  # modelled, parameters all kept
    assert impp.endswith(":skype:adaeze.okafor") and "TYPE=HOME" in impp
    assert "X-SERVICE-TYPE=Skype" in impp


def test_same_field_changed_on_both_sides_newer_wins_other_kept_in_history(two):
    a, b, sync = two
    with time_machine.travel(datetime(2027, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        with on(a):
            create_contact(given_name="Ben", family_name="Okoye", emails=["ben@h.example.org"])
        sync(a)
        sync(b)
    with time_machine.travel(datetime(2027, 3, 14, 10, 0, tzinfo=UTC), tick=False), on(a):
        edit(Contact.get().id, {"title": "Nurse Manager"})  # older
    with time_machine.travel(datetime(2027, 3, 14, 11, 0, tzinfo=UTC), tick=False):
        with on(b):
            edit(Contact.get().id, {"title": "Director of Nursing", "notes": "From B"})
        sync(b)
    with time_machine.travel(datetime(2027, 3, 14, 12, 0, tzinfo=UTC), tick=False):
        report = sync(a)
    assert len(report.conflicts) == 1 and "title" in report.conflicts[0]
    with on(a):
        ben = Contact.get()
        assert ben.title == "Director of Nursing"  # B's change was newer
        assert ben.notes == "From B"  # changed on one side only: taken
        history = [e.title for e in timeline(ben.id)]
        assert any("Nurse Manager" in s and "title" in s for s in history)
    sync(b)
    with on(b):
        assert Contact.get().title == "Director of Nursing"


def test_412_fetches_merges_and_retries_once(tmp_path, radicale, carddav_book):
    proxy = Proxy(radicale.url)
    base, stop = serve(proxy)
    url = carddav_book.replace(radicale.url, base)
    path = tmp_path / "a.sqlite3"
    try:
        with on(path):
            create_contact(given_name="Cy", family_name="Ng", emails=["cy@h.example.org"])
            sync_contacts(url, radicale.user, radicale.password)
            edit(Contact.get().id, {"title": "Pharmacist"})
            proxy.fail_next_put_with = 412
            proxy.log.clear()
            report = sync_contacts(url, radicale.user, radicale.password)
            assert not report.problems
            puts = [status for method, _, status in proxy.log if method == "PUT"]
            assert puts[0] == 412 and puts[-1] in (201, 204)
            assert "GET" in [m for m, _, _ in proxy.log]
            href = CardSyncState.get().href
    finally:
        stop()
    assert "TITLE:Pharmacist" in server(radicale, carddav_book).get(href).text


def test_server_rewrites_and_missing_etags_cause_no_reimport_loop(tmp_path, radicale, carddav_book):
    proxy = Proxy(radicale.url)
    base, stop = serve(proxy)
    url = carddav_book.replace(radicale.url, base)
    proxy.strip_etag_on_put = True

    def rewrite(text: str) -> str:  # like Google/iCloud: new PRODID, REV, other order and case
        lines = [x for x in text.replace("\r\n ", "").split("\r\n") if x]
        body = [x.replace("TYPE=", "type=") for x in lines[2:-1] if not x.startswith("REV")]
        return "\r\n".join(
            ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Server//Rewriter//EN",
             "REV:2031-01-01T00:00:00Z", *reversed(body), "END:VCARD", ""]
        )  # fmt: skip

    proxy.rewrite = rewrite
    path = tmp_path / "a.sqlite3"
    try:
        with on(path):
            for i in range(3):
                create_contact(
                    given_name=f"P{i}", family_name="Lee", emails=[f"p{i}@h.example.org"],
                    phones=[f"+1 617 555 010{i}"],
                )  # fmt: skip
            first = sync_contacts(url, radicale.user, radicale.password)
            assert first.created_there == 3
            assert all(s.etag for s in CardSyncState.select())  # fetched, not guessed
            for _ in range(2):
                proxy.log.clear()
                again = sync_contacts(url, radicale.user, radicale.password)
                assert (again.updated_here, again.updated_there, again.created_here) == (0, 0, 0)
                assert not [m for m, _, _ in proxy.log if m in ("PUT", "DELETE")]
    finally:
        stop()


def test_first_sync_matches_existing_contacts_and_never_duplicates(two, radicale, carddav_book):
    a, _, sync = two
    dav = server(radicale, carddav_book)
    dav.put(dav._path(carddav_book + "x.vcf"), THIRD_PARTY, None)
    with on(a):
        create_contact(
            given_name="Adaeze", family_name="Okafor", emails=["Adaeze.Okafor@stmarys.example.org"],
            specialty="Echocardiography",
        )  # fmt: skip
    dry = sync(a, dry_run=True)
    assert dry.created_here == 0 and dry.updated_here == 1
    assert any("same person" in line for line in dry.plan_lines)
    with on(a):
        assert CardSyncState.select().count() == 0  # a dry run writes nothing
    report = sync(a)
    assert report.created_here == 0 and report.updated_there == 1
    with on(a):
        (contact,) = Contact.select()
        assert contact.title == "Attending Cardiologist"  # filled from the server
        assert contact.specialty == "Echocardiography"  # ours kept; the server's in history
        assert any("specialty" in e.title for e in timeline(contact.id))
    text = dav.get(dav._path(carddav_book + "x.vcf")).text
    assert "X-NETDESK-SPECIALTY:Echocardiography" in text  # netdesk's fields went up
    assert "item1.X-ABRELATEDNAMES:Chinedu Okafor" in text


def test_mass_deletion_on_the_server_stops_and_asks(two, radicale, carddav_book):
    a, _, sync = two
    with on(a):
        for i in range(10):
            create_contact(given_name=f"N{i}", family_name="Doe", emails=[f"n{i}@h.example.org"])
    sync(a)
    dav = server(radicale, carddav_book)
    listing = dav.etag_listing()
    for href in sorted(listing.etags)[:5]:
        dav.delete(href, listing.etags[href])
    with pytest.raises(TooManyDeletions, match="5 of the 10 .*allow-deletions"):
        sync(a)
    with on(a):
        assert Contact.select().where(Contact.archived == True).count() == 0  # noqa: E712
    assert sync(a, allow_deletions=True).archived_here == 5


def test_a_malformed_card_is_reported_and_the_rest_syncs(two, radicale, carddav_book):
    a, _, sync = two
    dav = server(radicale, carddav_book)
    dav.put(dav._path(carddav_book + "ok.vcf"), THIRD_PARTY, None)
    dav.put(
        dav._path(carddav_book + "empty.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:empty\r\nFN:\r\nX-FOO:bar\r\nEND:VCARD\r\n",
        None,
    )
    report = sync(a)
    assert report.created_here == 1
    assert len(report.problems) == 1 and "empty.vcf" in report.problems[0]


def test_wrong_password_and_missing_address_book(two, radicale, carddav_book):
    from netdesk.errors import UserError

    a, _, _ = two
    with on(a), pytest.raises(UserError, match="refused user"):
        sync_contacts(carddav_book, radicale.user, "wrong")
    with on(a), pytest.raises(UserError, match="No address book named 'Work'"):
        sync_contacts(radicale.url, radicale.user, radicale.password, "Work")


def test_photos_travel_both_ways_within_bounds(two, radicale, carddav_book):
    import base64
    import io

    from PIL import Image

    a, b, sync = two
    small = io.BytesIO()
    Image.new("RGB", (16, 16), (0, 90, 200)).save(small, "PNG")
    with on(a):
        c = create_contact(given_name="Photo", family_name="Small", emails=["s@h.example.org"])
        Contact.update(photo=small.getvalue()).where(Contact.id == c.id).execute()
    sync(a)
    sync(b)
    with on(b):
        assert bytes(Contact.get().photo) == small.getvalue()
    big = io.BytesIO()
    Image.effect_noise((700, 700), 90).convert("RGB").save(big, "JPEG", quality=95)
    assert len(big.getvalue()) > 256 * 1024
    data = base64.b64encode(big.getvalue()).decode()
    dav = server(radicale, carddav_book)
    dav.put(
        dav._path(carddav_book + "big.vcf"),
        "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:big\r\nFN:Photo Big\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{data}\r\nEND:VCARD\r\n",
        None,
    )
    sync(b)
    with on(b):
        photo = Contact.get(Contact.uid == "big").photo
        assert photo and len(photo) <= 256 * 1024


def test_backup_before_the_first_sync(two, radicale, carddav_book):
    from netdesk.services.data.backup import list_backups

    a, _, sync = two
    with on(a):
        create_contact(given_name="Zed", family_name="Q", emails=["z@h.example.org"])
    sync(a)
    sync(a)
    kinds = [b.kind for b in list_backups(a)]
    assert kinds.count("pre-carddav-sync") == 1


def test_a_merge_of_two_contacts_here_is_not_undone_by_the_server(two):
    """Merging duplicates in netdesk (one absorbs the other's email, the other goes)
    reaches the server and a second netdesk; the server's old copies do not return."""
    a, b, sync = two
    with on(a):
        one = create_contact(given_name="Dana", family_name="Kim", emails=["dana@h.example.org"])
        two_ = create_contact(given_name="Dana", family_name="Kim", emails=["dk@home.example.org"])
        keep_id, gone_id = one.id, two_.id
    sync(a)
    sync(b)
    with on(a):
        ContactMethod.update(contact=keep_id).where(ContactMethod.contact == gone_id).execute()
        Contact.get_by_id(keep_id).save()
        Contact.delete_by_id(gone_id)
    report = sync(a)
    assert (report.updated_there, report.deleted_there) == (1, 1)
    assert sync(a).updated_here == 0
    with on(a):
        (dana,) = Contact.select()
        assert sorted(m.value for m in dana.methods) == [
            "dana@h.example.org",
            "dk@home.example.org",
        ]
    sync(b)
    with on(b):
        live = list(Contact.select().where(Contact.archived == False))  # noqa: E712
        assert len(live) == 1 and len(list(live[0].methods)) == 2


def third_party_edit(dav: AddressBookClient, href: str, **lines: str) -> None:
    """Another client changes properties of the card at ``href`` (NAME=value lines)."""
    card = dav.get(href)
    kept = [x for x in unfolded(card.text) if x and x.split(":")[0].split(";")[0] not in lines]
    new = [f"{name}:{value}" for name, value in lines.items()]
    dav.put(href, "\r\n".join([*kept[:-1], *new, kept[-1], ""]), card.etag)


@pytest.mark.parametrize("mode", ["", "token-403", "token-409", "none-403", "none-501"])
def test_changes_listed_or_full_fallback(  # short: the book's name holds the mode
    tmp_path, radicale, carddav_book, mode
):
    """A later run asks only for what changed since its sync token; a server that forgot
    the token (403/409 valid-sync-token) is asked for everything again, and one without
    sync-collection is listed by ETags. Either way the server's edit and deletion arrive."""
    proxy = Proxy(radicale.url)
    base, stop = serve(proxy)
    url = carddav_book.replace(radicale.url, base)
    dav = server(radicale, carddav_book)  # another client, straight to Radicale
    try:
        with on(tmp_path / "a.sqlite3"):
            for i in range(4):
                create_contact(
                    given_name=f"T{i}", family_name="Roe", emails=[f"t{i}@h.example.org"]
                )
            assert sync_contacts(url, radicale.user, radicale.password).created_there == 4
            hrefs = sorted(dav.etag_listing().etags)
            third_party_edit(dav, hrefs[0], TITLE="Charge Nurse")
            dav.delete(hrefs[1], dav.get(hrefs[1]).etag)
            proxy.sync_collection = mode
            proxy.log.clear()
            proxy.sync_tokens.clear()
            report = sync_contacts(url, radicale.user, radicale.password)
            assert (report.updated_here, report.archived_here, report.problems) == (1, 1, [])
            assert CardSyncState.get(CardSyncState.href == hrefs[0]).contact.title == "Charge Nurse"
            propfinds = [s for m, _, s in proxy.log if m == "PROPFIND" and s == 207]
            assert proxy.sync_tokens[0]  # the token of the last run was offered
            if mode.startswith("none"):
                assert len(propfinds) == 2  # the address book, then every ETag
            else:
                assert len(propfinds) == 1  # the address book only: no ETag listing
                assert proxy.sync_tokens[1:] == ([""] if mode else [])  # forgotten: all again
            again = sync_contacts(url, radicale.user, radicale.password)
            assert (again.updated_here, again.updated_there, again.archived_here) == (0, 0, 0)
    finally:
        stop()


@pytest.mark.parametrize(
    "prefer, kept, other",
    [
        ("mine", "Nurse Manager", "Director of Nursing"),
        ("theirs", "Director of Nursing", "Nurse Manager"),
        ("newest", "Nurse Manager", "Director of Nursing"),  # here was edited later
    ],
)
def test_conflict_rule_mine_theirs_or_newest(two, prefer, kept, other):
    """The same field changed in netdesk A and (through the server) by netdesk B: the
    chosen rule decides, the other value goes to A's history, and B gets the winner."""
    a, b, sync = two
    with time_machine.travel(datetime(2027, 3, 14, 9, 0, tzinfo=UTC), tick=False):
        with on(a):
            create_contact(given_name="Ben", family_name="Okoye", emails=["ben@h.example.org"])
        sync(a)
        sync(b)
    with time_machine.travel(datetime(2027, 3, 14, 10, 0, tzinfo=UTC), tick=False):
        with on(b):
            edit(Contact.get().id, {"title": "Director of Nursing"})  # the older change
        sync(b)
    with time_machine.travel(datetime(2027, 3, 14, 11, 0, tzinfo=UTC), tick=False), on(a):
        edit(Contact.get().id, {"title": "Nurse Manager", "notes": "From A"})
    with time_machine.travel(datetime(2027, 3, 14, 12, 0, tzinfo=UTC), tick=False):
        report = sync(a, prefer=prefer)
        sync(b)
    assert report.prefer == prefer and len(report.conflicts) == 1
    assert f"kept {kept!r}, not {other!r}" in report.conflicts[0]
    with on(a):
        ben = Contact.get()
        assert (ben.title, ben.notes) == (kept, "From A")
        assert any(other in e.title for e in timeline(ben.id))
    with on(b):
        assert (Contact.get().title, Contact.get().notes) == (kept, "From A")


def test_the_saved_rule_is_the_default_and_a_wrong_one_is_refused(two):
    from netdesk.errors import InputError
    from netdesk.services.sync.carddav import load_config, save_config

    a, _, sync = two
    with on(a):
        assert load_config()["prefer"] == "newest"
        save_config("http://127.0.0.1/", "alice", prefer="theirs")
        assert load_config()["prefer"] == "theirs"
        with pytest.raises(InputError, match="newest, mine, theirs"):
            save_config("http://127.0.0.1/", "alice", prefer="loudest")
    assert sync(a).prefer == "theirs"
    with pytest.raises(InputError, match="loudest"):
        sync(a, prefer="loudest")


def test_first_sync_match_with_theirs_takes_the_servers_values(two, radicale, carddav_book):
    a, _, sync = two
    dav = server(radicale, carddav_book)
    href = dav._path(carddav_book + "x.vcf")
    dav.put(href, THIRD_PARTY, None)
    with on(a):
        create_contact(
            given_name="Adaeze", family_name="Okafor", emails=["adaeze.okafor@stmarys.example.org"],
            title="Cardiologist",
        )  # fmt: skip
    report = sync(a, prefer="theirs")
    assert report.created_here == 0 and len(report.conflicts) == 1
    with on(a):
        contact = Contact.get()
        assert contact.title == "Attending Cardiologist"
        assert any("Cardiologist" in e.title and "title" in e.title for e in timeline(contact.id))
    assert "TITLE:Attending Cardiologist" in dav.get(href).text


def test_later_server_updates_are_applied_by_the_next_sync(two, radicale, carddav_book):
    """A card netdesk merged on the first sync, and one it created, change on the server
    again and again: each next sync applies the change here and sends back only the past
    position a career move keeps (a new title over an old one; filling an empty one is no move)."""
    a, _, sync = two
    dav = server(radicale, carddav_book)
    merged_href = dav._path(carddav_book + "x.vcf")
    dav.put(merged_href, THIRD_PARTY, None)
    with on(a):
        create_contact(
            given_name="Adaeze", family_name="Okafor", emails=["adaeze.okafor@stmarys.example.org"],
            specialty="Echocardiography",
        )  # fmt: skip
        create_contact(given_name="Femi", family_name="Ade", emails=["femi@h.example.org"])
    first = sync(a)
    assert (first.created_here, first.updated_there, first.created_there) == (0, 1, 1)
    with on(a):
        femi_href = CardSyncState.get(CardSyncState.href != merged_href).href
    for round_, (title, moves) in enumerate([("Chief of Cardiology", 1), ("Medical Director", 2)]):
        third_party_edit(dav, merged_href, TITLE=title, NOTE=f"round {round_}")
        third_party_edit(dav, femi_href, TITLE=f"Pharmacist {round_}")
        report = sync(a)
        assert (report.updated_here, report.updated_there, report.problems) == (2, moves, [])
        assert not report.conflicts
        with on(a):
            adaeze = Contact.get(Contact.given_name == "Adaeze")
            assert (adaeze.title, adaeze.notes) == (title, f"round {round_}")
            assert adaeze.specialty == "Echocardiography"  # netdesk's own field stays
            assert Contact.get(Contact.given_name == "Femi").title == f"Pharmacist {round_}"
    quiet = sync(a)
    assert (quiet.updated_here, quiet.updated_there) == (0, 0)
    assert "item1.X-ABRELATEDNAMES:Chinedu Okafor" in dav.get(merged_href).text
