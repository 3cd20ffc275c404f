"""CardDAV sync speed against a real Radicale on 127.0.0.1.

Prints (never asserts):
1. pushing: Radicale alone accepting P PUTs (plain HTTP, no netdesk) next to netdesk's
   first sync of P contacts to an empty address book;
2. N contacts (default 10,000) already on the server as another device left them
   (written into Radicale's storage before it starts): netdesk's first sync matching
   all of them, a sync with nothing to do, and an incremental sync with 10 changes on
   each side (target: under 2 s).
Run: python benchmarks/bench_carddav.py [N] [P]   (defaults 10,000 and 1,000)
Radicale stores each PUT in time that grows with the address book, so P stays small.
"""

import base64
import http.client
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datagen import populate  # noqa: E402

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:r{i}\r\nFN:Radicale Only {i}\r\nN:{i};Radicale;;;\r\nEMAIL:r{i}@h.example.org\r\nEND:VCARD\r\n"


def start_radicale(folder: Path) -> tuple[subprocess.Popen, int]:
    (folder / "users").write_text("alice:secret\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(folder / "collections"), "--auth-type", "htpasswd",
         "--auth-htpasswd-filename", str(folder / "users"), "--auth-htpasswd-encryption", "plain",
         "--auth-delay", "0", "--logging-level", "warning"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(400):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)  # waiting for the server to listen
    raise RuntimeError("Radicale did not start")


def make_book(port: int, name: str) -> str:
    auth = "Basic " + base64.b64encode(b"alice:secret").decode()
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("PROPFIND", "/alice/", headers={"Authorization": auth, "Depth": "0"})
    conn.getresponse().read()
    body = (
        '<?xml version="1.0"?><d:mkcol xmlns:d="DAV:" xmlns:c="urn:ietf:params:xml:ns:carddav">'
        "<d:set><d:prop><d:resourcetype><d:collection/><c:addressbook/></d:resourcetype>"
        "</d:prop></d:set></d:mkcol>"
    )
    conn.request("MKCOL", f"/alice/{name}/", body, {"Authorization": auth})
    assert conn.getresponse().read() is not None
    return f"http://127.0.0.1:{port}/alice/{name}/"


def list_book(port: int, name: str) -> None:
    """One PROPFIND of every ETag: Radicale builds its index of a book on first use."""
    auth = "Basic " + base64.b64encode(b"alice:secret").decode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    body = (
        '<?xml version="1.0"?><d:propfind xmlns:d="DAV:"><d:prop><d:getetag/></d:prop></d:propfind>'
    )
    conn.request("PROPFIND", f"/alice/{name}/", body, {"Authorization": auth, "Depth": "1"})
    conn.getresponse().read()


def radicale_alone(port: int, n: int) -> float:
    """N PUTs on one keep-alive connection: what the server itself costs."""
    auth = "Basic " + base64.b64encode(b"alice:secret").decode()
    conn = http.client.HTTPConnection("127.0.0.1", port)
    started = time.perf_counter()
    for i in range(n):
        conn.request(
            "PUT", f"/alice/alone/r{i}.vcf", CARD.format(i=i),
            {"Authorization": auth, "Content-Type": "text/vcard", "If-None-Match": "*"},
        )  # fmt: skip
        conn.getresponse().read()
    return time.perf_counter() - started


def seed_book(folder: Path, name: str, cards: list[tuple[str, str]]) -> None:
    """An address book with ``cards`` (file name, text) in Radicale's filesystem layout,
    as if a phone had filled it; Radicale indexes it when it starts."""
    import json

    book = folder / "collections" / "collection-root" / "alice" / name
    book.mkdir(parents=True)
    (book / ".Radicale.props").write_text(json.dumps({"tag": "VADDRESSBOOK"}))
    for file_name, text in cards:
        (book / file_name).write_text(text, encoding="utf-8", newline="")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    p = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000
    import uuid

    from netdesk.models import Contact, close_database, get_setting, open_database
    from netdesk.services.sync import dav as dav_layer
    from netdesk.services.sync.carddav import sync_contacts
    from netdesk.services.sync.dav import AddressBookClient

    dav_layer.TIMEOUT_SECONDS = 3600  # Radicale's first sync-collection over a big book is slow
    from netdesk.services.importing.vcard_export import contact_vcard

    def timed(fn):
        started = time.perf_counter()
        result = fn()
        return result, time.perf_counter() - started

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "netdesk.sqlite3"
        populate(db, n)
        open_database(db)
        for contact in Contact.select(Contact.id):
            Contact.update(uid=str(uuid.uuid4())).where(Contact.id == contact.id).execute()
        cards = [(f"{c.uid}.vcf", contact_vcard(c)) for c in Contact.select()]
        close_database()
        seed_book(folder, "phone", cards)
        pushing = folder / "pushing.sqlite3"
        populate(pushing, p)
        proc, port = start_radicale(folder)
        try:
            make_book(port, "alone")
            alone = radicale_alone(port, p)
            print(f"Radicale alone, {p:,} PUTs: {alone:.2f} s ({alone / p * 1000:.0f} ms per card)")
            empty = make_book(port, "empty")
            open_database(pushing)
            first_push, first_push_s = timed(lambda: sync_contacts(empty, "alice", "secret"))
            close_database()
            print(
                f"netdesk first sync of {p:,} contacts to an empty book: {first_push_s:.2f} s "
                f"({first_push.created_there:,} sent; {first_push_s / alone:.2f}x Radicale alone)"
            )
            book = f"http://127.0.0.1:{port}/alice/phone/"
            _, index_s = timed(lambda: list_book(port, "phone"))
            print(f"Radicale indexing {n:,} cards it has never seen (no netdesk): {index_s:.2f} s")
            open_database(db)
            matched, matched_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            print(
                f"first sync, {n:,} contacts already on the server: {matched_s:.2f} s "
                f"({matched.created_here} new here, {matched.updated_there} sent)"
            )
            _, idle_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            print(f"sync with nothing to do ({n:,} contacts): {idle_s:.2f} s")
            for contact in Contact.select().order_by(Contact.id).limit(10):
                contact.title = f"{contact.title} (changed here)"
                contact.save()
            dav = AddressBookClient(book, "alice", "secret")
            dav.find_addressbook()
            listing = dav.etag_listing()
            for href in sorted(listing.etags)[-10:]:
                card = dav.get(href)
                text = card.text.replace("END:VCARD", "NOTE:changed on the phone\r\nEND:VCARD")
                dav.put(href, text, card.etag)
            token = get_setting(f"carddav.token.{book}")
            incremental, incremental_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            close_database()
            print(
                f"incremental, 10 changes each side ({n:,} contacts): {incremental_s:.2f} s "
                f"(target < 2 s; {incremental.updated_there} sent, "
                f"{incremental.updated_here} received)"
            )
            _, listing_s = timed(lambda: dav.sync_collection(token))
            print(
                f"  (Radicale alone answering that run's sync-collection REPORT: {listing_s:.2f} s)"
            )
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


if __name__ == "__main__":
    main()
