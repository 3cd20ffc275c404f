"""CSV contacts: LinkedIn Connections.csv, Google and Outlook exports, and any other CSV.

The header row is found (LinkedIn puts a "Notes:" preamble above it), the delimiter
sniffed and the encoding detected. Known headers map themselves; for any other CSV
the user maps the columns once and the mapping is remembered per header set
(in the settings table, so the CLI uses it too).
"""

import csv
import hashlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from itertools import islice
from pathlib import Path

from netdesk.errors import InputError
from netdesk.models import get_setting, set_setting
from netdesk.services.contacts.credentials import infer_professional
from netdesk.services.contacts.records import split_name
from netdesk.services.data.safe_text import unescape_csv_cell
from netdesk.services.importing.drafts import (
    MAX_CARDS,
    MAX_PROPERTY_CHARS,
    ContactDraft,
    DraftAddress,
    DraftMethod,
    ParseProblem,
    clip_original,
)
from netdesk.services.importing.textfile import (
    check_file,
    count_line_ends,
    detect_encoding,
    read_lines,
)
from netdesk.services.progress import NO_PROGRESS, Progress

# What a column can be mapped to (shown in the mapping step).
TARGETS = {
    "": "(ignore)",
    "full_name": "Full name",
    "given_name": "First name",
    "additional_names": "Middle name",
    "family_name": "Last name",
    "prefix": "Prefix",
    "suffix": "Suffix",
    "credentials": "Credentials",
    "title": "Job title",
    "organization": "Organization",
    "department": "Department",
    "email": "Email",
    "phone": "Phone",
    "url": "Website",
    "linkedin": "LinkedIn URL",
    "notes": "Notes",
    "tags": "Tags / groups",
    "birthday": "Birthday",
    "street": "Street",
    "city": "City",
    "region": "State / region",
    "postal_code": "Postal code",
    "country": "Country",
    "connected_on": "Connected on",
}
_ALIASES = {
    "name": "full_name",
    "full name": "full_name",
    "display name": "full_name",
    "first name": "given_name",
    "given name": "given_name",
    "firstname": "given_name",
    "middle name": "additional_names",
    "additional name": "additional_names",
    "last name": "family_name",
    "family name": "family_name",
    "surname": "family_name",
    "lastname": "family_name",
    "title": "prefix",  # Outlook: "Title" is Mr./Dr.
    "name prefix": "prefix",
    "suffix": "suffix",
    "name suffix": "suffix",
    "credentials": "credentials",
    "job title": "title",
    "position": "title",
    "organization 1 - title": "title",
    "organization title": "title",
    "company": "organization",
    "organization": "organization",
    "organisation": "organization",
    "organization 1 - name": "organization",
    "organization name": "organization",
    "department": "department",
    "organization 1 - department": "department",
    "organization department": "department",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "e-mail address": "email",
    "e-mail 2 address": "email",
    "e-mail 3 address": "email",
    "phone": "phone",
    "telephone": "phone",
    "mobile": "phone",
    "mobile phone": "phone",
    "business phone": "phone",
    "business phone 2": "phone",
    "home phone": "phone",
    "company main phone": "phone",
    "business fax": "phone",
    "url": "linkedin",  # LinkedIn's column; other CSVs say "website"
    "website": "url",
    "web page": "url",
    "notes": "notes",
    "categories": "tags",
    "group membership": "tags",
    "labels": "tags",
    "tags": "tags",
    "birthday": "birthday",
    "business street": "street",
    "business city": "city",
    "business state": "region",
    "business postal code": "postal_code",
    "business country/region": "country",
    "street": "street",
    "city": "city",
    "state": "region",
    "zip": "postal_code",
    "postal code": "postal_code",
    "country": "country",
    "connected on": "connected_on",
}
_NUMBERED = [
    (re.compile(r"^e-mail \d+ - value$"), "email"),
    (re.compile(r"^phone \d+ - value$"), "phone"),
    (re.compile(r"^website \d+ - value$"), "url"),
    (re.compile(r"^address \d+ - street$"), "street"),
    (re.compile(r"^address \d+ - city$"), "city"),
    (re.compile(r"^address \d+ - region$"), "region"),
    (re.compile(r"^address \d+ - postal code$"), "postal_code"),
    (re.compile(r"^address \d+ - country$"), "country"),
]
_LABEL_OF = re.compile(r"^(e-mail|phone|website|address) (\d+) - (value|street)$", re.I)
_PHONE_LABELS = {
    "mobile phone": "mobile",
    "business phone": "work",
    "business phone 2": "work",
    "home phone": "home",
    "company main phone": "main",
    "business fax": "work fax",
}
_HEADER_SCAN_LINES = 50
_NO_DATE = ("0/0/00", "0/0/0000", "00/00/0000")  # Outlook's "no birthday"
SYSTEM_GROUPS = ("mycontacts", "starred")  # Google's own groups, not the user's tags


@dataclass
class CsvLayout:
    """How a CSV file is laid out: where its header is and what each column means."""

    path: Path
    encoding: str
    delimiter: str
    header_line: int  # 1-based
    headers: list[str]
    source: str  # linkedin, google, outlook, csv
    mapping: dict[str, str] = field(default_factory=dict)  # header -> target
    remembered: bool = False  # the mapping is one the user chose before

    def needs_review(self) -> bool:
        """A CSV of no known kind the user has not mapped yet, or one we cannot read."""
        return not self.is_usable() or (self.source == "csv" and not self.remembered)

    @property
    def unmapped(self) -> list[str]:
        return [h for h in self.headers if h and h not in self.mapping]

    def is_usable(self) -> bool:
        targets = set(self.mapping.values())
        return bool(targets & {"full_name", "given_name", "family_name", "email", "organization"})


def header_key(headers: list[str]) -> str:
    joined = "\x1f".join(h.strip().casefold() for h in headers)
    return "csv_mapping:" + hashlib.sha1(joined.encode()).hexdigest()[:16]


def remembered_mapping(headers: list[str]) -> dict[str, str] | None:
    return get_setting(header_key(headers))


def remember_mapping(headers: list[str], mapping: dict[str, str]) -> None:
    set_setting(header_key(headers), {h: t for h, t in mapping.items() if t in TARGETS})


def auto_target(header: str) -> str | None:
    key = " ".join(header.strip().casefold().split())
    if key in _ALIASES:
        return _ALIASES[key]
    for pattern, target in _NUMBERED:
        if pattern.match(key):
            return target
    return None


def _source(headers: set[str]) -> str:
    if {"first name", "last name", "connected on"} <= headers:
        return "linkedin"
    if "e-mail 1 - value" in headers or "group membership" in headers or "labels" in headers:
        return "google"
    if "e-mail address" in headers and "business phone" in headers:
        return "outlook"
    return "csv"


def read_layout(path: str | Path) -> CsvLayout:
    """Find the header row (after any preamble), the delimiter and the column meanings."""
    p = check_file(path)
    encoding = detect_encoding(p)
    candidates: list[tuple[int, str]] = []
    for n, line in enumerate(read_lines(p, encoding), 1):
        if n > _HEADER_SCAN_LINES:
            break
        candidates.append((n, line))
    chosen = None
    for n, line in candidates:
        delimiter = _sniff(line)
        cells = next(csv.reader([line], delimiter=delimiter), [])
        known = sum(auto_target(c) is not None for c in cells)
        if len(cells) >= 2 and known >= 2:
            chosen = (n, delimiter, cells)
            break
    if chosen is None:  # unknown CSV: first line with several cells that is not a preamble
        for n, line in candidates:
            delimiter = _sniff(line)
            cells = next(csv.reader([line], delimiter=delimiter), [])
            if len(cells) >= 2 and not line.lower().startswith("notes:"):
                chosen = (n, delimiter, cells)
                break
    if chosen is None:
        raise InputError(
            f"{p}: no header row found in the first {_HEADER_SCAN_LINES} lines; this does not "
            "look like a contacts CSV (it needs a header such as 'First Name,Last Name,Email')."
        )
    n, delimiter, cells = chosen
    headers = [c.strip() for c in cells]
    folded = {h.casefold() for h in headers}
    layout = CsvLayout(p, encoding, delimiter, n, headers, _source(folded))
    remembered = remembered_mapping(headers)
    if remembered:
        layout.mapping = {h: t for h, t in remembered.items() if t}
        layout.remembered = True
    else:
        layout.mapping = {h: t for h in headers if h and (t := auto_target(h))}
    return layout


def _sniff(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def parse_csv(
    path: str | Path, progress: Progress = NO_PROGRESS, mapping: dict[str, str] | None = None
) -> tuple[str, Iterator[ContactDraft | ParseProblem]]:
    """(source kind, drafts) for a CSV; raises InputError if no column can be understood."""
    layout = read_layout(path)
    if mapping is not None:
        layout.mapping = {h: t for h, t in mapping.items() if t}
    if not layout.is_usable():
        raise InputError(
            f"{layout.path}: none of the columns ({', '.join(layout.headers[:8])}) could be "
            "matched to a name, email or organization. Import it from the window (File > "
            "Import…) to choose what each column means; netdesk remembers the choice."
        )
    return layout.source, _rows(layout, progress)


def _reader(layout: CsvLayout) -> tuple["_Lines", Iterator[list[str]]]:
    """The data rows after the header, and the line tracker feeding them."""
    lines = read_lines(layout.path, layout.encoding)
    for _ in range(layout.header_line):
        next(lines)
    text = _Lines(lines, layout.header_line)
    return text, csv.reader(text, delimiter=layout.delimiter)


def _has_too_many_rows(layout: CsvLayout) -> bool:
    """Whether the file has more than MAX_CARDS rows, found before any row is parsed.

    Counting line ends is a cheap upper bound that clears almost every file; only a
    file that might be over the limit is counted exactly with the same csv reader
    (quoted fields may hold line breaks), without building drafts.
    """
    if count_line_ends(layout.path) - layout.header_line < MAX_CARDS:
        return False
    rows = _reader(layout)[1]
    return sum(1 for _ in islice(rows, MAX_CARDS + 1)) > MAX_CARDS


def _rows(layout: CsvLayout, progress: Progress) -> Iterator[ContactDraft | ParseProblem]:
    name = str(layout.path)
    if _has_too_many_rows(layout):
        raise _too_many_rows(name)
    text, reader = _reader(layout)
    for row_no, row in enumerate(reader, 1):
        start = text.row_start
        row = [unescape_csv_cell(c) for c in row]  # '=… from a formula-safe export
        if row_no > MAX_CARDS:  # backstop; the count above should have refused already
            raise _too_many_rows(name)
        if row_no % 200 == 0:
            progress.step(row_no, 0, f"Read {row_no:,} rows…")
        if not any(c.strip() for c in row):
            continue
        original = clip_original(layout.delimiter.join(row))
        if any(len(c) > MAX_PROPERTY_CHARS for c in row):
            yield ParseProblem(
                name, row_no, start, f"row {row_no} has a cell larger than 1 MB.", original
            )
            continue
        draft = _draft(layout, row, row_no, start, original)
        if draft.is_empty():
            yield ParseProblem(
                name,
                row_no,
                start,
                f"row {row_no} has no name, organization, email or phone; nothing to import.",
                original,
            )
        else:
            yield draft


def _too_many_rows(name: str) -> InputError:
    return InputError(
        f"{name}: more than {MAX_CARDS:,} rows (the limit per file); split the file and "
        "import the parts one after another."
    )


class _Lines:
    """Feeds lines to csv.reader while remembering where the current row started."""

    def __init__(self, lines: Iterator[str], offset: int) -> None:
        self._lines = lines
        self.line = offset
        self.row_start = offset + 1
        self._in_row = False

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.line += 1
        if not self._in_row:
            self.row_start = self.line
        self._in_row = (line.count('"') % 2 == 1) != self._in_row
        return line + "\n"


def _parse_date(value: str) -> date | None:
    value = value.strip()
    if not value or value in _NO_DATE:
        return None
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", value):
        y, mo, d = map(int, m.groups())
    elif m := re.fullmatch(r"--(\d{2})-(\d{2})", value):
        y, mo, d = 1604, int(m.group(1)), int(m.group(2))
    elif m := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", value):
        mo, d, y = map(int, m.groups())
    else:
        return None
    try:
        return date(y, mo, d)
    except ValueError:
        return None


def _split_multi(value: str) -> list[str]:
    """Google joins several values in one cell with ' ::: '."""
    return [v.strip() for v in value.split(":::") if v.strip()]


def _draft(
    layout: CsvLayout, row: list[str], row_no: int, start: int, original: str
) -> ContactDraft:
    d = ContactDraft(file=str(layout.path), card=row_no, line=start, original=original)
    address = DraftAddress(label="work")
    notes = []
    cells = dict(zip(layout.headers, row, strict=False))
    for header, value in cells.items():
        target = layout.mapping.get(header)
        value = value.strip()
        if not target or not value:
            continue
        if target == "full_name":
            d.display_name = value
        elif target in (
            "given_name",
            "family_name",
            "additional_names",
            "prefix",
            "suffix",
            "credentials",
            "title",
            "organization",
            "department",
        ):
            setattr(d, target, value)
        elif target in ("email", "phone", "url", "linkedin"):
            kind = {"linkedin": "social"}.get(target, target)
            label = "LinkedIn" if target == "linkedin" else _column_label(header, cells)
            for v in _split_multi(value):
                d.methods.append(DraftMethod(kind, v[:1000], label[:100], False))
        elif target == "notes":
            notes.append(value)
        elif target == "tags":
            for t in re.split(r"\s*:::\s*|;", value):
                t = t.strip().lstrip("* ").strip()
                if t and t.casefold() not in SYSTEM_GROUPS:
                    d.tags.append(t)
        elif target == "birthday":
            d.birthday = _parse_date(value)
            if d.birthday is None and value not in _NO_DATE:
                d.warnings.append(f"birthday {value!r} is not a date; it was left out.")
        elif target in ("street", "city", "region", "postal_code", "country"):
            attr = {"city": "locality"}.get(target, target)
            if not getattr(address, attr):
                setattr(address, attr, value)
        elif target == "connected_on":
            notes.append(f"Connected on LinkedIn: {value}")
    if any(
        (address.street, address.locality, address.region, address.postal_code, address.country)
    ):
        d.addresses.append(address)
    d.notes = "\n\n".join(notes)
    if not (d.given_name or d.family_name) and d.display_name:
        d.given_name, d.family_name = split_name(infer_name(d.display_name))
    if not d.display_name and (d.given_name or d.family_name):
        d.display_name = " ".join(p for p in (d.given_name, d.additional_names, d.family_name) if p)
    infer_professional(d)
    return d


def infer_name(text: str) -> str:
    from netdesk.services.contacts.credentials import split_credentials

    return split_credentials(text)[0]


def _column_label(header: str, cells: dict[str, str]) -> str:
    """The label of a numbered Google column ("E-mail 1 - Label"), or one from the header."""
    if m := _LABEL_OF.match(header.strip()):
        label = (
            cells.get(f"{m.group(1)} {m.group(2)} - Label")
            or cells.get(f"{m.group(1)} {m.group(2)} - Type")
            or ""
        )
        return label.strip().lstrip("* ").lower()
    key = header.strip().casefold()
    if key in _PHONE_LABELS:
        return _PHONE_LABELS[key]
    return ""


def sample_rows(layout: CsvLayout, n: int = 3) -> list[list[str]]:
    """The first rows under the header, for the mapping step's preview."""
    lines = read_lines(layout.path, layout.encoding)
    for _ in range(layout.header_line):
        next(lines, None)
    buf = io.StringIO()
    for _, line in zip(range(n * 4), lines, strict=False):
        buf.write(line + "\n")
    buf.seek(0)
    return [r for _, r in zip(range(n), csv.reader(buf, delimiter=layout.delimiter), strict=False)]
