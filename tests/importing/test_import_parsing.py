"""Every real-world quirk in tests/fixtures/import lands in the right field."""

from datetime import date

import pytest

from netdesk.errors import InputError
from netdesk.services.importing.csv_import import read_layout, remember_mapping
from netdesk.services.importing.drafts import ContactDraft, ParseProblem
from netdesk.services.importing.importer import read_drafts


def drafts(path):
    _, items = read_drafts(path)
    return list(items)


def only_drafts(path) -> list[ContactDraft]:
    return [d for d in drafts(path) if isinstance(d, ContactDraft)]


def methods(d: ContactDraft, kind: str):
    return [(m.value, m.label, m.preferred) for m in d.methods if m.kind == kind]


def test_iphone_groups_labels_photo_and_credentials(fixtures):
    chidi, olga = only_drafts(fixtures / "import/iphone_3.0.vcf")
    assert (chidi.given_name, chidi.family_name, chidi.display_name) == (
        "Chidi",
        "Okafor",
        "Chidi Okafor",
    )
    assert chidi.credentials == "MD, FACC"
    assert (chidi.role, chidi.specialty) == ("physician", "Cardiology")
    assert (chidi.organization, chidi.department) == ("Mayo Clinic", "Cardiovascular Medicine")
    assert chidi.title == "Chief of Cardiology"
    assert methods(chidi, "email") == [
        ("chidi.okafor@mayo.example.org", "other", True),
        ("c.okafor@research.example.org", "work", False),
    ]
    assert methods(chidi, "phone") == [
        ("(507) 555-0134", "mobile", True),
        ("+1 507 555 0199", "pager", False),
    ]
    assert methods(chidi, "url") == [
        ("https://www.mayoclinic.org/biographies/okafor", "homepage", False)
    ]
    assert methods(chidi, "social") == [
        ("https://www.linkedin.com/in/chidiokafor", "LinkedIn", False)
    ]
    assert methods(chidi, "impp") == [("skype:chidi.okafor", "Skype", False)]
    assert chidi.birthday == date(1604, 3, 14)  # Apple's "no year"
    assert chidi.notes == (
        "Talked about the TAVR registry, wants our outcomes data.\nFollow up in Dec."
    )
    assert chidi.tags == ["Cardiology", "Speakers"]
    assert chidi.photo.startswith(b"\x89PNG")
    assert chidi.uid == "7C4E0B2A-9D2E-4F3A-8C1B-2A7E3F1D9B10"
    (adr,) = chidi.addresses
    assert (adr.label, adr.street, adr.locality, adr.region, adr.postal_code, adr.country) == (
        "work",
        "200 First St SW",
        "Rochester",
        "MN",
        "55905",
        "United States",
    )
    assert (olga.role, olga.title) == ("nurse", "Chief Nursing Officer")
    assert olga.photo is None and olga.photo_url == "https://example.org/photos/olga.jpg"


def test_outlook_21_quoted_printable_windows_1252(fixtures):
    (chloe,) = only_drafts(fixtures / "import/outlook_2.1_qp_cp1252.vcf")
    assert (chloe.given_name, chloe.family_name) == ("Chloé", "Lefèvre")
    assert chloe.display_name == "Chloé Lefèvre" and chloe.credentials == "RN, BSN"
    assert chloe.role == "nurse"
    assert (chloe.organization, chloe.department) == ("Hôpital Saint-Éloi", "Soins intensifs")
    assert chloe.notes == "Rencontrée au congrès – très intéressée par le protocole sepsis."
    assert methods(chloe, "phone") == [
        ("+33 4 67 33 67 33", "work", False),
        ("+33 6 12 34 56 78", "mobile", False),
    ]
    assert methods(chloe, "email") == [("c.lefevre@chu-example.fr", "", True)]
    assert chloe.addresses[0].locality == "Montpellier"


def test_android_21_soft_line_breaks(fixtures):
    jurgen, priya = only_drafts(fixtures / "import/android_2.1_qp.vcf")
    assert (jurgen.prefix, jurgen.given_name, jurgen.family_name) == (
        "Dr.",
        "Jürgen",
        "Müller-Lüdenscheidt",
    )
    assert jurgen.organization == "Charité"
    assert jurgen.notes == (
        "Sehr lange Notiz über das Gespräch auf dem Kongress, die mit einem weichen "
        "Zeilenumbruch fortgesetzt wird, und dann \neine zweite Zeile."
    )
    assert (jurgen.title, jurgen.specialty) == ("Oberarzt Nephrologie", "Nephrology")
    assert (priya.display_name, priya.credentials, priya.role) == (
        "Priya Patel",
        "PharmD",
        "pharmacist",
    )
    assert methods(priya, "phone") == [("555-0100", "work", True)]


def test_google_vcard_drops_system_groups_and_maps_doximity(fixtures):
    (ana,) = only_drafts(fixtures / "import/google_3.0.vcf")
    assert ana.tags == ["AHA 2026"]
    assert methods(ana, "social") == [("https://doximity.com/pub/ana-silva", "Doximity", False)]
    assert [m[1] for m in methods(ana, "email")] == ["work", "home"]


def test_vcard_40_uri_phone_yearless_birthday_and_org_card(fixtures):
    mei, medtronic = only_drafts(fixtures / "import/vcard_4.0.vcf")
    assert methods(mei, "phone") == [("+1-415-555-0177", "mobile", False)]
    assert methods(mei, "email") == [("mei.chen@ucsf.example.edu", "work", True)]
    assert mei.birthday == date(1604, 4, 12) and mei.anniversary == date(2009, 6, 14)
    assert mei.credentials == "PhD" and mei.suffix == "" and mei.prefix == "Dr."
    assert mei.photo.startswith(b"\x89PNG")
    assert mei.uid == "urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1"
    assert medtronic.organization == "Medtronic" and medtronic.display_name == ""


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("outlook_utf16.vcf", ("Søren Nørgaard", "Karolinska Universitetssjukhuset")),
        ("latin1.vcf", ("José Álvarez", "Clínica Universidad de Navarra")),
        ("utf8_bom.vcf", ("Zoë Brown", "Providence")),
    ],
)
def test_file_encodings_never_mojibake(fixtures, name, expected):
    (d,) = only_drafts(fixtures / "import" / name)
    assert (d.display_name, d.organization) == expected
    if name == "latin1.vcf":
        assert d.notes == "Conocí a José en el simposio; habla español y français."
        assert d.title == "Médico adjunto – Cardiología"


def test_broken_cards_become_problems_with_card_line_and_text(fixtures):
    items = drafts(fixtures / "import/broken.vcf")
    problems = [i for i in items if isinstance(i, ParseProblem)]
    good = [i for i in items if isinstance(i, ContactDraft)]
    assert [d.display_name for d in good] == ["Ben Smith", "Bad Line Person"]
    assert [(p.card, p.line) for p in problems] == [(2, 6), (3, 10), (5, 21)]
    assert "no END:VCARD" in problems[0].message
    assert "FN:Card Without End" in problems[0].original
    assert "no name" in problems[1].message
    assert "cut off" in problems[2].message and "cut@example.org" in problems[2].original
    bad = good[1]
    assert any("line 17" in w for w in bad.warnings)
    assert any("BDAY" in w for w in bad.warnings)


@pytest.mark.parametrize("name", ["empty.vcf", "not_a_card.txt", "missing.vcf"])
def test_unusable_files_raise_input_error_naming_the_file(fixtures, name):
    with pytest.raises(InputError, match=name):
        drafts(fixtures / "import" / name)


def _card_with_photo(tmp_path, photo: bytes):
    import base64

    data = base64.b64encode(photo).decode()
    (tmp_path / "photo.vcf").write_text(
        f"BEGIN:VCARD\nVERSION:3.0\nFN:Big Photo\nPHOTO;ENCODING=b;TYPE=JPEG:{data}\nEND:VCARD\n"
    )
    (d,) = only_drafts(tmp_path / "photo.vcf")
    return d


def test_big_photo_is_scaled_down_to_the_limit(tmp_path):
    import io
    import random

    from PIL import Image

    rng = random.Random(1)
    noise = Image.frombytes("RGB", (80, 60), rng.randbytes(80 * 60 * 3))
    raw = io.BytesIO()
    noise.resize((700, 525), Image.BICUBIC).save(raw, "PNG")  # ~600 KB camera-like photo
    assert len(raw.getvalue()) > 256 * 1024
    d = _card_with_photo(tmp_path, raw.getvalue())
    assert d.photo.startswith(b"\xff\xd8") and len(d.photo) <= 256 * 1024
    assert max(Image.open(io.BytesIO(d.photo)).size) == 512
    assert any("scaled down" in w for w in d.warnings)


def test_unreadable_big_photo_dropped_with_a_warning(tmp_path):
    d = _card_with_photo(tmp_path, b"\xff\xd8" + b"\0" * 300_000)
    assert d.photo is None and any("could not be read" in w for w in d.warnings)


def test_decompression_bomb_photo_is_refused(tmp_path):
    import io

    from PIL import Image

    bomb = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(bomb, "PNG")  # 400 Mpx in a few KB
    padded = bomb.getvalue() + b"\0" * (300 * 1024)  # past the keep-as-is size
    d = _card_with_photo(tmp_path, padded)
    assert d.photo is None and any("enormous" in w for w in d.warnings)


def test_linkedin_connections_with_preamble(db, fixtures):
    layout = read_layout(fixtures / "import/Connections.csv")
    assert (layout.source, layout.header_line) == ("linkedin", 4)
    fatima, kwame, amelie = only_drafts(fixtures / "import/Connections.csv")
    assert (fatima.given_name, fatima.family_name, fatima.organization) == (
        "Fatima",
        "Haddad",
        "Cleveland Clinic",
    )
    assert fatima.title == "Nurse Educator, Critical Care"
    assert (fatima.role, fatima.specialty) == ("nurse", "Critical Care")
    assert methods(fatima, "email") == [("fatima.haddad@clevelandclinic.example.org", "", False)]
    assert methods(fatima, "social") == [
        ("https://www.linkedin.com/in/fatimahaddad", "LinkedIn", False)
    ]
    assert fatima.notes == "Connected on LinkedIn: 05 Nov 2026"
    assert (fatima.card, fatima.line) == (1, 5)
    assert kwame.role == "it" and not methods(kwame, "email")
    assert (amelie.family_name, amelie.credentials, amelie.role) == ("Dubois", "MD", "physician")


def test_google_contacts_csv(db, fixtures):
    hiroshi, noor = only_drafts(fixtures / "import/google_contacts.csv")
    assert (hiroshi.prefix, hiroshi.credentials, hiroshi.title) == ("Dr.", "MD", "Hospitalist")
    assert hiroshi.department == "Hospital Medicine" and hiroshi.birthday == date(1975, 9, 21)
    assert methods(hiroshi, "email") == [
        ("hiroshi.tanaka@kp.example.org", "work", False),
        ("hiro@example.jp", "home", False),
    ]
    assert [m[0] for m in methods(hiroshi, "phone")] == ["+1 510 555 0188", "+1 510 555 0189"]
    assert hiroshi.tags == ["SHM 2026"]
    assert hiroshi.addresses[0].locality == "Oakland"
    assert noor.notes == "Second line\nof a multi-line note" and noor.role == "social worker"
    assert noor.line == 3


def test_outlook_csv_cp1252(db, fixtures):
    grace, omar = only_drafts(fixtures / "import/outlook_contacts.csv")
    assert (grace.prefix, grace.given_name, grace.family_name) == ("Dr.", "Grace", "Kim")
    assert grace.organization == "St Mary's Hospital" and grace.department == "Oncology"
    assert grace.birthday == date(1980, 4, 2) and grace.tags == ["VIP", "Oncology"]
    assert methods(grace, "phone") == [
        ("(217) 555-0101", "work", False),
        ("(217) 555-0102", "mobile", False),
    ]
    assert omar.birthday is None and omar.warnings == [] and omar.role == "industry"


def test_unknown_csv_needs_a_mapping_and_remembers_it(db, fixtures):
    path = fixtures / "import/other_semicolon.csv"
    with pytest.raises(InputError, match="choose what each column means"):
        drafts(path)
    layout = read_layout(path)
    assert layout.delimiter == ";" and layout.headers[1] == "Prénom"
    remember_mapping(
        layout.headers,
        {
            "Nom": "family_name",
            "Prénom": "given_name",
            "Courriel": "email",
            "Établissement": "organization",
        },
    )
    (marie,) = only_drafts(path)
    assert (marie.given_name, marie.family_name, marie.organization) == ("Marie", "Dupont", "AP-HP")
