"""CalDAV push against a real Radicale server on 127.0.0.1 (see the ``radicale`` fixture)."""

import socket
from datetime import date, time

import caldav
import pytest

from netdesk.errors import InputError, UserError
from netdesk.models import FollowUp
from netdesk.services.calendar.followups import (
    cancel_followup,
    complete_followup,
    create_followup,
    reschedule_followup,
)
from netdesk.services.contacts.records import create_contact, delete_contacts
from netdesk.services.progress import Progress
from netdesk.services.sync.caldav_push import (
    check_connection,
    check_url,
    get_password,
    pending_followups,
    store_password,
    sync_followups,
)


def server_events(radicale, name):
    client = caldav.DAVClient(radicale.url, username=radicale.user, password=radicale.password)
    cal = client.principal().calendar(cal_id=name)
    return {str(e.icalendar_component["uid"]): e.icalendar_component for e in cal.events()}


def sync(radicale, name, password=None, progress=None):
    return sync_followups(
        radicale.url,
        radicale.user,
        password or radicale.password,
        name,
        progress or Progress(),
    )


@pytest.fixture
def two_followups(db):
    c = create_contact(name="Jane Doe", prefix="Dr", organization="St Mary's")
    timed = create_followup(
        c, date(2026, 12, 1), "Follow up", due_time=time(9, 0), timezone="America/New_York"
    )
    allday = create_followup(c, date(2026, 12, 2), "Coffee")
    return c, timed, allday


def test_create_update_cancel_round_trip(radicale, caldav_calendar, two_followups):
    contact, timed, allday = two_followups
    steps = []
    result = sync(radicale, caldav_calendar, progress=Progress(lambda d, t, m: steps.append(m)))
    assert (result.created, result.updated, result.failed) == (2, 0, [])
    assert steps and steps[-1] == "Done"
    on_server = server_events(radicale, caldav_calendar)
    assert set(on_server) == {timed.uid, allday.uid}
    assert on_server[timed.uid]["sequence"] == 0
    assert str(on_server[timed.uid]["dtstart"].params["TZID"]) == "America/New_York"
    assert FollowUp.get_by_id(timed.id).synced_sequence == 0

    again = sync(radicale, caldav_calendar)  # idempotent: nothing pending, nothing sent
    assert (again.created, again.updated, again.cancelled) == (0, 0, 0)

    reschedule_followup(timed, date(2026, 12, 3), time(10, 30))
    cancel_followup(allday)
    result = sync(radicale, caldav_calendar)
    assert (result.updated, result.cancelled) == (1, 1)
    on_server = server_events(radicale, caldav_calendar)
    assert len(on_server) == 2  # same UIDs: updated in place, not duplicated
    assert on_server[timed.uid]["sequence"] == 1
    assert on_server[timed.uid].decoded("dtstart").hour == 10
    assert on_server[allday.uid]["status"] == "CANCELLED"
    assert pending_followups() == []

    delete_contacts([contact.id])  # the follow-ups are gone: their events go too
    result = sync(radicale, caldav_calendar)
    assert result.deleted == 2
    assert server_events(radicale, caldav_calendar) == {}


def test_completed_followup_is_cancelled_on_the_server(radicale, caldav_calendar, two_followups):
    _, timed, _ = two_followups
    sync(radicale, caldav_calendar)
    complete_followup(FollowUp.get_by_id(timed.id))
    assert sync(radicale, caldav_calendar).cancelled == 1
    assert server_events(radicale, caldav_calendar)[timed.uid]["status"] == "CANCELLED"


def test_wrong_password_is_clear_and_nothing_marked_synced(
    radicale, caldav_calendar, two_followups
):
    with pytest.raises(UserError, match="refused user 'alice'.*password"):
        sync(radicale, caldav_calendar, password="wrong")
    assert FollowUp.select().where(FollowUp.synced_sequence.is_null(False)).count() == 0
    assert len(pending_followups()) == 2


def test_unreachable_server(db, two_followups):
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(UserError, match="Cannot reach the CalDAV server"):
        sync_followups(f"http://127.0.0.1:{port}/", "alice", "secret")
    assert FollowUp.select().where(FollowUp.synced_sequence.is_null(False)).count() == 0


def test_missing_calendar_names_the_ones_there(radicale, caldav_calendar, db):
    with pytest.raises(UserError, match="No calendar named 'nope'.*Calendars there:"):
        check_connection(radicale.url, radicale.user, radicale.password, "nope")
    message = check_connection(radicale.url, radicale.user, radicale.password, caldav_calendar)
    assert caldav_calendar in message


def test_tls_failure_is_explained(db, tmp_path):
    """A plain-HTTP listener spoken to with https:// fails the TLS handshake."""
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]

    def answer_garbage():
        conn, _ = server.accept()
        conn.recv(1024)
        conn.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
        conn.close()

    thread = threading.Thread(target=answer_garbage, daemon=True)
    thread.start()
    try:
        with pytest.raises(UserError, match="secure connection"):
            check_connection(f"https://127.0.0.1:{port}/", "alice", "secret")
    finally:
        server.close()


def test_plain_http_refused_for_remote_hosts():
    with pytest.raises(InputError, match="https"):
        check_url("http://cloud.example.org/dav")
    assert check_url("http://127.0.0.1:5232/") == "http://127.0.0.1:5232/"


def test_password_from_environment_or_clear_message(monkeypatch):
    monkeypatch.setenv("NETDESK_CALDAV_PASSWORD", "from-env")
    assert get_password("alice") == "from-env"
    monkeypatch.delenv("NETDESK_CALDAV_PASSWORD")
    with pytest.raises(UserError, match="No CalDAV password for 'alice'"):
        get_password("alice")  # the null keyring backend holds nothing


def test_password_not_kept_by_keyring_is_reported():
    with pytest.raises(UserError, match="did not keep the password"):
        store_password("alice", "secret")  # the test keyring backend forgets everything
