"""Finding QR, Data Matrix and PDF417 codes in a picture with zxing-cpp.

Badges carry a QR (sometimes a Data Matrix or, on US conference badges, a PDF417);
a phone photo shows them rotated, skewed, a little blurred and small in a big
frame, sometimes several at once. zxing-cpp's detector handles all of that in one
pass over a grey image, so netdesk adds no preprocessing of its own.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Code:
    """One decoded code: its symbology, its text and whether it held binary data."""

    format: str  # "QR Code", "Data Matrix", "PDF417", …
    text: str
    binary: bool = False


def _formats():
    import zxingcpp

    formats = zxingcpp.BarcodeFormat
    return (formats.QRCode, formats.MicroQRCode, formats.DataMatrix, formats.PDF417)


def find_codes(image) -> list[Code]:
    """Every code in ``image`` (a PIL image), top to bottom, left to right."""
    import zxingcpp

    found = zxingcpp.read_barcodes(image.convert("L"), formats=_formats())
    found = sorted(found, key=lambda b: (b.position.top_left.y // 50, b.position.top_left.x))
    codes = []
    for barcode in found:
        binary = barcode.content_type == zxingcpp.ContentType.Binary
        codes.append(Code(str(barcode.format), barcode.text, binary))
    return codes
