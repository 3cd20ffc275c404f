"""CardDAV sync speed against a real Radicale on 127.0.0.1 (prints figures, asserts nothing).

1. pushing: Radicale alone accepting P new cards (plain HTTP PUTs, no netdesk) next to
   netdesk's first sync of P contacts to an empty address book;
2. N contacts already on the server as another device left them (written into
   Radicale's storage before it starts): netdesk's first sync matching all of them, a
   sync with nothing to do, and an incremental sync with 10 changes on each side
   (target: under 2 s), next to Radicale alone answering that run's requests.

Run: python benchmarks/bench_carddav.py [N] [P] [--stock]   (defaults 10,000 and N)

Radicale runs with its own speed option ``use_mtime_and_size_for_item_cache`` and,
unless ``--stock``, with the UID index of ``benchmarks/radicale_uid_index.py``: stock
Radicale 3.9 reads every card of the book for each new card's UID check, so 10,000
new cards take hours whoever sends them. Both sides of each comparison use the same
server. The last lines are ``ms NAME VALUE`` / ``ratio NAME VALUE`` figures.
"""

import base64
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
AUTH = "Basic " + base64.b64encode(b"alice:secret").decode()

from benchmarks.datagen import populate  # noqa: E402

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:r{i}\r\nFN:Radicale Only {i}\r\nN:{i};Radicale;;;\r\nEMAIL:r{i}@h.example.org\r\nEND:VCARD\r\n"


ROOT = Path(__file__).resolve().parent.parent


def start_radicale(folder: Path, stock: bool = False) -> tuple[subprocess.Popen, int]:
    (folder / "users").write_text("alice:secret\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--server-hosts", f"127.0.0.1:{port}",
         "--storage-filesystem-folder", str(folder / "collections"), "--auth-type", "htpasswd",
         "--auth-htpasswd-filename", str(folder / "users"), "--auth-htpasswd-encryption", "plain",
         "--auth-delay", "0", "--logging-level", "warning",
         "--storage-use-mtime-and-size-for-item-cache", "True",
         *([] if stock else ["--storage-type", "benchmarks.radicale_uid_index"])],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
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


def label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def timed(fn):
    started = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - started


def radicale_alone_incremental(port: int, book: str, token: str, cards: list) -> float:
    """What the incremental run asked of Radicale, sent without netdesk: the
    sync-collection REPORT from the same token and the same 10 card updates."""
    from urllib.parse import urlsplit

    path = urlsplit(book).path
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=900)
    body = (
        '<?xml version="1.0"?><d:sync-collection xmlns:d="DAV:">'
        f"<d:sync-token>{token}</d:sync-token><d:sync-level>1</d:sync-level>"
        "<d:prop><d:getetag/></d:prop></d:sync-collection>"
    )
    started = time.perf_counter()
    conn.request("REPORT", path, body, {"Authorization": AUTH, "Depth": "0"})
    conn.getresponse().read()
    for card in cards:
        conn.request(
            "PUT",
            card.href,
            card.text.encode(),
            {"Authorization": AUTH, "Content-Type": "text/vcard"},
        )
        conn.getresponse().read()
    return time.perf_counter() - started


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    stock = "--stock" in sys.argv
    n = int(args[0]) if args else 10_000
    p = int(args[1]) if len(args) > 1 else n
    import logging
    import uuid

    from netdesk.models import CardSyncState, Contact, close_database, get_setting, open_database
    from netdesk.services.importing.vcard_export import contact_vcard
    from netdesk.services.sync import dav as dav_layer
    from netdesk.services.sync.carddav import sync_contacts
    from netdesk.services.sync.dav import AddressBookClient

    logging.disable(logging.WARNING)  # vobject's notes on generated data
    dav_layer.TIMEOUT_SECONDS = 3600  # Radicale's first sync-collection over a big book is slow
    figures: list[str] = []

    def report(kind: str, name: str, value: float, text: str) -> None:
        print(text, flush=True)
        figures.append(f"{kind} {name} {value:.2f}")

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
        proc, port = start_radicale(folder, stock)
        try:
            make_book(port, "alone")
            alone = radicale_alone(port, p)
            report("ms", f"radicale_alone_puts_{label(p)}", alone * 1000,
                   f"Radicale alone, {p:,} new cards: {alone:.1f} s ({alone / p * 1000:.0f} ms each)")  # fmt: skip
            empty = make_book(port, "empty")
            open_database(pushing)
            first_push, first_push_s = timed(lambda: sync_contacts(empty, "alice", "secret"))
            close_database()
            report("ms", f"carddav_first_sync_{label(p)}_to_empty", first_push_s * 1000,
                   f"netdesk first sync of {p:,} contacts to an empty book: {first_push_s:.1f} s "
                   f"({first_push.created_there:,} sent)")  # fmt: skip
            report("ratio", f"carddav_first_sync_{label(p)}_vs_radicale_alone",
                   first_push_s / alone, f"  ({first_push_s / alone:.2f}x Radicale alone)")  # fmt: skip
            book = f"http://127.0.0.1:{port}/alice/phone/"
            _, index_s = timed(lambda: list_book(port, "phone"))
            report("ms", f"radicale_first_listing_{label(n)}", index_s * 1000,
                   f"Radicale indexing {n:,} cards it has never seen (no netdesk): {index_s:.1f} s")  # fmt: skip
            open_database(db)
            matched, matched_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            report("ms", f"carddav_first_sync_{label(n)}_matched", matched_s * 1000,
                   f"first sync, {n:,} contacts already on the server: {matched_s:.1f} s "
                   f"({matched.created_here} new here, {matched.updated_there} sent)")  # fmt: skip
            _, idle_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            report("ms", f"carddav_idle_{label(n)}", idle_s * 1000,
                   f"sync with nothing to do ({n:,} contacts): {idle_s:.2f} s")  # fmt: skip
            dav = AddressBookClient(book, "alice", "secret")
            dav.find_addressbook()
            _, propfind_s = timed(dav.etag_listing)
            report("ms", f"radicale_propfind_etags_{label(n)}", propfind_s * 1000,
                   f"  (Radicale alone listing every ETag, the fallback: {propfind_s:.2f} s)")  # fmt: skip
            changed_here = []
            for contact in Contact.select().order_by(Contact.id).limit(10):
                contact.title = f"{contact.title} (changed here)"
                contact.save()
                changed_here.append(CardSyncState.get(CardSyncState.contact == contact).href)
            for href in sorted(dav.etag_listing().etags)[-10:]:
                card = dav.get(href)
                text = card.text.replace("END:VCARD", "NOTE:changed on the phone\r\nEND:VCARD")
                dav.put(href, text, card.etag)
            token = get_setting(f"carddav.token.{book}")
            incremental, incremental_s = timed(lambda: sync_contacts(book, "alice", "secret"))
            sent = [dav.get(href) for href in changed_here]  # what netdesk wrote
            close_database()
            report("ms", f"carddav_incremental_{label(n)}", incremental_s * 1000,
                   f"incremental, 10 changes each side ({n:,} contacts): {incremental_s:.2f} s "
                   f"(target < 2 s; {incremental.updated_there} sent, "
                   f"{incremental.updated_here} received)")  # fmt: skip
            alone_inc = radicale_alone_incremental(port, book, token, sent)
            report("ms", f"radicale_alone_incremental_{label(n)}", alone_inc * 1000,
                   f"  (Radicale alone answering that run's listing and its {len(sent)} PUTs: "
                   f"{alone_inc:.2f} s; netdesk's own share {incremental_s - alone_inc:.2f} s)")  # fmt: skip
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)
    print("\n".join(figures))


if __name__ == "__main__":
    main()
