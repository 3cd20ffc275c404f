"""Pictures for the capture tests and benchmark: QR badges and business cards, made here.

Codes are generated with segno and distorted the way a phone photo distorts them;
business cards are rendered with Pillow from the DejaVu fonts the OS ships
(Debian: fonts-dejavu-core), in several layouts and four languages. Nothing is
downloaded; every picture is built from the fields the tests then expect back.
"""

import io
import random
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")


def font(size: int, bold: bool = False, serif: bool = False) -> ImageFont.FreeTypeFont:
    name = ("DejaVuSerif" if serif else "DejaVuSans") + ("-Bold" if bold else "") + ".ttf"
    return ImageFont.truetype(str(FONT_DIR / name), size)


# ----------------------------------------------------------------------------- codes
def qr_image(text: str, scale: int = 8, error: str = "m") -> Image.Image:
    import segno

    out = io.BytesIO()
    segno.make(text, error=error, micro=False).save(out, kind="png", scale=scale, border=4)
    out.seek(0)
    return Image.open(out).convert("RGB")


def busy_photo(width: int = 1600, height: int = 1200, seed: int = 1) -> Image.Image:
    """A cluttered "conference hall" background: coloured blocks and some text."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height), (150, 140, 120))
    draw = ImageDraw.Draw(image)
    for _ in range(80):
        x, y = rnd.randrange(width), rnd.randrange(height)
        colour = tuple(rnd.randrange(256) for _ in range(3))
        draw.rectangle([x, y, x + rnd.randrange(20, 260), y + rnd.randrange(20, 200)], fill=colour)
    draw.text((40, height - 80), "EXHIBIT HALL B", font=font(48, bold=True), fill=(20, 20, 20))
    return image


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for c in range(n):
        p = max(range(c, n), key=lambda r: abs(m[r][c]))
        m[c], m[p] = m[p], m[c]
        for r in range(n):
            if r != c:
                f = m[r][c] / m[c][c]
                m[r] = [x - f * y for x, y in zip(m[r], m[c], strict=True)]
    return [m[i][n] / m[i][i] for i in range(n)]


def perspective(image: Image.Image, corners: list[tuple[float, float]]) -> Image.Image:
    """The image as seen from an angle: its corners moved to ``corners`` (fractions)."""
    w, h = image.size
    dst = [(x * w, y * h) for x, y in corners]
    src = [(0, 0), (w, 0), (w, h), (0, h)]
    a, b = [], []
    for (x, y), (u, v) in zip(dst, src, strict=True):
        a.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        b.append(u)
        a.append([0, 0, 0, x, y, 1, -v * x, -v * y])
        b.append(v)
    coeffs = _solve(a, b)
    return image.transform(
        (w, h), Image.Transform.PERSPECTIVE, coeffs, Image.Resampling.BICUBIC, fillcolor="white"
    )


def low_contrast(image: Image.Image, factor: float = 0.3) -> Image.Image:
    from PIL import ImageEnhance

    return ImageEnhance.Contrast(image).enhance(factor)


def blurred(image: Image.Image, radius: float = 2.5) -> Image.Image:
    return image.filter(ImageFilter.GaussianBlur(radius))


def badge_photo(payloads: list[str], seed: int = 1, size=(1600, 1200)) -> Image.Image:
    """A 1600x1200 photo with each payload's QR on a badge, a little rotated."""
    rnd = random.Random(seed)
    photo = busy_photo(*size, seed=seed)
    x = 80
    for text in payloads:
        badge = Image.new("RGB", (420, 560), "white")
        draw = ImageDraw.Draw(badge)
        draw.text((30, 20), "HIMSS 2027", font=font(36, bold=True), fill="navy")
        code = qr_image(text, scale=4)
        code.thumbnail((360, 360))
        badge.paste(code, (30, 90))
        tilted = badge.rotate(rnd.uniform(-25, 25), expand=True, fillcolor=(150, 140, 120))
        photo.paste(tilted, (x, rnd.randrange(40, max(41, size[1] - tilted.height - 40))))
        x += tilted.width + 60
    return photo


# ----------------------------------------------------------------------------- cards
@dataclass
class Card:
    """What a business card says, as the test expects netdesk to read it back."""

    name: str
    credentials: str = ""
    title: str = ""
    organization: str = ""
    department: str = ""
    email: str = ""
    phone: str = ""  # as printed
    phone_e164: str = ""
    url: str = ""
    street: str = ""
    city_line: str = ""  # "Rochester, MN 55905" / "10117 Berlin"
    postal_code: str = ""
    locality: str = ""
    language: str = "en"
    phone_label: str = "Tel."
    extra: list[str] = field(default_factory=list)  # slogans and such, not fields

    def fields(self) -> dict[str, str]:
        """Every field the split is scored on (empty ones are not scored)."""
        out = {
            "name": self.name,
            "credentials": self.credentials,
            "title": self.title,
            "organization": self.organization,
            "department": self.department,
            "email": self.email,
            "phone": self.phone_e164,
            "url": self.url,
            "street": self.street,
            "postal_code": self.postal_code,
            "locality": self.locality,
        }
        return {k: v for k, v in out.items() if v}


CARDS = [
    Card(
        "Chidi Okafor", "MD, FACC", "Attending Physician", "Mayo Clinic",
        "Department of Cardiovascular Medicine", "chidi.okafor@mayo.example.org",
        "(507) 555-0134", "+15075550134", "www.mayoclinic.example.org", "200 First Street SW",
        "Rochester, MN 55905", "55905", "Rochester",
    ),
    Card(
        "Maria Gonzalez", "RN, BSN", "Chief Nursing Officer", "Riverside Medical Center",
        "", "mgonzalez@riverside.example.com", "+1 312 555 0199", "+13125550199", "",
        "1450 Lake Shore Drive, Suite 300", "Chicago, IL 60611", "60611", "Chicago",
        phone_label="Phone:",
    ),
    Card(
        "Priya Patel", "PharmD", "Director of Pharmacy", "Northwell Health", "",
        "ppatel@northwell.example.org", "516-555-0147", "+15165550147",
        "www.northwell.example.org", "", "", "", "", phone_label="T",
    ),
    Card(
        "Anna Schmidt", "", "Oberärztin", "Universitätsklinikum Heidelberg",
        "Klinik für Kardiologie", "anna.schmidt@med.uni-heidelberg.example.de",
        "+49 6221 56-8611", "+496221568611", "", "Im Neuenheimer Feld 410", "69120 Heidelberg",
        "69120", "Heidelberg", language="de", phone_label="Tel.",
    ),
    Card(
        "Thomas Müller", "", "Pflegedirektor", "Klinikum Nürnberg", "",
        "thomas.mueller@klinikum-nuernberg.example.de", "0911 398-2020", "+499113982020",
        "www.klinikum-nuernberg.example.de", "Prof.-Ernst-Nathan-Straße 1", "90419 Nürnberg",
        "90419", "Nürnberg", language="de", phone_label="Telefon",
    ),
    Card(
        "Sophie Martin", "", "Chef de service", "Hôpital Européen Georges-Pompidou",
        "Service de Radiologie", "sophie.martin@aphp.example.fr", "+33 1 56 09 20 00",
        "+33156092000", "", "20 rue Leblanc", "75015 Paris", "75015", "Paris",
        language="fr", phone_label="Tél.",
    ),
    Card(
        "Julien Lefèvre", "PharmD", "Pharmacien hospitalier", "CHU de Bordeaux", "",
        "julien.lefevre@chu-bordeaux.example.fr", "05 56 79 56 79", "+33556795679",
        "www.chu-bordeaux.example.fr", "Place Amélie Raba Léon", "33000 Bordeaux", "33000",
        "Bordeaux", language="fr", phone_label="Tél.",
    ),
    Card(
        "Lucía Fernández", "", "Jefa de Servicio de Cardiología", "Hospital Universitario La Paz",
        "", "lucia.fernandez@salud.example.es", "+34 917 27 70 00", "+34917277000", "",
        "Paseo de la Castellana 261", "28046 Madrid", "28046", "Madrid", language="es",
        phone_label="Tel.",
    ),
    Card(
        "Javier Ruiz", "RN", "Supervisor de Enfermería", "Hospital Clínic de Barcelona", "",
        "jruiz@clinic.example.cat", "932 27 54 00", "+34932275400",
        "www.clinicbarcelona.example.org", "Carrer de Villarroel 170", "08036 Barcelona",
        "08036", "Barcelona", language="es", phone_label="Teléfono",
    ),
    Card(
        "Ahmed Hassan", "MHA, FACHE", "Vice President of Operations", "Cedars-Sinai",
        "", "ahmed.hassan@cshs.example.org", "(310) 555-0112", "+13105550112", "",
        "8700 Beverly Blvd", "Los Angeles, CA 90048", "90048", "Los Angeles", phone_label="Mobile",
    ),
]  # fmt: skip
REGIONS = {"en": "US", "de": "DE", "fr": "FR", "es": "ES"}


def _lines(
    card: Card,
) -> tuple[list[tuple[str, ImageFont.FreeTypeFont]], list[tuple[str, ImageFont.FreeTypeFont]]]:
    """(who lines, contact lines) with their fonts."""
    name = f"{card.name}, {card.credentials}" if card.credentials else card.name
    who = [(name, font(44, bold=True))]
    if card.title:
        who.append((card.title, font(30)))
    if card.department:
        who.append((card.department, font(28)))
    if card.organization:
        who.append((card.organization, font(32, bold=True)))
    contact = []
    if card.phone:
        contact.append((f"{card.phone_label} {card.phone}", font(28)))
    if card.email:
        contact.append((card.email, font(28)))
    if card.url:
        contact.append((card.url, font(28)))
    if card.street:
        contact.append((card.street, font(28)))
    if card.city_line:
        contact.append((card.city_line, font(28)))
    return who, contact


def render_card(card: Card, layout: str = "left") -> Image.Image:
    """A 1050x600 card (3.5x2 in at 300 dpi) in one of: left, centered, two-column, banner."""
    width, height = 1300, 760
    image = Image.new("RGB", (width, height), (252, 251, 247))
    draw = ImageDraw.Draw(image)
    who, contact = _lines(card)
    if layout == "banner":
        draw.rectangle([0, 0, width, 70], fill=(20, 70, 140))
        draw.text((50, 14), card.organization, font=font(34, bold=True), fill="white")
        who = [line for line in who if line[0] != card.organization]
        _column(draw, who + contact, 50, 110, "left", width)
    elif layout == "two-column":
        draw.ellipse([50, 50, 170, 170], fill=(200, 40, 40))
        _column(draw, who, 50, 210, "left", width)
        _column(draw, contact, 700, 210, "left", width)
    elif layout == "centered":
        _column(draw, who + contact, 0, 50, "center", width)
    else:
        _column(draw, who, 60, 60, "left", width)
        _column(draw, contact, 60, 60 + 62 * len(who) + 40, "left", width)
    return image


def _column(draw, lines, x, y, align, width) -> None:
    for text, face in lines:
        w = draw.textlength(text, font=face)
        left = (width - w) / 2 if align == "center" else x
        draw.text((left, y), text, font=face, fill=(25, 25, 25))
        y += face.size + 22


def card_photo(card: Card, layout: str, seed: int = 0) -> Image.Image:
    """The card photographed on a desk: a margin, a slight tilt, a little blur."""
    rnd = random.Random(seed)
    rendered = render_card(card, layout)
    desk = Image.new("RGB", (rendered.width + 200, rendered.height + 200), (92, 70, 50))
    desk.paste(rendered, (100, 100))
    tilted = desk.rotate(
        rnd.uniform(-2, 2), resample=Image.Resampling.BICUBIC, fillcolor=(92, 70, 50)
    )
    return tilted.filter(ImageFilter.GaussianBlur(0.6))


LAYOUTS = ("left", "centered", "two-column", "banner")


def save(image: Image.Image, path: Path, **options) -> Path:
    image.save(path, **options)
    return path
