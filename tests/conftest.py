"""Shared fixtures: a real SQLite file per test, isolated settings, offscreen Qt."""

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIXTURES = Path(__file__).parent / "fixtures"
# Microsoft / Google stand-ins and a keyring that remembers (tests/standins/).
pytest_plugins = ["tests.standins.fixtures"]

CLOCK_DIR = Path(__file__).parent / "clock"

sys.path.insert(0, str(CLOCK_DIR))
from moved_clock import CLOCK_FREE, moved_instant, start_moved_clock  # noqa: E402

# The date guard (NETDESK_TEST_CLOCK, see tests/clock/moved_clock.py): collection and
# session fixtures run on the moved clock, and every test starts again at that instant.
_SESSION_CLOCK = start_moved_clock()


def pytest_collection_modifyitems(config, items):
    """Under the date guard, leave out the tests that never read the clock (CLOCK_FREE)."""
    if moved_instant() is None:
        return
    root = Path(__file__).parent.parent
    keep, skip = [], []
    for item in items:
        path = Path(item.fspath).resolve().relative_to(root).as_posix()
        (skip if path.startswith(CLOCK_FREE) else keep).append(item)
    if skip:
        config.hook.pytest_deselected(items=skip)
        items[:] = keep


@pytest.fixture(autouse=True)
def _moved_clock():
    """Under the date guard, each test starts exactly at the moved instant (then ticks)."""
    instant = moved_instant()
    if instant is None:
        yield
        return
    import time_machine

    with time_machine.travel(instant, tick=True):
        yield


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory, monkeypatch):
    """Nothing a test does reaches the real user's data dir, settings or keyring."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("NETDESK_DATA_DIR", str(home / "netdesk-data"))
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    monkeypatch.delenv("NETDESK_DB", raising=False)
    yield


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "netdesk.sqlite3"


@pytest.fixture
def db(db_path):
    """A fresh netdesk database file, bound to the models for the test's duration."""
    from netdesk.models import close_database, open_database

    database = open_database(db_path)
    yield database
    close_database()


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def cli_env() -> dict:
    """Environment for running ``python -m netdesk`` in a subprocess from this checkout."""
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parent.parent)
    paths = [root, env.get("PYTHONPATH", "")]
    if moved_instant() is not None:
        paths.insert(0, str(CLOCK_DIR))  # its sitecustomize moves the subprocess's clock
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return env


@pytest.fixture(scope="session")
def radicale(tmp_path_factory):
    """A real Radicale CalDAV server on 127.0.0.1 (htpasswd user alice/secret), once per run."""
    import socket
    import subprocess
    import sys
    import time
    from types import SimpleNamespace

    folder = tmp_path_factory.mktemp("radicale")
    (folder / "users").write_text("alice:secret\n")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    args = [
        sys.executable, "-m", "radicale",
        "--server-hosts", f"127.0.0.1:{port}",
        "--storage-filesystem-folder", str(folder / "collections"),
        "--auth-type", "htpasswd",
        "--auth-htpasswd-filename", str(folder / "users"),
        "--auth-htpasswd-encryption", "plain",
        "--auth-delay", "0",
        "--logging-level", "warning",
    ]  # fmt: skip
    log = open(folder / "radicale.log", "wb")  # noqa: SIM115 (closed at teardown)
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                log.close()
                message = (folder / "radicale.log").read_text()
                raise RuntimeError(f"Radicale did not start: {message}") from None
            time.sleep(0.05)  # polling a port that is not listening yet
    yield SimpleNamespace(url=f"http://127.0.0.1:{port}/", user="alice", password="secret")
    proc.terminate()
    proc.wait(timeout=10)
    log.close()


@pytest.fixture
def caldav_calendar(radicale, request):
    """A fresh, empty calendar on the Radicale server for one test; its name is returned."""
    import re

    import caldav

    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:60]
    client = caldav.DAVClient(radicale.url, username=radicale.user, password=radicale.password)
    client.principal().make_calendar(name=name, cal_id=name)
    return name


@pytest.fixture
def carddav_book(radicale, request):
    """A fresh, empty address book on the Radicale server for one test; its URL is returned."""
    import re

    import caldav

    name = re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:60]
    client = caldav.DAVClient(radicale.url, username=radicale.user, password=radicale.password)
    client.principal()  # Radicale creates the user's home on first use
    url = f"{radicale.url}{radicale.user}/{name}/"
    body = (
        '<?xml version="1.0" encoding="utf-8"?><d:mkcol xmlns:d="DAV:" '
        'xmlns:c="urn:ietf:params:xml:ns:carddav"><d:set><d:prop><d:resourcetype>'
        f"<d:collection/><c:addressbook/></d:resourcetype><d:displayname>{name}</d:displayname>"
        "</d:prop></d:set></d:mkcol>"
    )
    response = client.request(url, "MKCOL", body, {"Content-Type": "application/xml"})
    assert response.status == 201, response.status
    return url


@pytest.fixture
def user_wall_clock():
    """Stop the clock at a wall-clock time in a user's zone (TZ set, ``time.tzset()``).

    ``user_wall_clock("America/Los_Angeles", datetime(2026, 12, 1, 17, 0))`` is 01:00 UTC
    on 2 December: "today" for the user is still the 1st. Returns the aware instant.
    """
    import time
    from zoneinfo import ZoneInfo

    import time_machine

    before = os.environ.get("TZ")
    travellers = []

    def stop_at(zone: str, wall):
        os.environ["TZ"] = zone
        time.tzset()
        instant = wall.replace(tzinfo=ZoneInfo(zone))
        travellers.append(time_machine.travel(instant, tick=False))
        travellers[-1].start()
        return instant

    yield stop_at
    for traveller in reversed(travellers):
        traveller.stop()
    if before is None:
        os.environ.pop("TZ", None)
    else:
        os.environ["TZ"] = before
    time.tzset()
