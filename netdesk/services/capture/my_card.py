"""The user's own card: which contact is "me", as a vCard and as a QR code to scan.

At a booth the user shows a QR code and the other person's phone camera turns it
into a contact. Phones read small codes fast, so the QR holds a vCard 3.0 without
the photo or anything private (see vcard_export.PRIVATE_PROPERTIES) and stays at
version 15 or below; when the card is too long, addresses and then extra links are
left out, and the caller is told which.
"""

import io
from dataclasses import dataclass
from pathlib import Path

from netdesk.errors import InputError
from netdesk.models import Contact, get_setting, set_setting
from netdesk.services.data.safe_text import write_private
from netdesk.services.importing.vcard_export import contact_vcard

MY_CARD_SETTING = "my_card.contact_id"
MAX_QR_VERSION = 15  # 77x77 modules: read in well under a second by phone cameras
PHONE_PIXELS = 720  # the PNG's width: sharp on a screen, easy for a camera across a table
# What is dropped, in this order, when the card does not fit MAX_QR_VERSION.
_SHRINK_STEPS = (
    ("ADR",),
    ("ADR", "X-SOCIALPROFILE", "IMPP"),
    ("ADR", "X-SOCIALPROFILE", "IMPP", "URL"),
)
_STEP_WORDS = ("addresses", "social profiles and IM handles", "web addresses")


@dataclass
class MyCardCode:
    vcard: str
    qr: object  # segno.QRCode
    left_out: list[str]  # "addresses", … (empty when everything fitted)

    @property
    def version(self) -> int:
        return self.qr.version

    def png(self, pixels: int = PHONE_PIXELS) -> bytes:
        out = io.BytesIO()
        self.qr.save(out, kind="png", scale=self.scale(pixels), border=4)
        return out.getvalue()

    def svg(self) -> bytes:
        out = io.BytesIO()
        self.qr.save(out, kind="svg", scale=8, border=4, title="My card")
        return out.getvalue()

    def scale(self, pixels: int) -> int:
        width, _ = self.qr.symbol_size(border=4)
        return max(4, pixels // width)


def my_contact() -> Contact | None:
    """The contact marked as me, or None (never set, or deleted since)."""
    contact_id = get_setting(MY_CARD_SETTING)
    if not isinstance(contact_id, int):
        return None
    return Contact.get_or_none(Contact.id == contact_id)


def set_my_contact(contact_id: int | None) -> Contact | None:
    """Mark a contact as me (None: nobody)."""
    if contact_id is None:
        set_setting(MY_CARD_SETTING, None)
        return None
    from netdesk.services.contacts.records import get_contact

    contact = get_contact(contact_id)
    set_setting(MY_CARD_SETTING, contact.id)
    return contact


def require_my_contact() -> Contact:
    contact = my_contact()
    if contact is None:
        raise InputError(
            "No contact is marked as you yet: choose one in Settings › My card, or run "
            "'netdesk my-card --set CONTACT_ID'."
        )
    return contact


def my_card_vcard(contact: Contact) -> str:
    """My vCard 3.0 as it is shared: no photo, notes, tags or netdesk-only fields."""
    return contact_vcard(contact, "3.0", shareable=True)


def my_card_code(contact: Contact) -> MyCardCode:
    """The QR code of my card, within :data:`MAX_QR_VERSION`; InputError if it cannot fit."""
    import segno

    attempts = [((), [])] + [
        (step, list(_STEP_WORDS[: i + 1])) for i, step in enumerate(_SHRINK_STEPS)
    ]
    for leave_out, words in attempts:
        text = contact_vcard(contact, "3.0", shareable=True, leave_out=leave_out)
        try:
            qr = segno.make(text, error="m", micro=False)
        except segno.DataOverflowError:
            continue
        if qr.version <= MAX_QR_VERSION:
            return MyCardCode(text, qr, words)
    raise InputError(
        f"Your card is too long for a QR code phones read quickly (version {MAX_QR_VERSION}, "
        "about 400 characters): shorten the title or organization, or keep fewer emails and "
        "phones on your contact."
    )


def save_my_card(contact: Contact, out: Path, kind: str) -> MyCardCode | None:
    """Write my card as ``kind`` "qr" (PNG or SVG, by suffix) or "vcf" to ``out``."""
    if kind == "vcf":
        write_private(out, my_card_vcard(contact).encode("utf-8"))
        return None
    suffix = out.suffix.lower()
    if suffix not in (".png", ".svg"):
        raise InputError(f"{out}: the QR code is written as .png or .svg; use one of those.")
    code = my_card_code(contact)
    write_private(out, code.png() if suffix == ".png" else code.svg())
    return code
