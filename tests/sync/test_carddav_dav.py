"""The DAV client layer against a real Radicale, and against servers that misbehave."""

import socket

import pytest
from dav_stub import Hostile, multistatus, serve

from netdesk.services.sync.dav import (
    AddressBookClient,
    Card,
    CardProblem,
    DavError,
    PreconditionFailed,
)

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\nN:;{name};;;\r\nEND:VCARD\r\n"


def client_for(radicale, url=None, password=None) -> AddressBookClient:
    return AddressBookClient(url or radicale.url, radicale.user, password or radicale.password)


def test_finds_the_address_book_by_name_or_by_its_own_url(radicale, carddav_book):
    name = carddav_book.rstrip("/").rsplit("/", 1)[-1]
    assert client_for(radicale).find_addressbook(name) == carddav_book
    assert client_for(radicale, carddav_book).find_addressbook() == carddav_book
    with pytest.raises(DavError, match="No address book named 'nope'.*There: .*" + name):
        client_for(radicale).find_addressbook("nope")


def test_conditional_writes_never_overwrite_blindly(radicale, carddav_book):
    dav = client_for(radicale, carddav_book)
    dav.find_addressbook()
    href = dav._path(carddav_book + "a.vcf")
    etag = dav.put(href, CARD.format(uid="a", name="Ana"), None)
    assert etag
    with pytest.raises(PreconditionFailed):  # If-None-Match: * on an existing card
        dav.put(href, CARD.format(uid="a", name="Ana again"), None)
    new_etag = dav.put(href, CARD.format(uid="a", name="Ana Silva"), etag)
    with pytest.raises(PreconditionFailed):  # the ETag we had is stale now
        dav.put(href, CARD.format(uid="a", name="Lost update"), etag)
    with pytest.raises(PreconditionFailed):
        dav.delete(href, etag)
    assert "Ana Silva" in dav.get(href).text
    dav.delete(href, new_etag)
    assert dav.get(href) is None


def test_sync_collection_lists_only_what_changed_and_multiget_batches(radicale, carddav_book):
    dav = client_for(radicale, carddav_book)
    dav.find_addressbook()
    etags = {}
    for i in range(5):
        href = dav._path(f"{carddav_book}{i}.vcf")
        etags[href] = dav.put(href, CARD.format(uid=str(i), name=f"P{i}"), None)
    first = dav.changes("")
    assert first.etags == etags and first.token and first.complete
    assert dav.etag_listing().etags == etags  # the fallback sees the same
    hrefs = sorted(etags)
    dav.put(hrefs[0], CARD.format(uid="0", name="Changed"), etags[hrefs[0]])
    dav.delete(hrefs[1], etags[hrefs[1]])
    later = dav.changes(first.token)
    assert set(later.etags) == {hrefs[0]} and later.deleted == {hrefs[1]}
    assert not later.complete
    cards = list(dav.multiget(hrefs[2:] + [hrefs[0]], batch=2))
    assert sorted(c.href for c in cards) == sorted(hrefs[2:] + [hrefs[0]])
    assert all(isinstance(c, Card) and c.etag for c in cards)
    assert any("FN:Changed" in c.text for c in cards)


def test_an_invalid_sync_token_falls_back_to_a_full_listing(radicale, carddav_book):
    dav = client_for(radicale, carddav_book)
    dav.find_addressbook()
    dav.put(dav._path(carddav_book + "x.vcf"), CARD.format(uid="x", name="X"), None)
    listing = dav.changes("http://radicale.org/ns/sync/deadbeef")
    assert len(listing.etags) == 1 and listing.complete


def test_wrong_password_unreachable_and_tls_failures_say_what_to_do(radicale, carddav_book):
    with pytest.raises(DavError, match="refused user 'alice'.*password"):
        client_for(radicale, carddav_book, password="wrong").find_addressbook()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # nothing listens here once closed
    with pytest.raises(DavError, match="Cannot reach the CardDAV server"):
        client_for(radicale, f"http://127.0.0.1:{port}/").find_addressbook()
    https = radicale.url.replace("http://", "https://")  # Radicale speaks plain HTTP
    with pytest.raises(DavError, match="secure connection .* failed"):
        client_for(radicale, https).find_addressbook()
    with pytest.raises(DavError, match="HTTP 404"):
        client_for(radicale, radicale.url + "alice/no-such-book/").find_addressbook()


@pytest.fixture
def hostile():
    stops = []

    def start(report, timeout=None):
        url, stop = serve(Hostile(report))
        stops.append(stop)
        dav = AddressBookClient(url + "book/", "alice", "secret", timeout=timeout)
        dav.find_addressbook()
        return dav

    yield start
    for stop in stops:
        stop()


def test_broken_xml_is_one_clear_message(hostile):
    dav = hostile(lambda body: (207, b"<d:multistatus xmlns:d='DAV:'><d:response>", "text/xml"))
    with pytest.raises(DavError, match="not valid XML"):
        dav.sync_collection("")


def test_ten_thousand_hrefs_and_hrefs_outside_the_book(hostile):
    def report(body):
        items = "".join(
            f"<d:response><d:href>/book/{i}.vcf</d:href><d:propstat><d:prop>"
            f'<d:getetag>"{i}"</d:getetag></d:prop><d:status>HTTP/1.1 200 OK</d:status>'
            "</d:propstat></d:response>"
            for i in range(10_000)
        )
        evil = "".join(
            f'<d:response><d:href>{h}</d:href><d:propstat><d:prop><d:getetag>"e"</d:getetag>'
            "</d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            for h in ("/other/steal.vcf", "http://evil.example/x.vcf", "/book/../etc/x.vcf")
        )
        return 207, multistatus(items + evil, "t1"), "application/xml"

    listing = hostile(report).sync_collection("")
    assert len(listing.etags) == 10_000 and listing.token == "t1"
    assert all(h.startswith("/book/") and ".." not in h for h in listing.etags)


def test_a_huge_card_is_a_problem_for_that_card_only(hostile):
    huge = "BEGIN:VCARD\nVERSION:3.0\nFN:Big\nNOTE:" + "x" * (3 * 1024 * 1024) + "\nEND:VCARD\n"

    def report(body):
        items = "".join(
            f"<d:response><d:href>/book/{name}.vcf</d:href><d:propstat><d:prop>"
            f'<d:getetag>"1"</d:getetag><c:address-data>{text}</c:address-data></d:prop>'
            "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            for name, text in (("ok", CARD.format(uid="ok", name="Fine")), ("big", huge))
        )
        return 207, multistatus(items), "application/xml"

    results = {r.href: r for r in hostile(report).multiget(["/book/ok.vcf", "/book/big.vcf"])}
    assert isinstance(results["/book/ok.vcf"], Card)
    assert isinstance(results["/book/big.vcf"], CardProblem)
    assert "larger than 2 MB" in results["/book/big.vcf"].message


def test_a_sync_collection_too_slow_to_answer_falls_back_to_an_etag_listing(hostile):
    import threading

    release = threading.Event()

    def report(body):
        release.wait(10)  # a server busy indexing a big address book
        return 207, multistatus("", "t1"), "application/xml"

    dav = hostile(report, timeout=1)
    try:
        listing = dav.changes("t0")
    finally:
        release.set()
    assert listing.complete and listing.token == "t0" and listing.etags == {}
