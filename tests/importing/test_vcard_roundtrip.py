"""Nothing lost: real-shaped cards from Apple, Google, Outlook and DAVx5 go through
import -> export and every property comes back (unknown ones byte for byte)."""

import base64
import re
from datetime import date

import pytest

from netdesk.models import Contact, Event, EventAttendance, VCardProperty
from netdesk.services.contacts.credentials import split_credentials
from netdesk.services.importing import vcard
from netdesk.services.importing.importer import commit_plan, plan_import, undo_import
from netdesk.services.importing.vcard_export import contact_vcard

CARDS = ["apple_ios17.vcf", "google.vcf", "outlook_2.1.vcf", "davx5_4.0.vcf"]
ALIASES = {"X-ANNIVERSARY": "ANNIVERSARY", "X-SKYPE": "IMPP"}


def lines_of(text: str) -> list[vcard.Line]:
    return vcard._content_lines(text, 1, [])


def key(line: vcard.Line):
    """What a modelled property means, whatever the writer's spelling."""
    name, value = ALIASES.get(line.name, line.name), vcard._unescape(line.value).strip()
    if name == "TEL":
        return name, "".join(c for c in value if c.isdigit())
    if name == "EMAIL":
        return name, value.casefold()
    if name in ("N", "ADR", "ORG"):
        return name, tuple(p.strip() for p in vcard._split_structured(line.value) if p.strip())
    if name in ("BDAY", "ANNIVERSARY"):
        return name, vcard._parse_date(line.value, line)
    if name == "PHOTO":
        return name, base64.b64decode(line.value.split(",")[-1])
    if name == "FN":  # netdesk writes credentials after the name ("Tomás Rivera, PharmD")
        return name, split_credentials(value)[0]
    if name == "NOTE":
        return name, value.replace("\r\n", "\n")
    return name, value


def without_rev(text: str) -> str:
    return re.sub(r"REV:[0-9TZ]+\r\n", "", text)


def import_one(path) -> Contact:
    commit_plan(plan_import([path]), redact_notes=False)
    (contact,) = Contact.select()
    return contact


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@pytest.mark.parametrize("name", CARDS)
def test_import_then_export_keeps_every_property(db, fixtures, name, version):
    path = fixtures / "roundtrip" / name
    original = lines_of(path.read_text(encoding="utf-8"))
    exported = lines_of(contact_vcard(import_one(path), version))
    raw_out = {line.raw for line in exported}
    by_key = {key(line): line for line in exported}
    categories_out = {
        c for line in exported if line.name == "CATEGORIES" for c in line.value.split(",")
    }
    draft = vcard.draft_from_card(str(path), 1, 1, path.read_text(encoding="utf-8"))
    verbatim = {e.text for e in draft.extras if not e.target}
    groups = {}
    for line in original:
        if line.group and line.name != "X-ABLABEL":
            groups[line.group.lower()] = line
    for line in original:
        if line.raw in verbatim:
            assert line.raw in raw_out, f"{name}: {line.raw!r} was not written back as it was"
        elif line.name == "X-ABLABEL":  # the label of a modelled property: now its TYPE
            label = vcard._apple_label(line.value)
            partner = by_key[key(groups[line.group.lower()])]
            labels = [t.casefold() for t in vcard._types(partner)] + [
                vcard._apple_label(x.value).casefold()
                for x in exported
                if x.name == "X-ABLABEL" and partner.group and x.group == partner.group
            ]
            assert label.casefold() in labels, line.raw
        elif line.name == "REV":  # when the contact last changed: rewritten, never dropped
            assert any(x.name == "REV" for x in exported)
        elif line.name == "CATEGORIES":
            assert set(line.value.split(",")) <= categories_out, line.raw
        elif line.name in ("TITLE", "UID", "FN", "URL", "X-SOCIALPROFILE", "X-NETDESK-EVENT"):
            assert key(line) in by_key, f"{name}: {line.raw!r} is missing from the export"
        else:
            assert key(line) in by_key, f"{name}: {line.raw!r} is missing from the export"
            ours = by_key[key(line)]
            assert line.param_text in ours.raw, f"{name}: parameters of {line.raw!r} were lost"


@pytest.mark.parametrize("version", ["3.0", "4.0"])
@pytest.mark.parametrize("name", CARDS)
def test_an_exported_card_imports_and_exports_to_the_same_text(
    db, fixtures, tmp_path, name, version
):
    """Export is a fixed point: what netdesk writes, another netdesk reads and writes alike."""
    from netdesk.models import close_database, open_database

    first = contact_vcard(import_one(fixtures / "roundtrip" / name), version)
    out = tmp_path / "exported.vcf"
    out.write_text(first, encoding="utf-8", newline="")
    assert [e.action for e in plan_import([out]).entries] == ["skip"]  # identical
    close_database()
    open_database(tmp_path / "second.sqlite3")
    second = contact_vcard(import_one(out), version)
    assert without_rev(second) == without_rev(first)


def test_apple_groups_keep_their_labels(db, fixtures):
    contact = import_one(fixtures / "roundtrip" / "apple_ios17.vcf")
    text = contact_vcard(contact).replace("\r\n ", "")
    assert "item4.X-ABRELATEDNAMES:Chinedu Okafor\r\nitem4.X-ABLabel:_$!<Spouse>!$_" in text
    assert "item5.X-ABDATE;type=pref:2019-06-01\r\nitem5.X-ABLabel:Board certified" in text
    assert "X-ABCROP-RECTANGLE=ABClipRect_1&0&0&8&8&Zm9v" in text  # a PHOTO parameter
    # the label of a modelled email became its type; its X-ABLabel line is not duplicated
    assert "TYPE=conference:a.okafor@conference.example.com" in text
    assert "item1.X-ABLabel" not in text


def test_healthcare_fields_travel_as_x_netdesk_properties(db, fixtures):
    contact = import_one(fixtures / "roundtrip" / "davx5_4.0.vcf")
    assert (contact.role, contact.credentials, contact.npi) == (
        "pharmacist",
        "PharmD",
        "1234567893",
    )
    assert contact.specialty == "Infectious disease pharmacotherapy"
    assert contact.stay_in_touch_days == 90
    (met,) = Event.select().join(EventAttendance).where(EventAttendance.contact == contact)
    assert (met.name, met.kind, met.start_date) == (
        "ASHP Midyear 2025",
        "conference",
        date(2025, 12, 7),
    )
    text = contact_vcard(contact)
    for line in (
        "X-NETDESK-ROLE:pharmacist",
        "X-NETDESK-STAY-IN-TOUCH:90",
        "X-NETDESK-EVENT:ASHP Midyear 2025;conference;2025-12-07",
    ):
        assert line + "\r\n" in text


def test_merge_adds_kept_properties_and_undo_removes_them(db, fixtures, tmp_path):
    plain = tmp_path / "plain.vcf"
    plain.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Marcus Lee\nN:Lee;Marcus;;;\n"
        "EMAIL:marcus.lee@regionalhealth.example.org\nEND:VCARD\n"
    )
    commit_plan(plan_import([plain]))
    assert VCardProperty.select().count() == 0
    batch = commit_plan(plan_import([fixtures / "roundtrip" / "google.vcf"]))
    texts = {p.text for p in VCardProperty.select()}
    assert "item2.X-ABRELATEDNAMES:Priya Shah" in texts
    undo_import(batch.id)
    assert VCardProperty.select().count() == 0


def test_unreadable_date_and_unknown_photo_are_kept_not_dropped(db, tmp_path):
    card = tmp_path / "odd.vcf"
    card.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Silva\nBDAY:sometime in May\n"
        "PHOTO;ENCODING=b;TYPE=HEIC:AAAAGGZ0eXBoZWlj\nEND:VCARD\n"
    )
    plan = plan_import([card])
    assert any("kept" in p.message for p in plan.all_problems())
    commit_plan(plan)
    text = contact_vcard(Contact.get())
    assert "BDAY:sometime in May\r\n" in text
    assert "PHOTO;ENCODING=b;TYPE=HEIC:AAAAGGZ0eXBoZWlj\r\n" in text
