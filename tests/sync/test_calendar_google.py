"""Google Calendar through the Calendar API v3, against the stand-in (tests/standins/google.py),
which checks every request against the discovery document google-api-python-client ships."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from netdesk.errors import UserError
from netdesk.models import CalendarLink, FollowUp
from netdesk.services.calendar.followups import (
    complete_followup,
    create_followup,
    reschedule_followup,
)
from netdesk.services.contacts.records import create_contact, delete_contacts
from netdesk.services.sync import accounts, engine, tokens
from netdesk.services.sync.engine import SignInAgain, link_for

SIGNED_IN_AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def sign_in(server) -> None:
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        tokens.google_sign_in(server.client_config(), browser="netdesk-standin")


def run(sleeps=None, **kwargs):
    provider = accounts.provider_for("google")
    return engine.sync(provider, sleep=[].append if sleeps is None else sleeps.append, **kwargs)


@pytest.fixture
def followups(db):
    c = create_contact(name="Jane Doe", prefix="Dr", organization="St Mary's")
    timed = create_followup(
        c, date(2026, 12, 1), "Follow up", due_time=time(9, 0), timezone="America/New_York"
    )
    allday = create_followup(c, date(2026, 12, 2), "Coffee")
    return c, timed, allday


def test_installed_app_sign_in_uses_pkce_and_the_keyring(google, kept_secrets):
    sign_in(google)
    (url,) = google.browser.opened
    assert "code_challenge_method=S256" in url and "redirect_uri=http%3A%2F%2F127.0.0.1" in url
    assert "calendar.events" in url
    assert google.grants == ["authorization_code"]  # the stand-in verified the PKCE verifier
    assert list(kept_secrets.items) == [("netdesk-google", "authorized-user")]
    assert accounts.account_status("google").connected


def test_writable_calendars_are_listed(google):
    sign_in(google)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        found = accounts.provider_for("google").calendars()
    assert [(c.name, c.primary) for c in found] == [
        ("ana@example.org", True),
        ("Follow-ups", False),
    ]


def test_round_trip_and_a_second_run_changes_nothing(google, followups):
    contact, timed, allday = followups
    sign_in(google)
    accounts.choose_calendar("google", "team@group.calendar.google.com", "Follow-ups")
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run().created == 2
        events = google.of_uid()
        event = events[timed.uid]
        assert event["start"] == {
            "dateTime": "2026-12-01T09:00:00-05:00",
            "timeZone": "America/New_York",
        }
        assert event["end"]["dateTime"] == "2026-12-01T09:15:00-05:00"
        assert event["reminders"] == {
            "useDefault": False,
            "overrides": [{"method": "popup", "minutes": 15}],
        }
        assert event["visibility"] == "private" and event["transparency"] == "opaque"
        assert event["extendedProperties"]["private"]["netdeskCategories"] == "Follow-up"
        assert events[allday.uid]["start"] == {"date": "2026-12-02"}
        assert events[allday.uid]["end"] == {"date": "2026-12-03"}

        writes = len(google.requests("POST")) + len(google.requests("PATCH"))
        again = run()
        assert (again.created, again.updated, again.cancelled, again.deleted) == (0, 0, 0, 0)
        assert len(google.requests("POST")) + len(google.requests("PATCH")) == writes

        reschedule_followup(FollowUp.get_by_id(timed.id), date(2026, 12, 3), time(10, 30))
        complete_followup(FollowUp.get_by_id(allday.id))
        result = run()
        assert (result.updated, result.cancelled) == (1, 1)
        patches = google.requests("PATCH")
        assert all(p.headers["if-match"].startswith('"') for p in patches)
        events = google.of_uid()
        assert events[timed.uid]["start"]["dateTime"] == "2026-12-03T10:30:00-05:00"
        assert events[allday.uid]["summary"].startswith("Done: ")
        assert events[allday.uid]["reminders"]["overrides"] == []

        delete_contacts([contact.id])
        assert run().deleted == 2
        assert google.of_uid() == {} and CalendarLink.select().count() == 0


def test_deletion_in_google_is_seen_through_the_sync_token(google, followups):
    _, timed, _ = followups
    sign_in(google)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
        google.delete_as_user(link_for("google", timed.uid).event_id)
        result = run()  # nothing changed in netdesk, yet the deletion is noticed
        assert link_for("google", timed.uid).state == "deleted-by-user"
        assert any("syncToken" in r.query for r in google.requests("GET", "/events$"))
        reschedule_followup(FollowUp.get_by_id(timed.id), date(2026, 12, 5), time(9, 0))
        result = run()
        assert result.created == 0 and timed.uid not in google.of_uid()
        assert run(recreate_deleted=True).created == 1
        assert google.of_uid()[timed.uid]["start"]["dateTime"].startswith("2026-12-05")


def test_expired_sync_token_starts_a_full_listing(google, followups):
    sign_in(google)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
        google.expire_sync_tokens()
        assert run().failed == []
    lists = [r for r in google.requests("GET", "/events$") if "iCalUID" not in r.query]
    assert "syncToken" in lists[-2].query and "syncToken" not in lists[-1].query


def test_expired_access_token_is_refreshed_silently_and_kept(google, followups, kept_secrets):
    sign_in(google)
    stored = kept_secrets.items[("netdesk-google", "authorized-user")]
    with time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=False):
        assert run().created == 2
    assert google.grants.count("refresh_token") == 1
    assert kept_secrets.items[("netdesk-google", "authorized-user")] != stored


def test_revoked_consent_says_sign_in_again(google, followups):
    sign_in(google)
    google.revoke_consent()
    with (
        time_machine.travel(datetime(2026, 11, 20, 10, 0, tzinfo=UTC), tick=False),
        pytest.raises(SignInAgain, match="sign in again"),
    ):
        run()


def test_forbidden_calendar_is_explained(google, followups):
    sign_in(google)
    accounts.choose_calendar("google", "en.usa#holiday@group.v.calendar.google.com", "Holidays")
    with time_machine.travel(SIGNED_IN_AT, tick=False), pytest.raises(UserError, match="403"):
        run()


def test_rate_limit_waits_retry_after(google, followups):
    sign_in(google)
    google.fail_next(
        "POST",
        "/events$",
        429,
        {
            "error": {
                "code": 429,
                "message": "Rate Limit Exceeded",
                "errors": [{"reason": "rateLimitExceeded"}],
            }
        },
        {"Retry-After": "5"},
    )
    google.fail_next(
        "POST",
        "/events$",
        503,
        {
            "error": {
                "code": 503,
                "message": "Backend Error",
                "errors": [{"reason": "backendError"}],
            }
        },
    )
    sleeps = []
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run(sleeps).created == 2
    assert sleeps == [5.0, 4.0]


def test_crash_after_insert_is_found_by_ical_uid(google, followups):
    _, timed, allday = followups
    sign_in(google)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
        CalendarLink.delete().where(CalendarLink.uid == allday.uid).execute()
        assert run().created == 1
    assert len(google.of_uid()) == 2
    assert any(r.query.get("iCalUID") == allday.uid for r in google.requests("GET"))


def test_network_down(google, followups):
    sign_in(google)
    google.close()
    with (
        time_machine.travel(SIGNED_IN_AT, tick=False),
        pytest.raises(UserError, match="Cannot reach"),
    ):
        run()


def test_sign_out_revokes_and_forgets(google, followups, kept_secrets):
    sign_in(google)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
    assert accounts.sign_out("google") == "Signed out of Google."
    assert len(google.revoked) == 1 and kept_secrets.items == {}
    assert CalendarLink.select().count() == 0
    with pytest.raises(SignInAgain, match="Not signed in"):
        run()


def test_stand_in_rejects_what_google_would(google):
    """The stand-in itself: an unknown field or a wrong type is a 400, as from Google."""
    sign_in(google)
    from googleapiclient.errors import HttpError

    with time_machine.travel(SIGNED_IN_AT, tick=False):
        api = accounts.provider_for("google")._api()
        bad = {"start": {"date": "2026-12-01"}, "end": {"date": "2026-12-02"}}
        for body in (
            {**bad, "colour": "7"},
            {**bad, "summary": 12},
            {**bad, "start": {"date": "12/01/2026"}},
        ):
            with pytest.raises(HttpError) as info:
                api.events().insert(calendarId="primary", body=body).execute()
            assert info.value.resp.status == 400
