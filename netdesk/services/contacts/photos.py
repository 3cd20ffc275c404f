"""Contact photos from imported cards, kept to a bounded size.

A lead-retrieval app may embed a 3 MB camera photo in every card. We keep small
photos byte for byte (so an export re-imports unchanged) and scale big ones down to
a JPEG that fits the limit, with Pillow's decompression-bomb guard on, so a hostile
"photo" can cost neither memory nor time.
"""

import io
import warnings

from netdesk.services.importing.drafts import MAX_PHOTO_BYTES, MAX_PROPERTY_CHARS

MAX_PHOTO_INPUT_BYTES = MAX_PROPERTY_CHARS  # what we are willing to decode at all
MAX_PHOTO_PIXELS = 40_000_000  # width x height before decoding is refused
PHOTO_EDGE = 512  # longest side of a scaled-down photo


def bounded_photo(data: bytes) -> tuple[bytes | None, str]:
    """The photo to store (or None) and, if it was changed or dropped, why."""
    if len(data) <= MAX_PHOTO_BYTES:
        return data, ""
    if len(data) > MAX_PHOTO_INPUT_BYTES:
        limit = MAX_PHOTO_INPUT_BYTES // (1024 * 1024)
        return None, f"the photo is larger than {limit} MB and was left out."
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - Pillow is a dependency; be safe without it
        return None, f"the photo is larger than {MAX_PHOTO_BYTES // 1024} KB and was left out."
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            Image.MAX_IMAGE_PIXELS = MAX_PHOTO_PIXELS
            with Image.open(io.BytesIO(data)) as image:
                image.thumbnail((PHOTO_EDGE, PHOTO_EDGE))
                out = io.BytesIO()
                image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None, "the photo claims to be enormous (a decompression bomb?) and was left out."
    except (OSError, ValueError, SyntaxError):
        return None, "the photo could not be read as an image and was left out."
    scaled = out.getvalue()
    if len(scaled) > MAX_PHOTO_BYTES:
        return None, f"the photo could not be brought under {MAX_PHOTO_BYTES // 1024} KB."
    return (
        scaled,
        f"the photo was scaled down to {PHOTO_EDGE} px to fit {MAX_PHOTO_BYTES // 1024} KB.",
    )
