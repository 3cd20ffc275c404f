"""A small threaded HTTP(S) server on 127.0.0.1 for the provider stand-ins.

Each stand-in subclasses :class:`StandIn` and answers ``handle(request)`` with
(status, headers, body). Faults can be queued (``fail_next``) to play the error
answers the real services document (401, 403, 404/410, 429/503 with Retry-After).
Requests are logged so tests can see exactly what netdesk sent.
"""

import datetime as dt
import ipaddress
import json
import re
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self.body.decode()).items()}


@dataclass
class Fault:
    method: str
    path: str  # a regular expression matched against the path
    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    times: int = 1


class StandIn:
    """Subclasses implement ``handle``; ``url`` is where it listens."""

    def __init__(self, tls_files: tuple[Path, Path] | None = None) -> None:
        self.log: list[Request] = []
        self.faults: list[Fault] = []
        self.lock = threading.RLock()
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                request = Request(
                    self.command,
                    parts.path,
                    {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()},
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length) if length else b"",
                )
                with stand_in.lock:
                    stand_in.log.append(request)
                    status, headers, body = stand_in.answer(request)
                data = body if isinstance(body, bytes) else json.dumps(body).encode()
                if status == 204:
                    data = b""
                self.send_response(status)
                headers = {"Content-Type": "application/json; charset=utf-8", **headers}
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

            def log_message(self, *args) -> None:  # keep test output clean
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls_files:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(*tls_files)
            self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def fail_next(
        self, method: str, path: str, status: int, body: dict, headers=None, times: int = 1
    ) -> None:
        self.faults.append(Fault(method, path, status, body, headers or {}, times))

    def answer(self, request: Request):
        for fault in self.faults:
            if fault.method == request.method and re.search(fault.path, request.path):
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault.status, fault.headers, fault.body
        return self.handle(request)

    def handle(self, request: Request):
        raise NotImplementedError

    def requests(self, method: str, pattern: str = "") -> list[Request]:
        return [r for r in self.log if r.method == method and re.search(pattern, r.path)]


def make_tls_files(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 (MSAL only talks to an https authority)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    start = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=365 * 30))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "standin.pem", folder / "standin.key"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file
