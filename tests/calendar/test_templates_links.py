"""Email templates, mailto: escaping, and the Google / Outlook deep links."""

from datetime import date, time
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from netdesk.errors import InputError
from netdesk.models import Event, EventAttendance, set_setting
from netdesk.services.calendar.followups import create_followup
from netdesk.services.calendar.links import google_calendar_url, outlook_calendar_url
from netdesk.services.calendar.templates import TEMPLATES, compose_url, fill, mailto_url, render
from netdesk.services.contacts.records import create_contact


@pytest.fixture
def followup(db):
    c = create_contact(
        name="Jane Doe", prefix="Dr", organization="St Mary's", emails=["jane.doe@stmarys.org"]
    )
    EventAttendance.create(
        contact=c, event=Event.create(name="AHA 2026", start_date=date(2026, 11, 7))
    )
    set_setting("my_name", "Sam Rivera")
    return create_followup(
        c, date(2026, 12, 1), "Follow up", due_time=time(9, 0), timezone="America/New_York",
        template="thank-you", note="pt MRN 00482913 asked about",
    )  # fmt: skip


def test_all_five_templates_exist():
    assert {"coffee", "thank-you", "check-in", "congratulations", "resource"} <= set(TEMPLATES)


def test_fill_leaves_unknown_and_never_evaluates():
    assert fill("Hi {first_name}", {"first_name": "Jane"}) == "Hi Jane"
    assert (
        fill("{nope} {first_name.__class__}", {"first_name": "x"})
        == "{nope} {first_name.__class__}"
    )


def test_alias_used_by_the_history_feature(followup):
    followup.template = "congratulate"
    assert render(followup)[0] == "Congratulations!"


def test_render_uses_contact_event_and_my_name(followup):
    subject, body = render(followup)
    assert subject == "Great meeting you at AHA 2026"
    assert body.startswith("Hi Jane,") and "Sam Rivera" in body


def test_mailto_encodes_and_blocks_header_injection():
    url = mailto_url("jane@example.org", "Hi\r\nBcc: evil@x.org", "Line 1\nLine & 2 ?=%")
    parts = urlsplit(url)
    assert parts.scheme == "mailto" and parts.path == "jane@example.org"
    query = parse_qs(parts.query)
    assert query["subject"] == ["Hi Bcc: evil@x.org"]  # one line: no new header
    assert query["body"] == ["Line 1\r\nLine & 2 ?=%"]
    assert "\n" not in url and " " not in url
    for bad in ("jane@x.org\r\nBcc: evil@x.org", "jane@x.org?cc=evil@x.org", "a@x.org&bcc=b"):
        with pytest.raises(InputError):
            mailto_url(bad)


def test_compose_url_goes_to_preferred_email(followup):
    url = compose_url(followup, "coffee")
    assert url.startswith("mailto:jane.doe@stmarys.org?subject=Coffee%20soon%3F&body=Hi%20Jane")


def test_google_link(followup):
    parts = urlsplit(google_calendar_url(followup))
    assert (parts.netloc, parts.path) == ("calendar.google.com", "/calendar/render")
    q = parse_qs(parts.query)
    assert q["action"] == ["TEMPLATE"]
    assert q["text"] == ["Follow up: Dr Jane Doe (St Mary's)"]
    assert q["dates"] == ["20261201T140000Z/20261201T141500Z"]  # 09:00 EST in UTC
    assert q["ctz"] == ["America/New_York"]
    assert "Met at: AHA 2026" in q["details"][0]
    assert "00482913" not in q["details"][0]  # patient-like text redacted
    allday = create_followup(followup.contact, date(2026, 12, 31), "Coffee")
    assert parse_qs(urlsplit(google_calendar_url(allday)).query)["dates"] == ["20261231/20270101"]


def test_outlook_links(followup):
    url = outlook_calendar_url(followup)
    parts = urlsplit(url)
    assert (parts.netloc, parts.path) == ("outlook.live.com", "/calendar/0/deeplink/compose")
    q = parse_qs(parts.query)
    assert q["rru"] == ["addevent"] and q["path"] == ["/calendar/action/compose"]
    assert q["startdt"] == ["2026-12-01T14:00:00Z"]  # 09:00 EST, in UTC as documented
    assert q["enddt"] == ["2026-12-01T14:15:00Z"]
    assert "St Mary&#x27;s<br>" in q["body"][0]  # the body is HTML: escaped, lines as <br>
    assert q["subject"] == ["Follow up: Dr Jane Doe (St Mary's)"]
    assert "+" not in parts.query  # spaces as %20: Outlook shows '+' literally
    office = outlook_calendar_url(followup, office365=True)
    assert urlsplit(office).netloc == "outlook.office.com"
    allday = create_followup(followup.contact, date(2026, 12, 2), "Coffee")
    q = parse_qs(urlsplit(outlook_calendar_url(allday)).query)
    assert (q["startdt"], q["enddt"], q["allday"]) == (["2026-12-02"], ["2026-12-03"], ["true"])
    assert unquote(url).count("MRN") == 0
