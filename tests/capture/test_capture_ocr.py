"""Business-card photos read by a real Tesseract and split into fields.

Cards are rendered here from the OS's DejaVu fonts in four layouts and four
languages (see tests/capture/samples.py); the split must get at least 90% of the
fields right across the set, and the test prints the figure. Accents are compared
folded: a lost umlaut is Tesseract's error, not the split's.
"""

import pytest

from netdesk.services.capture.card_text import draft_from_card_text, fold
from netdesk.services.capture.ocr import recognise_text, tesseract_available
from netdesk.services.contacts.normalize import normalize_phone, normalize_url
from tests.capture.samples import CARDS, LAYOUTS, REGIONS, card_photo

needs_tesseract = pytest.mark.skipif(
    not tesseract_available(), reason="tesseract is not installed (.ci/run installs it)"
)


def read_back(draft) -> dict[str, object]:
    address = draft.addresses[0] if draft.addresses else None
    return {
        "name": draft.display_name,
        "credentials": {c.strip() for c in draft.credentials.split(",") if c.strip()},
        "title": draft.title,
        "organization": draft.organization,
        "department": draft.department,
        "email": {m.value.lower() for m in draft.methods if m.kind == "email"},
        "phone": {normalize_phone(m.value) for m in draft.methods if m.kind == "phone"},
        "url": {normalize_url(m.value) for m in draft.methods if m.kind in ("url", "social")},
        "street": address.street if address else "",
        "postal_code": address.postal_code if address else "",
        "locality": address.locality if address else "",
    }


def field_right(name: str, expected: str, got: dict[str, object]) -> bool:
    value = got[name]
    if name == "credentials":
        return value == {c.strip() for c in expected.split(",")}
    if name == "email":
        return expected.lower() in value
    if name == "phone":
        return expected in value
    if name == "url":
        return normalize_url(expected) in value
    return fold(str(value)).strip(" .,") == fold(expected)


@needs_tesseract
def test_field_split_gets_at_least_90_percent_of_fields_right(tmp_path):
    right = total = 0
    misses = []
    for number, card in enumerate(CARDS):
        layout = LAYOUTS[number % len(LAYOUTS)]
        text = recognise_text(card_photo(card, layout, seed=number))
        got = read_back(draft_from_card_text(text, f"card{number}.jpg", REGIONS[card.language]))
        for name, expected in card.fields().items():
            total += 1
            if field_right(name, expected, got):
                right += 1
            else:
                misses.append(f"{card.name} ({card.language}, {layout}) {name}: {got[name]!r}")
    share = right / total
    print(f"\nbusiness-card field split: {right}/{total} fields right ({share:.1%})")
    for miss in misses:
        print("  missed", miss)
    assert share >= 0.90, misses


def test_names_credentials_and_titles_from_plain_text():
    text = (
        "Dr. med. Anna Schmidt\nOberärztin\nKlinik für Kardiologie\n"
        "Universitätsklinikum Heidelberg\nTel. 06221 56-8611\nFax 06221 56-5515\n"
        "Im Neuenheimer Feld 410\n69120 Heidelberg\n"
    )
    draft = draft_from_card_text(text, "a.jpg", "DE")
    assert (draft.prefix, draft.given_name, draft.family_name) == ("Dr. med.", "Anna", "Schmidt")
    assert draft.title == "Oberärztin"
    assert draft.department == "Klinik für Kardiologie"
    assert draft.organization == "Universitätsklinikum Heidelberg"
    phones = [(m.value, m.label) for m in draft.methods if m.kind == "phone"]
    assert phones == [("+49 6221 568611", "work"), ("+49 6221 565515", "fax")]
    assert draft.addresses[0].postal_code == "69120"


def test_phone_without_country_code_uses_the_users_region():
    us = draft_from_card_text("Jane Roe, RN\n(507) 555-0134\n", "a.jpg", "US")
    assert [m.value for m in us.methods] == ["+1 507-555-0134"]
    assert (us.display_name, us.credentials, us.role) == ("Jane Roe", "RN", "nurse")
    fr = draft_from_card_text("Marie Curie\nTél. 01 44 27 00 00\n", "a.jpg", "FR")
    assert [m.value for m in fr.methods] == ["+33 1 44 27 00 00"]


def test_slogans_are_kept_in_notes_not_lost():
    draft = draft_from_card_text(
        "Sam Lee, MBA\nDirector of Strategy\nAcme Health\nCaring since 1901!\n", "a.jpg"
    )
    assert draft.title == "Director of Strategy" and draft.organization == "Acme Health"
    assert "Caring since 1901!" in draft.notes


def test_missing_tesseract_says_how_to_install_it(tmp_path, cli_env):
    """Run where the tesseract program is not on the PATH: one line, exit 2, nothing written."""
    import json
    import subprocess
    import sys

    from tests.capture.samples import card_photo as photo

    path = tmp_path / "card.jpg"
    photo(CARDS[0], "left").save(path)
    db_file = tmp_path / "cli.sqlite3"
    env = {**cli_env, "PATH": str(tmp_path)}  # a folder with no tesseract in it
    base = [sys.executable, "-m", "netdesk", "--db", str(db_file)]
    run = subprocess.run(
        [*base, "import", str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 2
    assert len(run.stderr.strip().splitlines()) == 1
    assert str(path) in run.stderr and "needs the Tesseract OCR program" in run.stderr
    assert "apt-get install tesseract-ocr" in run.stderr
    listed = subprocess.run(
        [*base, "imports", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert json.loads(listed.stdout) == []
