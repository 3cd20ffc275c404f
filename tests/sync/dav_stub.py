"""Small HTTP servers for CardDAV tests: a proxy in front of Radicale that misbehaves on
purpose (strips ETags, rewrites cards, answers 412), and a hostile server.

Both run on 127.0.0.1 in a thread; the proxy forwards every request to the real
Radicale and changes only what a test asks for.
"""

import http.client
import re
import threading
from collections.abc import Callable
from socketserver import ThreadingMixIn
from urllib.parse import urlsplit
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server


class _Quiet(WSGIRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


class _Threaded(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def serve(app) -> tuple[str, Callable[[], None]]:
    """Run a WSGI app on a free port; returns (base URL, stop)."""
    server = make_server("127.0.0.1", 0, app, server_class=_Threaded, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def stop() -> None:
        server.shutdown()
        server.server_close()

    return f"http://127.0.0.1:{server.server_port}/", stop


SYNC_REFUSALS = {  # Proxy.sync_collection -> (status, body) answering a sync-collection REPORT
    "token-403": (403, '<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>'),
    "token-409": (409, '<d:error xmlns:d="DAV:"><d:valid-sync-token/></d:error>'),
    "none-403": (403, '<d:error xmlns:d="DAV:"><d:supported-report/></d:error>'),
    "none-501": (501, ""),
}


class Proxy:
    """Forwards to ``upstream``; ``strip_etag_on_put``, ``rewrite`` (card text -> text
    stored instead of what the client sent), ``fail_next_put_with`` and
    ``sync_collection`` (a key of SYNC_REFUSALS: "token-*" refuses any non-empty sync
    token, "none-*" every sync-collection REPORT) change the behaviour; ``log`` records
    (method, path, status), ``sync_tokens`` the token of each sync-collection REPORT."""

    def __init__(self, upstream: str) -> None:
        self.upstream = urlsplit(upstream)
        self.strip_etag_on_put = False
        self.rewrite: Callable[[str], str] | None = None
        self.fail_next_put_with: int | None = None
        self.log: list[tuple[str, str, int]] = []
        self.bodies: list[tuple[str, str]] = []  # (method, body) of writes, as received
        self.hold_after_puts: int | None = None  # after this many PUTs reached the server, hang
        self.held = threading.Event()  # set when hanging
        self.release = threading.Event()
        self.sync_collection = ""
        self.sync_tokens: list[str] = []

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "/")
        if environ.get("QUERY_STRING"):
            path += "?" + environ["QUERY_STRING"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        headers = {
            key[5:].replace("_", "-").title(): value
            for key, value in environ.items()
            if key.startswith("HTTP_") and key not in ("HTTP_HOST", "HTTP_CONNECTION")
        }
        if environ.get("CONTENT_TYPE"):
            headers["Content-Type"] = environ["CONTENT_TYPE"]
        if method == "PUT":
            self.bodies.append((method, body.decode("utf-8", "replace")))
        if method == "PUT" and self.fail_next_put_with:
            status, self.fail_next_put_with = self.fail_next_put_with, None
            self.log.append((method, path, status))
            start_response(f"{status} Precondition Failed", [("Content-Length", "0")])
            return [b""]
        if method == "REPORT" and b"sync-collection" in body:
            found = re.search(rb"sync-token>([^<]*)<", body)
            token = found.group(1).decode() if found else ""
            self.sync_tokens.append(token)
            refusal = SYNC_REFUSALS.get(self.sync_collection)
            if refusal and (token or self.sync_collection.startswith("none")):
                status, text = refusal
                self.log.append((method, path, status))
                data = text.encode()
                start_response(
                    f"{status} Refused",
                    [("Content-Type", "application/xml"), ("Content-Length", str(len(data)))],
                )
                return [data]
        if method == "PUT" and self.rewrite is not None:
            body = self.rewrite(body.decode("utf-8")).encode("utf-8")
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        out = [
            (k, v)
            for k, v in response.getheaders()
            if k.lower() not in ("transfer-encoding", "connection", "content-length")
            and not (method == "PUT" and self.strip_etag_on_put and k.lower() == "etag")
        ]
        out.append(("Content-Length", str(len(data))))
        conn.close()
        self.log.append((method, path, response.status))
        puts = sum(m == "PUT" for m, _, _ in self.log)
        if method == "PUT" and self.hold_after_puts is not None and puts >= self.hold_after_puts:
            self.held.set()  # the card is stored; the client never hears back
            self.release.wait(60)
        start_response(f"{response.status} {response.reason}", out)
        return [data]


def multistatus(responses: str, token: str = "") -> bytes:
    sync = f"<d:sync-token>{token}</d:sync-token>" if token else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<d:multistatus xmlns:d="DAV:" '
        f'xmlns:c="urn:ietf:params:xml:ns:carddav">{responses}{sync}</d:multistatus>'
    ).encode()


class Hostile:
    """A "server" whose address book at /book/ answers REPORTs with ``report(body)``."""

    def __init__(self, report: Callable[[bytes], tuple[int, bytes, str]]) -> None:
        self.report = report

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        if method == "PROPFIND":
            data = multistatus(
                "<d:response><d:href>/book/</d:href><d:propstat><d:prop><d:resourcetype>"
                "<d:collection/><c:addressbook/></d:resourcetype></d:prop>"
                "<d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>"
            )
            status, ctype = 207, "application/xml"
        elif method == "REPORT":
            status, data, ctype = self.report(body)
        else:
            status, data, ctype = 405, b"", "text/plain"
        start_response(f"{status} X", [("Content-Type", ctype), ("Content-Length", str(len(data)))])
        return [data]
