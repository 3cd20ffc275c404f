"""Outlook through Microsoft Graph, against the local stand-in (tests/standins/microsoft.py)."""

from datetime import UTC, date, datetime, time

import pytest
import time_machine

from netdesk.errors import UserError
from netdesk.models import CalendarLink, FollowUp, get_setting
from netdesk.services.calendar.followups import (
    cancel_followup,
    complete_followup,
    create_followup,
    reschedule_followup,
)
from netdesk.services.contacts.records import create_contact, delete_contacts
from netdesk.services.sync import accounts, engine
from netdesk.services.sync.engine import SignInAgain, link_for

SIGNED_IN_AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def sign_in(server) -> str:
    shown = []
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        user = accounts.microsoft_sign_in(shown.append)
    assert "NDK-7QX2" in shown[0] and "devicelogin" in shown[0]
    return user


def run(sleeps=None, **kwargs):
    provider = accounts.provider_for("microsoft")
    return engine.sync(provider, sleep=[].append if sleeps is None else sleeps.append, **kwargs)


@pytest.fixture
def followups(db):
    c = create_contact(name="Jane Doe", prefix="Dr", organization="St Mary's")
    timed = create_followup(
        c, date(2026, 12, 1), "Follow up", due_time=time(9, 0), timezone="America/New_York"
    )
    allday = create_followup(c, date(2026, 12, 2), "Coffee")
    return c, timed, allday


def on_server(server) -> dict:
    return {server.uid_of(e): e for e in server.events.values()}


def test_device_code_sign_in_keeps_tokens_in_the_keyring_only(microsoft, kept_secrets):
    assert sign_in(microsoft) == "ana.silva@stmarys.example"
    assert get_setting("microsoft.username") == "ana.silva@stmarys.example"
    (key,) = kept_secrets.items
    assert key == ("netdesk-microsoft", "test-client-id@organizations")
    from netdesk.models import Setting

    for token in microsoft.refresh_tokens | microsoft.access_tokens:
        assert all(token not in s.value for s in Setting.select())
    assert accounts.account_status("microsoft").connected


def test_calendars_are_listed_across_pages(microsoft):
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        names = [(c.name, c.writable) for c in accounts.provider_for("microsoft").calendars()]
    assert names == [("Calendar", True), ("Work", True), ("US Holidays", False)]


def test_create_update_done_delete_and_a_second_run_changes_nothing(microsoft, followups):
    contact, timed, allday = followups
    sign_in(microsoft)
    accounts.choose_calendar("microsoft", "AAMkCal-work", "Work")
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        result = run()
        assert (result.created, result.failed) == (2, [])
        events = on_server(microsoft)
        event = events[timed.uid]
        assert event["calendar"] == "AAMkCal-work"
        assert event["start"] == {
            "dateTime": "2026-12-01T09:00:00",
            "timeZone": "Eastern Standard Time",
        }
        assert event["end"]["dateTime"] == "2026-12-01T09:15:00"
        assert event["reminderMinutesBeforeStart"] == 15 and event["isReminderOn"] is True
        assert event["sensitivity"] == "private" and event["categories"] == ["Follow-up"]
        assert event["subject"] == "Follow up: Dr Jane Doe (St Mary's)"
        day = events[allday.uid]
        assert day["isAllDay"] is True and day["showAs"] == "free"
        assert day["start"]["dateTime"] == "2026-12-02T00:00:00"
        assert day["end"]["dateTime"] == "2026-12-03T00:00:00"
        assert day["reminderMinutesBeforeStart"] == 15 * 60  # 09:00 the day before

        posts = len(microsoft.requests("POST", "/events$"))
        again = run()
        assert (again.created, again.updated, again.cancelled, again.deleted) == (0, 0, 0, 0)
        assert len(microsoft.requests("PATCH")) == 0
        assert len(microsoft.requests("POST", "/events$")) == posts

        reschedule_followup(FollowUp.get_by_id(timed.id), date(2026, 12, 3), time(10, 30))
        complete_followup(FollowUp.get_by_id(allday.id))
        result = run()
        assert (result.updated, result.cancelled) == (1, 1)
        (patch, _) = microsoft.requests("PATCH")
        assert patch.headers["if-match"].startswith('W/"')
        events = on_server(microsoft)
        assert len(events) == 2
        assert events[timed.uid]["start"]["dateTime"] == "2026-12-03T10:30:00"
        assert events[allday.uid]["subject"].startswith("Done: ")
        assert events[allday.uid]["isReminderOn"] is False

        delete_contacts([contact.id])
        assert run().deleted == 2
        assert microsoft.events == {} and CalendarLink.select().count() == 0


def test_expired_access_token_is_refreshed_silently(microsoft, followups):
    sign_in(microsoft)
    with time_machine.travel(datetime(2026, 11, 20, 11, 0, tzinfo=UTC), tick=False):
        assert run().created == 2  # the access token expired at 09:00
    assert microsoft.grants.count("refresh_token") == 1


def test_token_rejected_early_is_refreshed_once(microsoft, followups):
    sign_in(microsoft)
    microsoft.expire_access_tokens()  # revoked server-side before its expiry time
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run().created == 2
    assert microsoft.grants.count("refresh_token") == 1


def test_revoked_consent_says_sign_in_again(microsoft, followups):
    sign_in(microsoft)
    microsoft.revoke_consent()
    with (
        time_machine.travel(SIGNED_IN_AT, tick=False),
        pytest.raises(SignInAgain, match="sign in again"),
    ):
        run()
    assert CalendarLink.select().count() == 0


def test_forbidden_names_the_permission(microsoft, followups):
    sign_in(microsoft)
    microsoft.fail_next(
        "POST",
        "/events$",
        403,
        {"error": {"code": "ErrorAccessDenied", "message": "Access is denied."}},
    )
    with (
        time_machine.travel(SIGNED_IN_AT, tick=False),
        pytest.raises(UserError, match="Calendars.ReadWrite"),
    ):
        run()


def test_read_only_calendar_is_refused_clearly(microsoft, followups):
    sign_in(microsoft)
    accounts.choose_calendar("microsoft", "AAMkCal-holidays", "US Holidays")
    with time_machine.travel(SIGNED_IN_AT, tick=False), pytest.raises(UserError, match="403"):
        run()


def test_event_deleted_in_outlook_stays_deleted_unless_configured(microsoft, followups):
    _, timed, _ = followups
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
        microsoft.events.pop(link_for("microsoft", timed.uid).event_id)  # the user deletes it
        reschedule_followup(FollowUp.get_by_id(timed.id), date(2026, 12, 4), time(9, 0))
        result = run()
        assert (result.kept_deleted, result.created) == (1, 0)
        assert "left deleted" in result.summary()
        assert timed.uid not in on_server(microsoft)
        assert link_for("microsoft", timed.uid).state == "deleted-by-user"
        assert run().kept_deleted == 0  # and not asked about again

        result = run(recreate_deleted=True)
        assert result.created == 1
        assert on_server(microsoft)[timed.uid]["start"]["dateTime"] == "2026-12-04T09:00:00"


def test_throttling_honours_retry_after_without_waiting(microsoft, followups):
    sign_in(microsoft)
    microsoft.fail_next(
        "POST",
        "/events$",
        429,
        {"error": {"code": "TooManyRequests", "message": "Please retry again later."}},
        {"Retry-After": "7"},
    )
    microsoft.fail_next(
        "POST", "/events$", 503, {"error": {"code": "ServiceUnavailable", "message": "busy"}}
    )
    sleeps = []
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run(sleeps).created == 2
    assert sleeps == [7.0, 4.0]  # Retry-After, then the backoff's second step


def test_endless_throttling_stops_with_a_message_and_keeps_what_was_sent(microsoft, followups):
    sign_in(microsoft)
    _, timed, allday = followups
    microsoft.fail_next(
        "POST",
        "/events$",
        429,
        {"error": {"code": "TooManyRequests", "message": "later"}},
        {"Retry-After": "3600"},
        times=99,
    )
    sleeps = []
    with (
        time_machine.travel(SIGNED_IN_AT, tick=False),
        pytest.raises(UserError, match="still busy"),
    ):
        run(sleeps)
    assert sleeps == [60.0] * 4  # bounded: 4 waits of at most a minute
    microsoft.faults.clear()
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run().created == 2


def test_partial_run_is_completed_by_the_next_without_duplicates(microsoft, followups):
    """The network drops after Graph accepted the first event but before netdesk knew."""
    _, timed, allday = followups
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
        CalendarLink.delete().where(CalendarLink.uid == allday.uid).execute()  # "crash"
        result = run()
    assert result.created == 1
    assert len(microsoft.events) == 2  # found again through the extended property
    searches = [r for r in microsoft.requests("GET", "/events$") if "$filter" in r.query]
    assert allday.uid in searches[-1].query["$filter"]
    assert len(microsoft.requests("POST", "/events$")) == 2


def test_network_down_is_one_clear_message(microsoft, followups):
    sign_in(microsoft)
    microsoft.close()
    with (
        time_machine.travel(SIGNED_IN_AT, tick=False),
        pytest.raises(UserError, match="Cannot reach|network"),
    ):
        run()
    assert CalendarLink.select().count() == 0


def test_patient_data_is_redacted_as_for_ics_export(microsoft, db):
    c = create_contact(name="Jane Doe")
    f = create_followup(
        c, date(2026, 12, 1), "Call about pt Smith MRN 00482913", note="DOB 04/12/1961"
    )
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
    event = on_server(microsoft)[f.uid]
    text = event["subject"] + event["body"]["content"]
    assert "00482913" not in text and "04/12/1961" not in text
    assert "[redacted" in text


def test_cancelled_followup_never_synced_is_not_sent(microsoft, followups):
    _, timed, allday = followups
    cancel_followup(FollowUp.get_by_id(allday.id))
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        assert run().created == 1
    assert set(on_server(microsoft)) == {timed.uid}


def test_sign_out_removes_tokens_and_links(microsoft, followups, kept_secrets):
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        run()
    note = accounts.sign_out("microsoft")
    assert "myaccount.microsoft.com" in note
    assert kept_secrets.items == {}
    assert CalendarLink.select().count() == 0
    assert not accounts.account_status("microsoft").connected
    with pytest.raises(SignInAgain, match="Not signed in"):
        run()


def test_event_edited_in_outlook_is_overwritten_and_test_says_where(microsoft, followups):
    _, timed, _ = followups
    sign_in(microsoft)
    with time_machine.travel(SIGNED_IN_AT, tick=False):
        provider = accounts.provider_for("microsoft")
        assert provider.describe() == (
            "Signed in as ana.silva@stmarys.example; follow-ups will go to calendar 'Calendar'."
        )
        run()
        event = microsoft.events[link_for("microsoft", timed.uid).event_id]
        event["subject"] = "edited in Outlook"
        event["@odata.etag"] = microsoft._etag(event)  # the user's edit changed the etag
        reschedule_followup(FollowUp.get_by_id(timed.id), date(2026, 12, 8), time(9, 0))
        assert run().updated == 1
    statuses = [r for r in microsoft.log if r.method == "PATCH"]
    assert len(statuses) == 2  # refused once (412), then sent with the fresh etag
    assert event["subject"].startswith("Follow up") and event["start"]["dateTime"].startswith(
        "2026-12-08"
    )


@pytest.fixture
def default_browser(tls_files, monkeypatch):
    """The stand-in browser as the system's default one (MSAL opens ``webbrowser.open``)."""
    import contextlib
    import webbrowser

    from tests.standins.fixtures import StandInBrowser

    browser = StandInBrowser(tls_files[0])
    monkeypatch.delenv("BROWSER", raising=False)
    with contextlib.suppress(webbrowser.Error):
        webbrowser.get()  # the standard browsers are registered once, before ours
    monkeypatch.setattr(webbrowser, "_tryorder", list(webbrowser._tryorder or []))
    webbrowser.register("netdesk-standin-default", None, browser, preferred=True)
    return browser


def test_browser_sign_in_uses_pkce_and_a_loopback_redirect(microsoft, default_browser, followups):
    from urllib.parse import parse_qs, urlsplit

    assert accounts.microsoft_sign_in_browser() == "ana.silva@stmarys.example"
    (opened,) = default_browser.opened
    asked = {k: v[0] for k, v in parse_qs(urlsplit(opened).query).items()}
    assert opened.startswith(microsoft.authority() + "/oauth2/v2.0/authorize?")
    assert asked["code_challenge_method"] == "S256" and asked["prompt"] == "select_account"
    assert urlsplit(asked["redirect_uri"]).hostname == "localhost"
    assert microsoft.grants == ["authorization_code"]
    assert get_setting("microsoft.username") == "ana.silva@stmarys.example"
    assert accounts.account_status("microsoft").connected
    assert run().created == 2  # the tokens it got reach Graph


def test_browser_sign_in_declined_is_one_clear_message(microsoft, default_browser):
    microsoft.consent = False
    with pytest.raises(UserError, match="declined to consent"):
        accounts.microsoft_sign_in_browser()
    assert not accounts.account_status("microsoft").connected
    assert microsoft.grants == []


def test_browser_sign_in_nobody_finishes_gives_up(microsoft, default_browser, monkeypatch):
    from netdesk.services.sync import tokens

    monkeypatch.setattr(tokens, "BROWSER_TIMEOUT_S", 1)
    monkeypatch.setattr(default_browser, "_visit", lambda url: None)  # the tab is left open
    with pytest.raises(UserError, match="sign-in failed: User did not complete the flow in time"):
        accounts.microsoft_sign_in_browser()
    assert not accounts.account_status("microsoft").connected
