"""How big a file, card, field or photo may be: one place for every reader and editor.

The numbers are documented in README ("Limits") and docs/import.md; parsers, the
photo scaler and the contact editor all check against these.
"""

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_CARDS = 200_000
MAX_PROPERTY_CHARS = 1024 * 1024
MAX_CARD_CHARS = 2 * 1024 * 1024
MAX_PHOTO_BYTES = 256 * 1024
MAX_ORIGINAL_CHARS = 20_000  # original text kept with a problem
