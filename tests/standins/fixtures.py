"""pytest fixtures for the calendar stand-ins (imported by the tests that use them)."""

from html.parser import HTMLParser

import pytest

from netdesk.models import set_setting
from tests.standins import memory_keyring
from tests.standins.google import GoogleStandIn
from tests.standins.microsoft import MicrosoftStandIn
from tests.standins.server import make_tls_files


@pytest.fixture
def kept_secrets():
    """A keyring that remembers (in memory), restored to the suite's null backend after."""
    import keyring

    before = keyring.get_keyring()
    backend = memory_keyring.install()
    yield backend
    keyring.set_keyring(before)


@pytest.fixture(scope="session")
def tls_files(tmp_path_factory):
    return make_tls_files(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def microsoft(tls_files, monkeypatch, db, kept_secrets):
    """The Microsoft stand-in, with netdesk's settings pointing at it (tenant "organizations")."""
    server = MicrosoftStandIn(tls_files)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))  # trust its certificate
    set_setting("microsoft.client_id", server.client_id)
    set_setting("microsoft.tenant", "organizations")
    set_setting("microsoft.authority_host", server.url)
    set_setting("microsoft.graph_url", server.url + "/v1.0")
    yield server
    server.close()


class StandInBrowser:
    """Plays the user's browser: opens the authorization URL and follows the redirect
    back to netdesk's loopback server (on a thread, as netdesk is waiting for it); a
    page that is an auto-submitting form (``response_mode=form_post``) is submitted."""

    def __init__(self, cafile) -> None:
        self.cafile = str(cafile)
        self.opened: list[str] = []

    def open(self, url, new=0, autoraise=True):
        import threading

        self.opened.append(url)
        threading.Thread(target=self._visit, args=(url,)).start()
        return True

    def _visit(self, url: str) -> None:
        import ssl
        import urllib.error
        import urllib.parse
        import urllib.request

        context = ssl.create_default_context(cafile=self.cafile)
        try:
            with urllib.request.urlopen(url, timeout=20, context=context) as answer:
                page = answer.read().decode("utf-8", "replace")
        except urllib.error.HTTPError:
            return  # an error page: the user is left looking at it
        form = _PostForm()
        form.feed(page)
        if form.action:
            data = urllib.parse.urlencode(form.fields).encode()
            urllib.request.urlopen(form.action, data=data, timeout=20).read()


class _PostForm(HTMLParser):
    """The first ``<form method=post>`` of a page: its action and hidden fields."""

    def __init__(self) -> None:
        super().__init__()
        self.action = ""
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post" and not self.action:
            self.action = attrs.get("action") or ""
        elif tag == "input" and self.action and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""


@pytest.fixture
def google(db, kept_secrets, tls_files, monkeypatch):
    """The Google stand-in, with netdesk's settings pointing at it; not signed in yet."""
    import webbrowser

    server = GoogleStandIn(tls_files)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(tls_files[0]))  # requests (oauthlib, revoke)
    monkeypatch.setenv("HTTPLIB2_CA_CERTS", str(tls_files[0]))  # httplib2 (API, refresh)
    set_setting("google.api_endpoint", server.api_endpoint)
    set_setting("google.revoke_uri", server.url + "/revoke")
    set_setting("google.auth_uri", server.url + "/auth")  # for a client typed in, not a file
    set_setting("google.token_uri", server.url + "/token")
    server.browser = StandInBrowser(tls_files[0])
    webbrowser.register("netdesk-standin", None, server.browser)
    yield server
    server.close()
