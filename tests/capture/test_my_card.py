"""My card: the contact marked as me, as a vCard 3.0 and a QR code a phone reads back."""

import json
import subprocess
import sys

import pytest
from PIL import Image

from netdesk.errors import InputError
from netdesk.services.capture.codes import find_codes
from netdesk.services.capture.my_card import (
    MAX_QR_VERSION,
    my_card_code,
    my_card_vcard,
    require_my_contact,
    set_my_contact,
)
from netdesk.services.capture.payloads import draft_from_payload
from netdesk.services.contacts.records import create_contact


@pytest.fixture
def me(db):
    contact = create_contact(
        name="Ana Silva",
        credentials="PharmD",
        emails=["ana.silva@providence.example.org"],
        phones=["+1 503 555 0142"],
        organization="Providence Health",
        title="Director of Pharmacy",
        notes="private: salary talks with Dr. Chen",
    )
    contact.photo = b"\x89PNG" + b"0" * 5000
    contact.save()
    set_my_contact(contact.id)
    return contact


def test_vcard_is_3_0_without_photo_or_private_fields(me):
    text = my_card_vcard(me)
    assert "VERSION:3.0" in text and "FN:Ana Silva\\, PharmD" in text
    assert "PHOTO" not in text and "salary" not in text and "X-NETDESK" not in text


def test_qr_code_reads_back_as_the_same_contact(me, tmp_path):
    code = my_card_code(me)
    assert code.version <= MAX_QR_VERSION and code.left_out == []
    path = tmp_path / "me.png"
    path.write_bytes(code.png())
    image = Image.open(path)
    assert image.width >= 600  # big enough for a phone across a table
    [found] = find_codes(image)
    draft = draft_from_payload(found.text, str(path), 1)
    assert (draft.name, draft.credentials, draft.organization) == (
        "Ana Silva", "PharmD", "Providence Health"
    )  # fmt: skip
    assert {m.value for m in draft.methods} == {
        "ana.silva@providence.example.org",
        "+1 503 555 0142",
    }


def test_long_card_leaves_out_addresses_first_then_refuses(db):
    from netdesk.models import Address

    contact = create_contact(name="Bo Long", emails=[f"bo{i}@example.org" for i in range(6)])
    for i in range(6):
        Address.create(
            contact=contact,
            street=f"{i}00 Very Long Boulevard Name Street",
            locality="Springfield",
            label=f"Clinic {i}",  # a free-text label: an itemN.X-ABLabel beside its ADR
        )
    assert "X-ABLabel:Clinic 0" in my_card_vcard(contact)
    code = my_card_code(contact)
    assert code.version <= MAX_QR_VERSION and code.left_out == ["addresses"]
    assert "ADR" not in code.vcard and "X-ABLabel" not in code.vcard  # no label left alone
    huge = create_contact(
        name="Too Many", emails=[f"person.number.{i}@example.org" for i in range(40)]
    )
    with pytest.raises(InputError, match="too long for a QR code"):
        my_card_code(huge)


def test_no_card_chosen_says_how_to_choose(db):
    with pytest.raises(InputError, match="Settings › My card"):
        require_my_contact()


def test_cli_writes_png_svg_and_vcf(me, db_path, tmp_path, cli_env):
    from netdesk.models import close_database

    close_database()
    base = [sys.executable, "-m", "netdesk", "--db", str(db_path), "my-card"]
    run = subprocess.run(
        [*base, "--qr", str(tmp_path / "me.png"), "--vcf", str(tmp_path / "me.vcf"), "--json"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    out = json.loads(run.stdout)
    assert out["contact"] == me.id and out["qr_version"] <= MAX_QR_VERSION
    assert (tmp_path / "me.vcf").read_bytes().startswith(b"BEGIN:VCARD\r\nVERSION:3.0")
    assert find_codes(Image.open(tmp_path / "me.png"))[0].text.startswith("BEGIN:VCARD")
    run = subprocess.run(
        [*base, "--qr", str(tmp_path / "me.svg")],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert run.returncode == 0 and (tmp_path / "me.svg").read_text().lstrip().startswith("<?xml")
    run = subprocess.run(
        [*base, "--qr", str(tmp_path / "me.gif")],
        capture_output=True,
        text=True,
        env=cli_env,
        timeout=60,
    )
    assert run.returncode == 2 and "use one of those" in run.stderr
    run = subprocess.run(
        [*base, "--set", "999"], capture_output=True, text=True, env=cli_env, timeout=60
    )
    assert run.returncode == 3 and run.stderr.count("\n") == 1
