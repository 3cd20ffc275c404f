"""An image file as import drafts: its codes if it has any, else the business card it shows.

This is what :func:`netdesk.services.importing.importer.read_drafts` calls for pictures, so
badge photos, screenshots and card photos go through the same review, event, tag,
duplicate check and undo as .vcf files. An image that yields no contact at all is
refused with the reason (plain text in the code, a ``javascript:`` link, no
readable text), so nothing is written from it.
"""

import io
from collections.abc import Iterator
from pathlib import Path

from netdesk.errors import InputError
from netdesk.services.capture.images import open_image
from netdesk.services.contacts.normalize import DEFAULT_REGION
from netdesk.services.importing.drafts import ContactDraft, ParseProblem
from netdesk.services.progress import NO_PROGRESS, Progress

CARD_PHOTO_EDGE = 1024  # the card photo kept with the contact, before the photo bound


def phone_region() -> str:
    """The user's phone region (setting ``phone_region``), for numbers without "+"."""
    from netdesk.models import get_setting

    region = str(get_setting("phone_region", DEFAULT_REGION) or DEFAULT_REGION).upper()
    return region if len(region) == 2 and region.isalpha() else DEFAULT_REGION


def read_image(
    path: str | Path, progress: Progress = NO_PROGRESS, region: str | None = None
) -> tuple[str, Iterator[ContactDraft | ParseProblem]]:
    """("qr", drafts of its codes) or ("card", the business card as one draft)."""
    from netdesk.services.capture.codes import find_codes
    from netdesk.services.capture.payloads import draft_from_payload

    name = str(path)
    image = open_image(path)
    progress.step(0, 0, f"Looking for codes in {Path(name).name}…")
    codes = find_codes(image)
    if codes:
        results: list[ContactDraft | ParseProblem] = []
        for number, code in enumerate(codes, 1):
            if code.binary:
                message = f"code {number} ({code.format}) holds binary data, not a contact."
                results.append(ParseProblem(name, number, 1, message))
            else:
                results.append(draft_from_payload(code.text, name, number, code.format))
        if not any(isinstance(r, ContactDraft) for r in results):
            reasons = "; ".join(r.message for r in results[:3])
            raise InputError(f"{name}: no contact in its codes — {reasons}")
        return "qr", iter(results)
    progress.step(0, 0, f"Reading the card in {Path(name).name}…")
    draft = read_card(image, name, region or phone_region())
    progress.check()  # Cancel pressed while Tesseract ran: stop before the review opens
    return "card", iter([draft])


def read_card(image, name: str, region: str) -> ContactDraft:
    """The business card in ``image`` as a draft carrying the photo and the OCR text."""
    from netdesk.services.capture.card_text import draft_from_card_text
    from netdesk.services.capture.ocr import recognise_text
    from netdesk.services.contacts.photos import bounded_photo

    try:
        text = recognise_text(image)
    except InputError as exc:
        raise InputError(f"{name}: no QR code found, and {exc}") from None
    draft = draft_from_card_text(text, name, region)
    if draft.is_empty():
        raise InputError(
            f"{name}: no QR code found, and no name, email or phone could be read from the "
            "picture. Take the photo straight on, in good light, with the card filling the frame."
        )
    draft.ocr_text = text.strip()
    draft.original = draft.ocr_text
    draft.photo, note = bounded_photo(card_jpeg(image))
    if note:
        draft.warnings.append(note)
    return draft


def card_jpeg(image) -> bytes:
    """The card photo as a JPEG of at most :data:`CARD_PHOTO_EDGE` px."""
    copy = image.copy()
    copy.thumbnail((CARD_PHOTO_EDGE, CARD_PHOTO_EDGE))
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=82, optimize=True)
    return out.getvalue()
