"""CardDAV sync speed against a real Radicale on 127.0.0.1.

Prints (never asserts): Radicale alone accepting N PUTs (plain HTTP, no netdesk),
netdesk's first sync of N contacts to an empty address book, and an incremental
sync with 10 changes on each side (target: under 2 s), plus a sync with nothing
to do. Run: python benchmarks/bench_carddav.py [contacts]   (default 10,000)
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


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    from netdesk.models import Contact, close_database, open_database
    from netdesk.services.sync.carddav import sync_contacts
    from netdesk.services.sync.dav import AddressBookClient

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        proc, port = start_radicale(folder)
        try:
            make_book(port, "alone")
            alone = radicale_alone(port, n)
            book = make_book(port, "netdesk")
            db = folder / "netdesk.sqlite3"
            populate(db, n)
            open_database(db)
            started = time.perf_counter()
            first = sync_contacts(book, "alice", "secret")
            first_s = time.perf_counter() - started
            started = time.perf_counter()
            sync_contacts(book, "alice", "secret")
            idle_s = time.perf_counter() - started
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
            started = time.perf_counter()
            incremental = sync_contacts(book, "alice", "secret")
            incremental_s = time.perf_counter() - started
            close_database()
        finally:
            proc.terminate()
            proc.wait(10)
    print(f"contacts:                          {n:,}")
    print(f"Radicale alone, {n:,} PUTs:        {alone:8.2f} s")
    print(f"netdesk first sync (all to server): {first_s:8.2f} s  ({first.created_there:,} sent, "
          f"{first_s / alone:.2f}x Radicale alone)")  # fmt: skip
    print(f"sync with nothing to do:           {idle_s:8.2f} s")
    print(f"incremental, 10 changes each side: {incremental_s:8.2f} s  (target < 2 s; "
          f"{incremental.updated_there} sent, {incremental.updated_here} received)")  # fmt: skip


if __name__ == "__main__":
    main()
