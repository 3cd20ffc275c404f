"""Opening user-supplied photos and screenshots safely, the right way up.

A badge photo comes from a phone (EXIF-rotated JPEG or HEIC), a screenshot from the
clipboard (PNG with transparency), a scan from a printer (CMYK). Any of them may also
be truncated, an animation, or a "decompression bomb" that claims billions of pixels.
:func:`open_image` refuses the bad ones with one message naming the file and gives
back an upright RGB image for the rest.
"""

import warnings
from pathlib import Path

from netdesk.errors import InputError
from netdesk.services.importing.textfile import check_file

IMAGE_SUFFIXES = (
    ".png",
    ".jpg",
    ".jpeg",
    ".heic",
    ".heif",
    ".webp",
    ".gif",
    ".bmp",
    ".tif",
    ".tiff",
)
MAX_IMAGE_PIXELS = 50_000_000  # a 48 MP phone photo passes; 400 MP bombs do not
_MAGIC = (b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"BM", b"II*\x00", b"MM\x00*")
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1", b"avif")


def is_image_file(path: str | Path) -> bool:
    """True for a picture netdesk reads codes and cards from (by extension or first bytes)."""
    p = Path(path)
    if p.suffix.lower() in IMAGE_SUFFIXES:
        return True
    try:
        with open(p, "rb") as fh:
            head = fh.read(16)
    except OSError:
        return False
    return head.startswith(_MAGIC) or _is_webp(head) or _is_heif(head)


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_heif(head: bytes) -> bool:
    return head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


def _enable_heif(path: Path) -> None:
    """Register pillow-heif's opener, or say plainly that HEIC needs it."""
    try:
        from pillow_heif import register_heif_opener
    except ImportError:
        raise InputError(
            f"{path}: HEIC photos need the pillow-heif package (pip install pillow-heif); "
            "or share the photo as JPEG (iPhone: Settings › Camera › Formats › Most Compatible)."
        ) from None
    register_heif_opener()


def open_image(path: str | Path):
    """An upright RGB PIL image of ``path``; InputError naming the file when it is unusable."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    p = check_file(path)
    with open(p, "rb") as fh:
        head = fh.read(16)
    if _is_heif(head) or p.suffix.lower() in (".heic", ".heif"):
        _enable_heif(p)
    try:
        with warnings.catch_warnings():
            # our own size check below decides; Pillow's error still stops the absurd ones
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(p)
            _check_size(p, image.size)
            if getattr(image, "is_animated", False):  # not n_frames: that walks every frame
                raise InputError(
                    f"{p}: an animated image; save the frame with the code or card as a PNG "
                    "or JPEG and import that."
                )
            image.load()
            ImageOps.exif_transpose(image, in_place=True)  # no copy of a 48 MP photo
    except Image.DecompressionBombError:
        raise _bomb(p) from None
    except UnidentifiedImageError:
        if head.startswith(_MAGIC) or _is_webp(head) or _is_heif(head):
            raise InputError(
                f"{p}: the picture is damaged or has no pixels (0x0); export or copy it again."
            ) from None
        raise InputError(
            f"{p}: not an image netdesk can read (PNG, JPEG, HEIC, WebP, GIF, BMP or TIFF)."
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            raise InputError(
                f"{p}: the image is cut off (truncated); copy or export it again."
            ) from None
        raise InputError(f"{p}: the image could not be read ({exc}).") from None
    return to_rgb(image)


def _check_size(path: Path, size: tuple[int, int]) -> None:
    width, height = size
    if width <= 0 or height <= 0:
        raise InputError(f"{path}: the image has no pixels ({width}x{height}).")
    if width * height > MAX_IMAGE_PIXELS:
        raise _bomb(path, width, height)


def _bomb(path: Path, width: int = 0, height: int = 0) -> InputError:
    size = f" ({width:,}x{height:,})" if width else ""
    return InputError(
        f"{path}: the image claims to be enormous{size}; netdesk reads pictures up to "
        f"{MAX_IMAGE_PIXELS // 1_000_000} megapixels (a decompression bomb?). Nothing was read."
    )


def to_rgb(image):
    """RGB, with transparency laid on white (a screenshot's clear background is not black)."""
    from PIL import Image

    if image.mode == "RGB":
        return image
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, rgba).convert("RGB")
    return image.convert("RGB")  # CMYK, P, L, I;16, …
