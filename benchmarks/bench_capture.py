"""Capture speed: badge photos decoded per second, and OCR time per business card.

Badges: 1600x1200 photos with one or two tilted QR codes on a busy background,
read end to end (netdesk.services.capture.reader: open, upright, decode, parse the
payloads) next to zxing-cpp alone on the same images already in memory. Cards:
business-card photos read end to end (OCR + field split + photo) next to
tesseract alone (pytesseract.image_to_string, same languages) on the same photos.
Prints figures; never asserts. Run: python benchmarks/bench_capture.py [badges] [cards]
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.capture.samples import CARDS, LAYOUTS, badge_photo, card_photo  # noqa: E402

VCARD = (
    "BEGIN:VCARD\nVERSION:3.0\nN:Okafor;Chidi;;;\nFN:Chidi Okafor, MD\nORG:Mayo Clinic\n"
    "TITLE:Attending Physician\nEMAIL:chidi.okafor{n}@mayo.example.org\nTEL:+1 507 555 01{n:02d}\n"
    "END:VCARD\n"
)
MECARD = "MECARD:N:Doe,Jane;EMAIL:jane{n}@ohsu.example.edu;TEL:+1503555{n:04d};;"


def bench_badges(count: int, folder: Path) -> None:
    import zxingcpp
    from PIL import Image

    from netdesk.services.capture.codes import _formats
    from netdesk.services.capture.reader import read_image

    paths = []
    for n in range(count):
        payloads = [VCARD.format(n=n % 100)] + ([MECARD.format(n=n)] if n % 2 else [])
        path = folder / f"badge{n}.jpg"
        badge_photo(payloads, seed=n).save(path, quality=88)
        paths.append(path)
    zxingcpp.read_barcodes(Image.open(paths[0]).convert("L"), formats=_formats())  # warm up
    read_image(paths[0], region="US")
    start = time.perf_counter()
    for path in paths:
        zxingcpp.read_barcodes(Image.open(path).convert("L"), formats=_formats())
    decode_s = time.perf_counter() - start
    images = [Image.open(p).convert("L") for p in paths]
    start = time.perf_counter()
    bare = sum(len(zxingcpp.read_barcodes(im, formats=_formats())) for im in images)
    bare_s = time.perf_counter() - start
    start = time.perf_counter()
    drafts = 0
    for path in paths:
        _, results = read_image(path, region="US")
        drafts += sum(1 for _ in results)
    full_s = time.perf_counter() - start
    print(f"badges: {count} photos 1600x1200, {bare} codes")
    print(f"  zxing-cpp alone (decoded images in memory): {count / bare_s:6.1f} photos/s")
    print(f"  Pillow JPEG decode + zxing-cpp:             {count / decode_s:6.1f} photos/s")
    print(f"  netdesk end to end (file -> drafts):        {count / full_s:6.1f} photos/s "
          f"({full_s / bare_s:.2f}x zxing-cpp alone, {full_s / decode_s:.2f}x decode + zxing; "
          f"{drafts} drafts)")  # fmt: skip


def bench_cards(count: int, folder: Path) -> None:
    import pytesseract
    from PIL import Image

    from netdesk.services.capture.ocr import ocr_languages, prepare
    from netdesk.services.capture.reader import read_image

    paths = []
    for n in range(count):
        path = folder / f"card{n}.jpg"
        card_photo(CARDS[n % len(CARDS)], LAYOUTS[n % len(LAYOUTS)], seed=n).save(path, quality=90)
        paths.append(path)
    languages = ocr_languages()
    images = [Image.open(p).convert("RGB") for p in paths]
    start = time.perf_counter()
    for image in images:
        pytesseract.image_to_string(image, lang=languages)
    bare_s = time.perf_counter() - start
    start = time.perf_counter()
    for image in images:
        pytesseract.image_to_string(prepare(image), lang=languages, config="--psm 3")
    prepared_s = time.perf_counter() - start
    start = time.perf_counter()
    for path in paths:
        _, results = read_image(path, region="US")
        list(results)
    full_s = time.perf_counter() - start
    print(f"cards: {count} photos {images[0].width}x{images[0].height}, languages {languages}")
    print(f"  tesseract alone (photo as is):              {bare_s / count:6.2f} s/card")
    print(f"  tesseract on netdesk's prepared image:      {prepared_s / count:6.2f} s/card")
    print(f"  netdesk end to end (file -> draft + photo): {full_s / count:6.2f} s/card "
          f"({full_s / bare_s:.2f}x tesseract alone)")  # fmt: skip


def main() -> None:
    badges = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    cards = int(sys.argv[2]) if len(sys.argv) > 2 else 8
    with tempfile.TemporaryDirectory() as folder:
        if badges:
            bench_badges(badges, Path(folder))
        if cards:
            bench_cards(cards, Path(folder))


if __name__ == "__main__":
    main()
