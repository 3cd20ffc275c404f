"""Reading the text of a business-card photo with Tesseract (through pytesseract).

Tesseract is a program from the operating system, not a Python package, so it may
be missing: :func:`recognise_text` then says how to install it instead of failing
obscurely. Cards come in English, German, French and Spanish; every one of those
language packs that is installed is used at once.
"""

from functools import lru_cache

from netdesk.errors import InputError

OCR_LANGUAGES = ("eng", "deu", "fra", "spa")
OCR_TIMEOUT_SECONDS = 120  # a hostile picture cannot keep tesseract busy for ever
_WORK_EDGE = 2000  # longest side Tesseract reads best at for a card-sized photo
TESSERACT_MISSING = (
    "reading business cards needs the Tesseract OCR program, which is not installed. "
    "Debian/Ubuntu: sudo apt-get install tesseract-ocr tesseract-ocr-deu tesseract-ocr-fra "
    "tesseract-ocr-spa; macOS: brew install tesseract tesseract-lang; Windows: the "
    "installer from github.com/UB-Mannheim/tesseract (see README, Troubleshooting)."
)


@lru_cache(maxsize=1)
def ocr_languages() -> str:
    """ "eng+deu+fra+spa" (those installed); InputError when Tesseract is missing."""
    import pytesseract

    try:
        installed = set(pytesseract.get_languages(config=""))
    except (pytesseract.TesseractNotFoundError, FileNotFoundError, OSError):
        raise InputError(TESSERACT_MISSING) from None
    chosen = [lang for lang in OCR_LANGUAGES if lang in installed]
    if not chosen:
        raise InputError(
            "Tesseract has none of the English, German, French or Spanish language packs; "
            "install tesseract-ocr-eng (and -deu, -fra, -spa)."
        )
    return "+".join(chosen)


def tesseract_available() -> bool:
    try:
        ocr_languages()
    except InputError:
        return False
    return True


def prepare(image):
    """Grey, at a size where card text is 30-60 px high: what Tesseract reads best."""
    from PIL import Image, ImageOps

    grey = ImageOps.grayscale(image)
    scale = _WORK_EDGE / max(grey.size)
    if scale < 0.9 or scale > 1.1:
        size = (max(1, round(grey.width * scale)), max(1, round(grey.height * scale)))
        grey = grey.resize(size, Image.Resampling.LANCZOS)
    return ImageOps.autocontrast(grey, cutoff=1)


def recognise_text(image) -> str:
    """The text of ``image`` (a PIL image), line by line as Tesseract reads it."""
    import pytesseract

    languages = ocr_languages()
    try:
        return pytesseract.image_to_string(
            prepare(image), lang=languages, config="--psm 3", timeout=OCR_TIMEOUT_SECONDS
        )
    except RuntimeError as exc:  # pytesseract's timeout
        raise InputError(f"reading the card's text took too long ({exc}).") from None
    except pytesseract.TesseractError as exc:
        raise InputError(f"Tesseract could not read the picture ({exc.message}).") from None
