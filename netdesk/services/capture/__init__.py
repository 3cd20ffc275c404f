"""Contacts from pictures: badge codes, business-card photos, and the user's own card as a QR.

This package owns reading images safely (:mod:`.images`), decoding QR / Data Matrix /
PDF417 codes with zxing-cpp (:mod:`.codes`), turning a code's payload (vCard, MECARD,
BIZCARD, a profile URL, plain text) into a draft (:mod:`.payloads`), OCR of business
cards with Tesseract (:mod:`.ocr`) and splitting the recognised text into a
ContactDraft (:mod:`.card_text`), the image reader the importer calls
(:mod:`.reader`), and "my card" as a vCard and a QR code (:mod:`.my_card`).

It may import ``netdesk.models`` and other ``netdesk.services`` modules, never Qt.
The heavy libraries (Pillow, zxing-cpp, pytesseract, pillow-heif, segno) are
imported on first use so starting netdesk does not pay for them.
"""
