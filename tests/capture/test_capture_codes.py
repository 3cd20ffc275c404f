"""Badge codes in phone-like photos, their payloads, and pictures that must be refused."""

import io
import json
import subprocess
import sys

import pytest
from PIL import Image

from netdesk.errors import InputError
from netdesk.models import Contact, ContactMethod, ImportBatch
from netdesk.services.capture.codes import find_codes
from netdesk.services.capture.images import open_image
from netdesk.services.capture.payloads import draft_from_payload
from netdesk.services.importing.drafts import ContactDraft, ParseProblem
from netdesk.services.importing.importer import commit_plan, plan_import, undo_import
from tests.capture.samples import (
    badge_photo,
    blurred,
    busy_photo,
    low_contrast,
    perspective,
    qr_image,
)

VCARD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Chidi;;;\r\nFN:Chidi Okafor, MD\r\n"
    "ORG:Mayo Clinic;Cardiology\r\nTITLE:Attending Physician\r\n"
    "EMAIL;TYPE=WORK:chidi.okafor@mayo.example.org\r\nTEL;TYPE=CELL:+1 507 555 0134\r\n"
    "END:VCARD\r\n"
)
MECARD = "MECARD:N:Doe,Jane;TEL:+15035550142;EMAIL:jane.doe@ohsu.example.edu;;"


# ----------------------------------------------------------------------------- shapes
@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda q: q, id="straight"),
        pytest.param(lambda q: q.rotate(33, expand=True, fillcolor="white"), id="rotated"),
        pytest.param(lambda q: q.rotate(180), id="upside-down"),
        pytest.param(
            lambda q: perspective(q, [(0.15, 0.1), (0.9, 0), (1, 1), (0, 0.85)]), id="skewed"
        ),
        pytest.param(lambda q: blurred(q, 2.5), id="blurred"),
        pytest.param(lambda q: low_contrast(q, 0.25), id="low-contrast"),
    ],
)
def test_codes_are_found_in_phone_like_shapes(shape):
    codes = find_codes(shape(qr_image(VCARD)))
    assert [c.text.replace("\r\n", "\n") for c in codes] == [VCARD.replace("\r\n", "\n")]


def test_small_code_in_a_large_photo():
    photo = busy_photo(3200, 2400)
    photo.paste(qr_image(MECARD, scale=3), (2100, 1500))  # about 3% of the width
    assert [c.text for c in find_codes(photo)] == [MECARD]


def test_several_codes_per_image_in_reading_order():
    photo = badge_photo([VCARD, MECARD, "https://www.linkedin.com/in/priya-patel-pharmd"])
    texts = [c.text for c in find_codes(photo)]
    assert len(texts) == 3 and MECARD in texts


def test_data_matrix_and_pdf417_are_read_too():
    import zxingcpp

    for fmt in (zxingcpp.BarcodeFormat.DataMatrix, zxingcpp.BarcodeFormat.PDF417):
        code = zxingcpp.create_barcode(MECARD, fmt)
        image = zxingcpp.write_barcode_to_image(code, scale=4)
        pil = Image.frombytes("L", (image.shape[1], image.shape[0]), bytes(image))
        framed = Image.new("L", (pil.width + 80, pil.height + 80), 255)
        framed.paste(pil, (40, 40))
        assert [c.text for c in find_codes(framed)] == [MECARD]


# ----------------------------------------------------------------------------- payloads
def test_vcard_payload():
    draft = draft_from_payload(VCARD, "b.png", 1, "QR Code")
    assert (draft.given_name, draft.family_name, draft.credentials) == ("Chidi", "Okafor", "MD")
    assert (draft.organization, draft.department) == ("Mayo Clinic", "Cardiology")


def test_mecard_with_escaped_semicolons():
    text = r"MECARD:N:O\;Brien,Siobhan;ORG:St. Mary\;s\: North;NOTE:met at booth 4\; ask re\, EHR;EMAIL:s@x.org;;"
    draft = draft_from_payload(text, "b.png", 1)
    assert (draft.family_name, draft.given_name) == ("O;Brien", "Siobhan")
    assert draft.organization == "St. Mary;s: North"
    assert draft.notes == "met at booth 4; ask re, EHR"
    assert [m.value for m in draft.methods] == ["s@x.org"]


def test_bizcard_payload():
    text = "BIZCARD:N:Sean;X:Owen;T:Chief Nursing Officer;C:Mercy Health;B:+12125551212;E:so@mercy.example.org;;"
    draft = draft_from_payload(text, "b.png", 1)
    assert (draft.name, draft.title, draft.organization, draft.role) == (
        "Sean Owen", "Chief Nursing Officer", "Mercy Health", "nurse"
    )  # fmt: skip


@pytest.mark.parametrize(
    ("url", "label", "name"),
    [
        ("https://www.linkedin.com/in/priya-patel-pharmd-4a1b2c/", "LinkedIn", "Priya Patel"),
        ("https://www.doximity.com/pub/chidi-okafor-md", "Doximity", "Chidi Okafor"),
        ("https://orcid.org/0000-0002-1825-0097", "ORCID", ""),
    ],
)
def test_profile_links_become_stubs(url, label, name):
    draft = draft_from_payload(url, "b.png", 1)
    assert isinstance(draft, ContactDraft)
    assert [(m.kind, m.value, m.label) for m in draft.methods] == [("social", url, label)]
    assert draft.name == name


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("Welcome to booth 12! Free coffee.", "plain text, not a contact; shown here"),
        ("javascript:alert(document.cookie)", "javascript: link; netdesk never stores"),
        (" JaVa\tScRiPt:alert(1)", "javascript: link"),
        ("data:text/html;base64,PHNjcmlwdD4=", "data: link"),
        ("https://example.org/agenda", "a link that is not a profile"),
    ],
)
def test_payloads_that_are_not_contacts(text, says):
    problem = draft_from_payload(text, "b.png", 2)
    assert isinstance(problem, ParseProblem) and says in problem.message
    assert problem.message.startswith("code 2")


def test_javascript_url_inside_a_vcard_is_never_stored():
    text = VCARD.replace(
        "END:VCARD", "URL:javascript:alert(1)\r\nURL:https://mayo.example.org\r\nEND:VCARD"
    )
    draft = draft_from_payload(text, "b.png", 1)
    assert [m.value for m in draft.methods if m.kind == "url"] == ["https://mayo.example.org"]
    assert any("javascript: link" in w for w in draft.warnings)


def test_vcard_with_a_thousand_emails_is_refused():
    emails = "".join(f"EMAIL:p{i}@spam.example\r\n" for i in range(1000))
    problem = draft_from_payload(VCARD.replace("END:VCARD", emails + "END:VCARD"), "b.png", 1)
    assert isinstance(problem, ParseProblem)
    assert "1,002 emails, phones and links" in problem.message


def test_three_kilobytes_of_garbage():
    import random

    rnd = random.Random(3)
    garbage = "".join(chr(rnd.randrange(33, 0x2FF)) for _ in range(1000)).encode()[:3000]
    text = garbage.decode("utf-8", errors="ignore")
    problem = draft_from_payload(text, "b.png", 1)
    assert isinstance(problem, ParseProblem) and "plain text" in problem.message


# ----------------------------------------------------------------------------- importing
def test_badge_photo_imports_with_event_and_undo(db, tmp_path):
    path = tmp_path / "badge.jpg"
    badge_photo([VCARD, MECARD]).save(path, quality=88)
    plan = plan_import([path])
    assert plan.source == "qr"
    assert sorted(e.draft.name for e in plan.entries) == ["Chidi Okafor", "Jane Doe"]
    batch = commit_plan(plan, event_name="HIMSS 2027", tag="himss")
    assert Contact.select().count() == 2
    assert ImportBatch.get_by_id(batch.id).event.name == "HIMSS 2027"
    undo_import(batch.id)
    assert Contact.select().count() == 0


def test_exif_rotated_photo_is_read_upright(tmp_path):
    path = tmp_path / "rotated.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 CW to view": the pixels are stored on their side
    badge_photo([MECARD]).rotate(90, expand=True).save(path, exif=exif)
    image = open_image(path)
    assert image.size == (1600, 1200)
    assert [c.text for c in find_codes(image)] == [MECARD]


def test_cmyk_and_transparent_images_are_read(tmp_path):
    cmyk = tmp_path / "scan.jpg"
    badge_photo([MECARD]).convert("CMYK").save(cmyk)
    assert [c.text for c in find_codes(open_image(cmyk))] == [MECARD]
    clear = tmp_path / "screenshot.png"
    code = qr_image(MECARD).convert("L")
    rgba = Image.new("RGBA", code.size, (0, 0, 0, 0))
    rgba.putalpha(Image.eval(code, lambda v: 255 - v))  # black modules on a clear background
    rgba.save(clear)
    assert [c.text for c in find_codes(open_image(clear))] == [MECARD]


# ----------------------------------------------------------------------------- bad input
def _png_header(width: int, height: int) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def _animated(path):
    frames = [qr_image(MECARD), qr_image(VCARD).resize(qr_image(MECARD).size)]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=200, loop=0)


def _truncated(path):
    out = io.BytesIO()
    badge_photo([MECARD]).save(out, "JPEG")
    path.write_bytes(out.getvalue()[: len(out.getvalue()) // 2])


def _code_image(text):
    return lambda path: qr_image(text, scale=3, error="l").save(path)


def _garbage(size: int = 2900) -> str:
    """About 3 kB of printable noise: the most a QR code holds."""
    import random

    rnd = random.Random(7)
    return "".join(chr(rnd.randrange(33, 127)) for _ in range(size))


@pytest.mark.parametrize(
    ("name", "make", "says"),
    [
        ("notes.png", lambda p: p.write_text("just some text, not a picture"), "not an image"),
        ("cut.jpg", _truncated, "cut off (truncated)"),
        ("bomb.png", lambda p: p.write_bytes(_png_header(20_000, 20_000)), "enormous"),
        ("empty.png", lambda p: p.write_bytes(_png_header(0, 0)), "has no pixels (0x0)"),
        ("moving.gif", _animated, "an animated image; save the frame"),
        ("garbage.png", _code_image(_garbage()), "plain text, not a contact"),
        ("js.png", _code_image("javascript:alert(1)"), "javascript: link"),
    ],
)
def test_bad_pictures_give_one_message_and_write_nothing(db, tmp_path, name, make, says, cli_env):
    path = tmp_path / name
    make(path)
    with pytest.raises(InputError) as caught:
        plan_import([path])
    assert str(path) in str(caught.value) and says in str(caught.value)
    db_file = tmp_path / "cli.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_file), "import", str(path), "--json"],
        capture_output=True, text=True, env=cli_env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 2, run.stderr
    assert run.stdout == "" and len(run.stderr.strip().splitlines()) == 1
    assert str(path) in run.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_file), "imports", "--json"],
        capture_output=True, text=True, env=cli_env, timeout=60,
    )  # fmt: skip
    assert json.loads(listed.stdout) == []


def test_cli_imports_a_badge(tmp_path, cli_env):
    path = tmp_path / "badge.png"
    badge_photo([VCARD]).save(path)
    db_file = tmp_path / "cli.sqlite3"
    run = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_file), "import", str(path),
         "--event", "HIMSS 2027", "--json"],
        capture_output=True, text=True, env=cli_env, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout)["created"] == 1


def test_nothing_is_stored_from_a_javascript_link_in_a_badge_vcard(db, tmp_path):
    path = tmp_path / "badge.png"
    qr_image(VCARD.replace("END:VCARD", "URL:javascript:alert(1)\r\nEND:VCARD")).save(path)
    commit_plan(plan_import([path]))
    assert not ContactMethod.select().where(ContactMethod.value.contains("javascript")).exists()


def test_heic_photo_from_an_iphone(tmp_path):
    pillow_heif = pytest.importorskip("pillow_heif")
    pillow_heif.register_heif_opener()
    path = tmp_path / "IMG_0042.HEIC"
    qr_image(MECARD).save(path, format="HEIF", quality=90)
    assert [c.text for c in find_codes(open_image(path))] == [MECARD]
