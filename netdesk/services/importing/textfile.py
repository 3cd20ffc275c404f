"""Opening user-supplied text files: size limits, emptiness and encoding detection.

Cards and CSVs arrive in UTF-8 (with or without BOM), UTF-16 from Outlook and
Windows-1252/Latin-1 from older exporters. The encoding is decided once per file
(BOM, then a streaming UTF-8 check, then charset-normalizer on a sample) and the
file is then read line by line, so memory stays flat whatever the file size.
"""

import codecs
import re
from collections.abc import Iterator
from pathlib import Path

from netdesk.errors import InputError
from netdesk.services.importing.drafts import MAX_FILE_BYTES

SAMPLE_BYTES = 256 * 1024
_WESTERN = {"cp1252", "windows-1252", "latin_1", "latin-1", "iso8859_1", "iso-8859-1", "ascii"}


def check_file(path: str | Path) -> Path:
    """The path, if it is a readable, non-empty file within the size limit."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"{p}: no such file (check the path).")
    size = p.stat().st_size
    if size == 0:
        raise InputError(f"{p}: the file is empty; nothing to import.")
    if size > MAX_FILE_BYTES:
        raise InputError(
            f"{p}: the file is {size / 1e6:.0f} MB; netdesk imports files up to "
            f"{MAX_FILE_BYTES // (1024 * 1024)} MB. Split it into smaller files."
        )
    return p


def detect_encoding(path: Path) -> str:
    """A Python codec name that reads ``path`` without mojibake."""
    try:
        with open(path, "rb") as fh:
            sample = fh.read(SAMPLE_BYTES)
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample[:4096]:
        even, odd = sample[0:4096:2], sample[1:4096:2]
        if even.count(0) > len(even) // 3:
            return "utf-16-be"
        if odd.count(0) > len(odd) // 3:
            return "utf-16-le"
        raise InputError(f"{path}: this is a binary file, not a vCard or CSV.")
    if _is_utf8(path):
        return "utf-8"
    return _guess_single_byte(sample)


def _is_utf8(path: Path) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as fh:
        try:
            while chunk := fh.read(1024 * 1024):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _guess_single_byte(sample: bytes) -> str:
    """charset-normalizer's guess, preferring Windows-1252 when it fits as well.

    For short Western European text several code pages tie (cp1250 reads "é" just as
    well as cp1252, but turns "ñ" into "ń"); contact exports from Windows and macOS
    are overwhelmingly cp1252/Latin-1, so a tie goes to cp1252.
    """
    from charset_normalizer import from_bytes

    results = list(from_bytes(sample))
    if not results:
        return "cp1252"
    best = results[0]
    for match in results:
        if match.encoding in _WESTERN and match.chaos <= best.chaos + 0.05:
            return "cp1252"
    return "cp1252" if best.encoding.startswith("utf") else best.encoding


def read_lines(path: Path, encoding: str) -> Iterator[str]:
    """Lines without their line endings; undecodable bytes become U+FFFD, never a crash."""
    if encoding == "cp1252":
        encoding = "cp1252_latin1"
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        for line in fh:
            yield line.rstrip("\r\n")


_SCAN_CHARS = 1024 * 1024
_LONG_LINE = 4096  # a partial line longer than this cannot be a card start
_CARD_START = re.compile(r"BEGIN:VCARD[ \t]*[\r\n]")  # a literal prefix: 3x faster


def count_card_starts(path: Path, encoding: str, stop_after: int) -> int:
    """How many lines read "BEGIN:VCARD" (any case), counting no further than ``stop_after``.

    A cheap streaming pre-scan so a file with far too many cards is refused in a
    fraction of a second instead of after parsing ``stop_after`` of them. It counts
    only lines the card splitter also counts as starts (it never over-counts, so it
    never refuses a file the splitter would accept); memory stays at one chunk.
    """
    if encoding == "cp1252":
        encoding = "cp1252_latin1"
    count, carry = 0, "\n"  # the file starts at a line start
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        while count <= stop_after:
            chunk = fh.read(_SCAN_CHARS)
            if not chunk:
                count += _card_starts(carry + "\n")
                break
            data = carry + chunk
            cut = max(data.rfind("\n"), data.rfind("\r"))
            if cut < 0:  # still inside one line
                carry = data if len(data) <= _LONG_LINE else "\x00"
                continue
            count += _card_starts(data[: cut + 1])
            carry = data[cut:]  # keeps the line end so the next line start is seen
            if len(carry) > _LONG_LINE:
                carry = "\x00"
    return count


def _card_starts(lines: str) -> int:
    """Card-start lines in ``lines``, which begins with a line end (or mid-line) and ends with one."""
    upper = lines.upper()
    return sum(1 for m in _CARD_START.finditer(upper) if upper[m.start() - 1] in "\r\n")


def count_line_ends(path: Path) -> int:
    """Line ends (CR, LF, CRLF) in the file plus one: an upper bound on its lines.

    Exact for UTF-8 and single-byte files; for UTF-16 each CR and LF counts apart,
    which is still an upper bound.
    """
    count = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(_SCAN_CHARS):
            count += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n")
    return count + 1


def _cp1252_latin1(name: str):
    """cp1252 where it defines a byte, Latin-1 for the five bytes it leaves undefined."""
    if name != "cp1252_latin1":
        return None
    table = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))
    encoding_table = codecs.charmap_build(table)

    def decode(data, errors="strict"):
        return codecs.charmap_decode(data, errors, table)

    def encode(text, errors="strict"):
        return codecs.charmap_encode(text, errors, encoding_table)

    class IncrementalDecoder(codecs.IncrementalDecoder):
        def decode(self, data, final=False):
            return codecs.charmap_decode(data, self.errors, table)[0]

    class IncrementalEncoder(codecs.IncrementalEncoder):
        def encode(self, text, final=False):
            return codecs.charmap_encode(text, self.errors, encoding_table)[0]

    class StreamReader(codecs.StreamReader):
        def decode(self, data, errors="strict"):
            return codecs.charmap_decode(data, errors, table)

    class StreamWriter(codecs.StreamWriter):
        def encode(self, text, errors="strict"):
            return codecs.charmap_encode(text, errors, encoding_table)

    return codecs.CodecInfo(
        name="cp1252_latin1",
        encode=encode,
        decode=decode,
        incrementalencoder=IncrementalEncoder,
        incrementaldecoder=IncrementalDecoder,
        streamreader=StreamReader,
        streamwriter=StreamWriter,
    )


codecs.register(_cp1252_latin1)
