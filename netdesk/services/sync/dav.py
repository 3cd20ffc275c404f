"""WebDAV / CardDAV requests, on the ``caldav`` package's DAVClient (no second HTTP stack).

What a sync needs from a server and nothing more: find the address book, list what
changed (RFC 6578 sync-collection, else a PROPFIND of ETags), fetch cards in
``addressbook-multiget`` batches, and write with preconditions (``If-Match`` /
``If-None-Match: *``) so a card changed by someone else is never overwritten
blindly. Every failure becomes a :class:`DavError` that says what to do; a server
that answers with broken XML, giant cards or hrefs outside the address book gets
a clear message or a per-card problem, never a traceback or a write elsewhere.
"""

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import unquote, urljoin, urlsplit

from lxml import etree

from netdesk.errors import UserError
from netdesk.services.limits import MAX_CARD_CHARS

TIMEOUT_SECONDS = 120  # a server indexing a big address book on first use can be slow
MULTIGET_BATCH = 100
MAX_RESPONSE_BYTES = 256 * 1024 * 1024  # a multistatus bigger than this is refused
DAV = "DAV:"
CARD = "urn:ietf:params:xml:ns:carddav"
NS = {"d": DAV, "c": CARD}
_XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n'


class DavError(UserError):
    """A server problem, worded for the user; ``status`` is the HTTP status if any."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class PreconditionFailed(DavError):
    """412: the card changed on the server since we last saw it (or already exists)."""


class SyncTokenInvalid(DavError):
    """The server forgot our sync token; list everything instead."""


class DavTimeout(DavError):
    """The server did not answer in time."""


class SyncUnsupported(DavError):
    """The server does not do RFC 6578 sync-collection."""


@dataclass
class Card:
    href: str
    etag: str
    text: str


@dataclass
class CardProblem:
    href: str
    message: str


@dataclass
class Listing:
    """What the server holds (or what changed since ``token``): href -> ETag."""

    etags: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    token: str = ""
    complete: bool = True  # True: ``etags`` is everything, so unlisted hrefs are gone


def translate_error(exc: Exception, url: str, user: str, what: str = "CardDAV") -> UserError:
    """A network or DAV failure as a message that says what to do."""
    import niquests.exceptions as net
    from caldav.lib import error as dav

    if isinstance(exc, UserError):
        return exc
    host = urlsplit(url).netloc or url
    if isinstance(exc, dav.AuthorizationError) and getattr(exc, "status", None) == 403:
        return DavError(
            f"The {what} server {host} refused user {user!r} access (HTTP 403 Forbidden): "
            "check that this account may read and write there.",
            403,
        )
    if isinstance(exc, dav.AuthorizationError):
        return DavError(
            f"The {what} server {host} refused user {user!r} (HTTP 401/403): check the user "
            "name and password (an app password if your provider uses two-factor sign-in).",
            401,
        )
    if isinstance(exc, net.SSLError):
        return DavError(
            f"The secure connection to {host} failed (TLS certificate not trusted or "
            f"invalid: {str(exc)[:160]}). Check the URL, or ask your administrator."
        )
    if isinstance(exc, net.Timeout):
        return DavTimeout(f"The {what} server {host} did not answer in time. Try again later.")
    if isinstance(exc, net.ConnectionError):
        return DavError(
            f"Cannot reach the {what} server at {url}: check the address and your network."
        )
    if isinstance(exc, dav.NotFoundError):
        return DavError(f"Nothing found at {url} (HTTP 404): check the {what} URL.", 404)
    if isinstance(exc, dav.DAVError):
        return DavError(f"The {what} server {host} answered with an error: {str(exc)[:200]}.")
    if isinstance(exc, etree.XMLSyntaxError):
        return DavError(
            f"The {what} server {host} sent an answer that is not valid XML ({str(exc)[:120]}); "
            "nothing was changed. Try again later or tell the server's administrator."
        )
    return DavError(f"{what} problem with {host}: {type(exc).__name__}: {str(exc)[:200]}.")


def _text(element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""


def _status_code(text: str) -> int:
    parts = (text or "").split()
    return int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0


class AddressBookClient:
    """One server connection; every request goes through caldav's DAVClient."""

    def __init__(self, url: str, user: str, password: str, *, timeout: int | None = None):
        import caldav

        self.url, self.user = url, user
        self._client = caldav.DAVClient(
            url,
            username=user,
            password=password,
            timeout=timeout or TIMEOUT_SECONDS,
            huge_tree=False,
        )
        self.book = ""
        logging.getLogger("caldav").setLevel(logging.ERROR)  # its "weirdness" notes are noise

    # -- plumbing
    def request(self, url: str, method: str, body: str = "", headers: dict | None = None):
        from caldav.lib.error import AuthorizationError

        try:
            response = self._client.request(url, method, body, headers or {})
        except AuthorizationError as exc:
            if "valid-sync-token" in str(getattr(exc, "body", "") or ""):
                raise SyncTokenInvalid("the server no longer knows our sync token", 403) from None
            raise translate_error(exc, self.url, self.user) from None
        except Exception as exc:
            raise translate_error(exc, self.url, self.user) from None
        raw = getattr(response, "_raw", b"") or b""
        if len(raw) > MAX_RESPONSE_BYTES:
            raise DavError(f"The server's answer to {method} is larger than 256 MB; refused.")
        return response

    def _multistatus(self, url: str, method: str, body: str, depth: int | None):
        headers = {"Content-Type": 'application/xml; charset="utf-8"'}
        if depth is not None:
            headers["Depth"] = str(depth)
        response = self.request(url, method, body, headers)
        if response.status >= 400:
            return response, None
        tree = getattr(response, "tree", None)
        if tree is None:
            raise DavError(
                f"The server answered {method} {urlsplit(url).path} with something that is not "
                "valid WebDAV XML; nothing was changed. Try again later or tell its administrator.",
                response.status,
            )
        return response, tree

    def absolute(self, href: str) -> str:
        return urljoin(self.book or self.url, href)

    def _own(self, href: str) -> bool:
        """Only hrefs inside the address book are read or written (hostile servers)."""
        book_path = self._book_path()
        if href.startswith(book_path) and "/" not in href[len(book_path) :]:
            return href != book_path and ".." not in href and "%" not in href[len(book_path) :]
        book = urlsplit(self.book)
        target = urlsplit(urljoin(self.book, href))
        return (
            (target.scheme, target.netloc) == (book.scheme, book.netloc)
            and unquote(target.path).startswith(unquote(book.path))
            and unquote(target.path).rstrip("/") != unquote(book.path).rstrip("/")
            and ".." not in unquote(target.path).split("/")
        )

    def _book_path(self) -> str:
        if getattr(self, "_cached_book", None) != self.book:
            self._cached_book, self._cached_path = self.book, urlsplit(self.book).path
        return self._cached_path

    def _path(self, href: str) -> str:
        if href.startswith("/") and "?" not in href and "#" not in href:
            return href  # the usual case: an absolute path, as servers send them
        return urlsplit(urljoin(self.book, href)).path

    # -- discovery
    def _propfind(self, url: str, props: str, depth: int):
        body = f'{_XML_HEAD}<d:propfind xmlns:d="DAV:" xmlns:c="{CARD}"><d:prop>{props}</d:prop></d:propfind>'
        response, tree = self._multistatus(url, "PROPFIND", body, depth)
        if tree is None:
            if response.status == 404:
                raise DavError(f"Nothing found at {url} (HTTP 404): check the CardDAV URL.", 404)
            raise DavError(
                f"The server answered PROPFIND {urlsplit(url).path} with HTTP {response.status}.",
                response.status,
            )
        return tree

    def find_addressbook(self, name: str = "") -> str:
        """The URL of the address book called ``name`` (display name or last path part),
        or the only/first one; the given URL itself if it is an address book."""
        props = "<d:resourcetype/><d:current-user-principal/><c:addressbook-home-set/>"
        tree = self._propfind(self.url, props, 0)
        if tree.find(".//d:resourcetype/c:addressbook", NS) is not None:
            self.book = self.url if self.url.endswith("/") else self.url + "/"
            return self.book
        home = _text(tree, ".//c:addressbook-home-set/d:href")
        if not home:
            principal = _text(tree, ".//d:current-user-principal/d:href")
            if principal:
                found = self._propfind(urljoin(self.url, principal), props, 0)
                home = _text(found, ".//c:addressbook-home-set/d:href")
        home_url = urljoin(self.url, home) if home else self.url
        listing = self._propfind(home_url, "<d:resourcetype/><d:displayname/>", 1)
        books: list[tuple[str, str]] = []
        for response in listing.findall("d:response", NS):
            if response.find(".//d:resourcetype/c:addressbook", NS) is None:
                continue
            href = _text(response, "d:href")
            label = _text(response, ".//d:displayname") or unquote(href.rstrip("/")).rsplit("/")[-1]
            books.append((urljoin(home_url, href), label))
        if not books:
            raise DavError(
                f"There is no address book for {self.user!r} at {self.url}; create one on the "
                "server (or give the address book's own URL)."
            )
        chosen = books[0][0]
        if name:
            match = [
                u for u, label in books if name in (label, unquote(u.rstrip("/")).rsplit("/")[-1])
            ]
            if not match:
                names = ", ".join(label for _, label in books)
                raise DavError(f"No address book named {name!r} at {self.url}. There: {names}.")
            chosen = match[0]
        self.book = chosen if chosen.endswith("/") else chosen + "/"
        return self.book

    # -- listing
    def changes(self, token: str = "") -> Listing:
        """What changed since ``token`` (everything when empty), by sync-collection if the
        server offers it, otherwise by listing every ETag."""
        try:
            return self.sync_collection(token)
        except SyncTokenInvalid:
            return self.sync_collection("") if token else self.etag_listing()
        except SyncUnsupported:
            return self.etag_listing()
        except DavTimeout:  # a server still indexing a big book: list ETags this time
            listing = self.etag_listing()
            listing.token = token  # asked again next time, from where we were
            return listing

    def sync_collection(self, token: str = "") -> Listing:
        listing = Listing(complete=not token)
        for _ in range(1000):  # a server that truncates (507) is asked again from its token
            body = (
                f'{_XML_HEAD}<d:sync-collection xmlns:d="DAV:">'
                f"<d:sync-token>{_escape_xml(token)}</d:sync-token><d:sync-level>1</d:sync-level>"
                "<d:prop><d:getetag/></d:prop></d:sync-collection>"
            )
            try:
                response, tree = self._multistatus(self.book, "REPORT", body, 0)
            except (SyncTokenInvalid, DavTimeout):
                raise
            except DavError as exc:
                if exc.status in (401, None):
                    raise  # wrong password, unreachable: a listing would fail alike
                # a 403 that is not about the token: no sync-collection here (or not for us)
                raise SyncUnsupported(f"sync-collection: HTTP {exc.status}", exc.status) from None
            if tree is None:
                raw = (getattr(response, "_raw", b"") or b"")[:2000]
                raw = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
                if token and response.status in (403, 409) and "valid-sync-token" in raw:
                    raise SyncTokenInvalid("sync token expired", response.status)
                raise SyncUnsupported(f"sync-collection: HTTP {response.status}", response.status)
            truncated = False
            for item in tree.findall("d:response", NS):
                href = _text(item, "d:href")
                status = _status_code(_text(item, "d:status"))
                if self._path(href).rstrip("/") == self._path(self.book).rstrip("/"):
                    truncated = truncated or status == 507
                    continue
                if not self._own(href):
                    continue
                if status == 404:
                    listing.deleted.add(self._path(href))
                    listing.etags.pop(self._path(href), None)
                    continue
                etag = _text(item, ".//d:getetag")
                if etag:
                    listing.etags[self._path(href)] = etag
                    listing.deleted.discard(self._path(href))
            token = _text(tree, "d:sync-token") or token
            listing.token = token
            if not truncated:
                return listing
        raise DavError("The server kept truncating its list of changes; try again later.")

    def etag_listing(self) -> Listing:
        """Every card's ETag by PROPFIND (servers without sync-collection)."""
        tree = self._propfind(self.book, "<d:getetag/><d:resourcetype/>", 1)
        listing = Listing(complete=True)
        for item in tree.findall("d:response", NS):
            href = _text(item, "d:href")
            if not self._own(href) or item.find(".//d:resourcetype/d:collection", NS) is not None:
                continue
            etag = _text(item, ".//d:getetag")
            if etag:
                listing.etags[self._path(href)] = etag
        return listing

    # -- reading
    def multiget(
        self, hrefs: Iterable[str], batch: int = MULTIGET_BATCH
    ) -> Iterator[Card | CardProblem]:
        """The cards at ``hrefs``, ``batch`` per REPORT; a card that cannot be used is a
        :class:`CardProblem` and the rest still arrive."""
        wanted = [h for h in hrefs if self._own(h)]
        for i in range(0, len(wanted), batch):
            chunk = wanted[i : i + batch]
            refs = "".join(f"<d:href>{_escape_xml(h)}</d:href>" for h in chunk)
            body = (
                f'{_XML_HEAD}<c:addressbook-multiget xmlns:d="DAV:" xmlns:c="{CARD}">'
                f"<d:prop><d:getetag/><c:address-data/></d:prop>{refs}</c:addressbook-multiget>"
            )
            try:
                response, tree = self._multistatus(self.book, "REPORT", body, 1)
            except DavError as exc:
                if exc.status == 401:
                    raise
                tree = None  # unreadable batch (a giant card breaks the XML parser): one by one
            if tree is None:  # no multiget, or an unreadable answer: one GET per card
                for href in chunk:
                    yield self._get_checked(href) or CardProblem(href, "gone from the server")
                continue
            seen = set()
            for item in tree.findall("d:response", NS):
                href = self._path(_text(item, "d:href"))
                if href not in chunk or href in seen:
                    continue
                seen.add(href)
                yield self._card_from(item, href)
            for href in chunk:
                if href not in seen:
                    yield CardProblem(href, "the server did not send this card")

    def _card_from(self, item, href: str) -> Card | CardProblem:
        data = item.find(".//c:address-data", NS)
        etag = _text(item, ".//d:getetag")
        if data is None or not (data.text or "").strip():
            status = _status_code(_text(item, "d:status") or _text(item, ".//d:status"))
            return CardProblem(href, f"the server sent no card data (HTTP {status or '?'})")
        return _checked(href, etag, data.text)

    def get(self, href: str) -> Card | None:
        """One card with its ETag (None if it is gone)."""
        card = self._get_checked(href)
        if isinstance(card, CardProblem):
            raise DavError(f"{href}: {card.message}")
        return card

    def _get_checked(self, href: str) -> Card | CardProblem | None:
        if not self._own(href):
            raise DavError(f"{href} is outside the address book; refused.")
        response = self.request(self.absolute(href), "GET")
        if response.status == 404:
            return None
        if response.status >= 400:
            raise DavError(f"GET {href}: HTTP {response.status}.", response.status)
        raw = getattr(response, "_raw_body", b"") or getattr(response, "_raw", b"")
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)
        return _checked(self._path(href), response.headers.get("ETag", "") or "", text)

    # -- writing
    def put(self, href: str, text: str, etag: str | None) -> str:
        """Write a card: over ``etag`` (If-Match), or only if new (``etag`` None:
        If-None-Match: *). Returns the new ETag, or "" when the server sent none."""
        if not self._own(href):
            raise DavError(f"{href} is outside the address book; refused.")
        headers = {"Content-Type": "text/vcard; charset=utf-8"}
        if etag:
            headers["If-Match"] = etag
        else:
            headers["If-None-Match"] = "*"
        response = self.request(self.absolute(href), "PUT", text, headers)
        if response.status == 412:
            raise PreconditionFailed(f"{href} changed on the server", 412)
        if response.status >= 400:
            raise DavError(
                f"The server refused the card {href} (HTTP {response.status} {response.reason}).",
                response.status,
            )
        return response.headers.get("ETag", "") or ""

    def delete(self, href: str, etag: str) -> None:
        if not self._own(href):
            raise DavError(f"{href} is outside the address book; refused.")
        headers = {"If-Match": etag} if etag else {}
        response = self.request(self.absolute(href), "DELETE", "", headers)
        if response.status == 412:
            raise PreconditionFailed(f"{href} changed on the server", 412)
        if response.status >= 400 and response.status != 404:
            raise DavError(f"DELETE {href}: HTTP {response.status}.", response.status)


def _checked(href: str, etag: str, text: str) -> Card | CardProblem:
    if len(text) > MAX_CARD_CHARS:
        return CardProblem(
            href, f"the card is larger than {MAX_CARD_CHARS // 2**20} MB and was skipped"
        )
    if text.upper().count("BEGIN:VCARD") != 1 or "END:VCARD" not in text.upper():
        return CardProblem(href, "the server's data is not exactly one vCard")
    return Card(href, etag, text)


def _escape_xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
