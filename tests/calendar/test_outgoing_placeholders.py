"""No unfilled {placeholder} leaves netdesk: the fill rules, the own name, the sample import."""

import os
import re
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from icalendar import Calendar

from netdesk.cli import main
from netdesk.models import Event, EventAttendance, set_setting
from netdesk.services.calendar.followups import create_followup
from netdesk.services.calendar.links import google_calendar_url, outlook_calendar_url
from netdesk.services.calendar.templates import TEMPLATES, compose_url, fill, fill_outgoing, render
from netdesk.services.contacts.own_name import my_name, name_from_gecos, os_full_name
from netdesk.services.contacts.records import create_contact

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "sample" / "aha-2026-leads.vcf"


# The fill rules


def test_a_line_that_is_only_an_empty_placeholder_is_dropped():
    body = "Hi {first_name},\n\nThanks!\n\nBest regards,\n{my_name}"
    assert fill_outgoing(body, {"first_name": "Jane", "my_name": ""}) == (
        "Hi Jane,\n\nThanks!\n\nBest regards,"
    )


def test_the_signature_is_filled_when_there_is_a_name():
    body = "Best regards,\n{my_name}"
    assert fill_outgoing(body, {"my_name": "Sam Rivera"}) == "Best regards,\nSam Rivera"


def test_missing_values_inside_a_sentence_read_as_neutral_words():
    text = "Hi {first_name}, good to meet you at {event}. How is {organization}? {nope}!"
    assert fill_outgoing(text, {}) == (
        "Hi there, good to meet you at the event. How is your organization? !"
    )


def test_a_line_with_several_empty_placeholders_is_dropped_but_not_blank_lines():
    assert fill_outgoing("A\n\n{resource} {my_name}\nB", {}) == "A\n\nB"


@pytest.mark.parametrize("key", sorted(TEMPLATES))
def test_no_template_leaves_a_placeholder_even_with_no_values(key):
    template = TEMPLATES[key]
    for text in (template.subject, template.body):
        assert not PLACEHOLDER.search(fill_outgoing(text, {}))


def test_a_draft_edited_in_netdesk_keeps_what_is_missing_visible():
    assert fill("Best,\n{my_name}", {"my_name": ""}) == "Best,\n{my_name}"


def test_values_are_not_filled_twice():
    out = fill_outgoing("Hi {first_name}", {"first_name": "{my_name}", "my_name": "X"})
    assert out == "Hi {my_name}"  # the contact's own text, as written, not a template


# The user's own name


@pytest.mark.parametrize(
    ("gecos", "login", "expected"),
    [
        ("Ana Silva,Room 4,+1 555 0100,,", "ana", "Ana Silva"),
        ("Ana Silva", "asilva", "Ana Silva"),
        ("root", "root", ""),
        ("", "ana", ""),
        (",,,", "ana", ""),
        ("& Jones,,,", "bob", "Bob Jones"),
        ("  José Müller  ", "jm", "José Müller"),
    ],
)
def test_name_from_gecos(gecos, login, expected):
    assert name_from_gecos(gecos, login) == expected


@pytest.mark.skipif(os.name != "posix", reason="reads the passwd entry")
def test_os_full_name_is_this_accounts_gecos_name():
    import pwd

    entry = pwd.getpwuid(os.getuid())
    assert os_full_name() == name_from_gecos(entry.pw_gecos, entry.pw_name)


def test_the_setting_wins_over_the_os_name(db):
    assert my_name() == os_full_name()
    set_setting("my_name", "  Sam Rivera ")
    assert my_name() == "Sam Rivera"


# Everywhere text leaves


@pytest.fixture
def unnamed_followup(db):
    """No "Your name", no event, no organization: everything a template could miss."""
    contact = create_contact(name="Jane Doe", emails=["jane@example.org"])
    return create_followup(contact, date(2027, 3, 15), "Follow up", template="thank-you")


def test_mail_link_and_calendar_links_carry_no_placeholder(unnamed_followup):
    subject, body = render(unnamed_followup)
    assert not PLACEHOLDER.search(subject + body)
    query = parse_qs(urlsplit(compose_url(unnamed_followup)).query)
    assert not PLACEHOLDER.search(unquote(query["body"][0]))
    for url in (google_calendar_url(unnamed_followup), outlook_calendar_url(unnamed_followup)):
        assert not PLACEHOLDER.search(unquote(url))


def test_the_os_name_signs_when_the_setting_is_empty(unnamed_followup):
    _, body = render(unnamed_followup)
    name = os_full_name()
    if name:
        assert body.endswith("\n" + name)
    else:
        assert body.rstrip().endswith("Best regards,")


def test_sample_import_with_follow_ups_exports_no_placeholder(tmp_path, monkeypatch):
    monkeypatch.setenv("NETDESK_NO_AUTO_BACKUP", "1")
    db = str(tmp_path / "netdesk.sqlite3")
    out = tmp_path / "followups.ics"
    argv = ["--db", db, "import", str(SAMPLE), "--event", "AHA 2026"]
    argv += ["--event-date", "2026-11-07", "--follow-up-after", "3"]
    assert main(argv) == 0
    assert main(["--db", db, "export-ics", str(out)]) == 0
    events = Calendar.from_ical(out.read_bytes()).walk("VEVENT")
    assert len(events) >= 10
    for event in events:
        description = str(event["DESCRIPTION"])
        assert "Suggested message" in description
        assert not PLACEHOLDER.search(description), description
        assert not PLACEHOLDER.search(str(event["SUMMARY"]))


def test_sample_export_is_signed_with_your_name(tmp_path, monkeypatch):
    monkeypatch.setenv("NETDESK_NO_AUTO_BACKUP", "1")
    db = str(tmp_path / "netdesk.sqlite3")
    out = tmp_path / "followups.ics"
    argv = ["--db", db, "import", str(SAMPLE), "--event", "AHA 2026"]
    assert main([*argv, "--event-date", "2026-11-07", "--follow-up-after", "3"]) == 0
    from netdesk.models import close_database, open_database

    open_database(db)
    set_setting("my_name", "Sam Rivera")
    assert EventAttendance.select().join(Event).where(Event.name == "AHA 2026").count() > 0
    close_database()
    assert main(["--db", db, "export-ics", str(out)]) == 0
    for event in Calendar.from_ical(out.read_bytes()).walk("VEVENT"):
        assert str(event["DESCRIPTION"]).endswith("\nSam Rivera")
