"""Reading vCard 2.1, 3.0 and 4.0 files into :class:`ContactDraft` objects, card by card.

The file is split into cards line by line (so every card keeps its number, first
line and original text, and memory stays flat), each card is parsed by vobject
without its slow native transform, and the properties are mapped by hand — that is
where the real-world quirks live: QUOTED-PRINTABLE with CHARSET, Apple ``item1.``
groups with ``X-ABLabel``, TYPE parameters in every spelling, credentials inside
names, photos inline or by URL. Big files can be parsed on two processes.
"""

import base64
import binascii
import quopri
import re
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from vobject.base import VObjectError, parseLine

from netdesk.errors import InputError
from netdesk.models import ROLES
from netdesk.services.contacts.credentials import infer_professional
from netdesk.services.contacts.normalize import is_safe_link, link_scheme
from netdesk.services.contacts.photos import MAX_PHOTO_INPUT_BYTES, bounded_photo
from netdesk.services.importing.drafts import (
    ContactDraft,
    DraftAddress,
    DraftEvent,
    DraftExtra,
    DraftGroup,
    DraftMethod,
    ParseProblem,
    clip_original,
)
from netdesk.services.importing.textfile import (
    check_file,
    count_card_starts,
    detect_encoding,
    read_lines,
)
from netdesk.services.importing.vcard_positions import (
    END,
    START,
    note_position,
    settle_positions,
)
from netdesk.services.limits import MAX_CARD_CHARS, MAX_CARDS, MAX_PROPERTY_CHARS
from netdesk.services.progress import NO_PROGRESS, Progress

ParseResult = ContactDraft | DraftGroup | ParseProblem
CardChunk = tuple[str, int, int, str]  # file, card number, first line, text

SOCIAL_NETWORKS = {
    "linkedin": "LinkedIn",
    "doximity": "Doximity",
    "sermo": "Sermo",
    "twitter": "Twitter",
    "x": "X",
    "facebook": "Facebook",
    "instagram": "Instagram",
    "researchgate": "ResearchGate",
    "orcid": "ORCID",
    "mastodon": "Mastodon",
    "bluesky": "Bluesky",
    "github": "GitHub",
}
_SOCIAL_HOSTS = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(linkedin|doximity|sermo|twitter|x|facebook|instagram|"
    r"researchgate|orcid|github)\.(?:com|net|org)\b",
    re.I,
)
SYSTEM_GROUPS = ("mycontacts", "starred")  # Google's own groups, not the user's tags
_IGNORED_TYPES = {"INTERNET", "PREF", "VOICE", "X400", "OTHER_"}
_TYPE_LABELS = {"CELL": "mobile", "IPHONE": "iPhone", "MAIN": "main"}
_APPLE_LABEL = re.compile(r"^_\$!<(.*)>!\$_$")
_ORG_KINDS = ("org", "organization", "company")  # KIND (4.0) and Apple's X-ABShowAs
_GROUP_KIND = ("KIND", "X-ADDRESSBOOKSERVER-KIND")  # 4.0 and Apple's 3.0 spelling
_GROUP_MEMBER = ("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER")
# Parameters the importer reads; any other parameter is kept with its property.
MODELLED_PARAMS = frozenset(
    {"TYPE", "PREF", "ENCODING", "CHARSET", "VALUE", "X-SERVICE-TYPE", "X-USER",
     "X-APPLE-OMIT-YEAR", "MEDIATYPE"}
)  # fmt: skip
# Properties whose parameters are kept per property name (one of each per card).
_SINGLE_PROPERTIES = frozenset(
    {"FN", "N", "ORG", "TITLE", "ROLE", "NOTE", "BDAY", "ANNIVERSARY", "X-ANNIVERSARY",
     "PHOTO", "UID", "CATEGORIES"}
)  # fmt: skip
# Properties every writer changes on every save: not what a card says (sync hashes).
VOLATILE_PROPERTIES = frozenset({"REV", "PRODID"})
_PARSE_BATCH = 100
_PARALLEL_MIN_BYTES = 16 * 1024 * 1024  # below this, process start-up and pickling cost more


# ----------------------------------------------------------------------------- splitting
def iter_card_chunks(path: str | Path) -> Iterator[CardChunk | ParseProblem]:
    """The cards of a file as text, with their number and first line; never parses."""
    p = check_file(path)
    encoding = detect_encoding(p)
    name = str(path)
    if count_card_starts(p, encoding, stop_after=MAX_CARDS) > MAX_CARDS:
        raise _too_many_cards(name)
    card_no, start, buf, size, in_card, seen_any = 0, 0, [], 0, False, False
    too_big = False
    for line_no, line in enumerate(read_lines(p, encoding), 1):
        keyword = line.strip().upper()
        if keyword == "BEGIN:VCARD":
            if in_card:  # the previous card never ended
                yield ParseProblem(
                    name,
                    card_no,
                    start,
                    f"card {card_no} (line {start}) has no END:VCARD before the next card; "
                    "it was skipped — the file may have been cut or edited.",
                    clip_original("\n".join(buf)),
                )
            card_no += 1
            if card_no > MAX_CARDS:  # the pre-scan never over-counts; this is the backstop
                raise _too_many_cards(name)
            in_card, seen_any, start, buf, size, too_big = True, True, line_no, [line], 0, False
            continue
        if not in_card:
            continue
        size += len(line) + 1
        if size > MAX_CARD_CHARS:
            too_big = True
        if not too_big:
            buf.append(line)
        if keyword == "END:VCARD":
            in_card = False
            if too_big:
                yield ParseProblem(
                    name,
                    card_no,
                    start,
                    f"card {card_no} (line {start}) is larger than "
                    f"{MAX_CARD_CHARS // (1024 * 1024)} MB and was skipped.",
                    clip_original("\n".join(buf)),
                )
            else:
                yield (name, card_no, start, "\n".join(buf) + "\n")
            buf = []
    if in_card:
        yield ParseProblem(
            name,
            card_no,
            start,
            f"card {card_no} (line {start}) is cut off: the file ends before END:VCARD.",
            clip_original("\n".join(buf)),
        )
    if not seen_any:
        raise InputError(
            f"{name}: no vCard found (no BEGIN:VCARD line). Is this a .vcf file? "
            "CSV files need the .csv extension."
        )


def _too_many_cards(name: str) -> InputError:
    return InputError(
        f"{name}: more than {MAX_CARDS:,} cards (the limit per file); split the file and "
        "import the parts one after another."
    )


def parse_vcards(
    path: str | Path, progress: Progress = NO_PROGRESS, workers: int = 1
) -> Iterator[ParseResult]:
    """Every card of ``path`` as a draft or a problem, in file order, streaming.

    With ``workers`` > 1 (and a file big enough to be worth it) cards are parsed on
    that many processes, a bounded number of batches in flight at a time.
    """
    p = check_file(path)
    total = p.stat().st_size
    chunks = iter_card_chunks(p if str(path) == str(p) else path)
    if workers > 1 and total >= _PARALLEL_MIN_BYTES:
        results = _parse_parallel(chunks, workers)
    else:
        results = (c if isinstance(c, ParseProblem) else draft_from_card(*c) for c in chunks)
    for n, result in enumerate(results, 1):
        if n % 50 == 0:
            progress.step(n, 0, f"Read {n:,} cards…")
        yield result


def _parse_batch(batch: list) -> list[ParseResult]:
    return [c if isinstance(c, ParseProblem) else draft_from_card(*c) for c in batch]


def _batched(items: Iterable, size: int) -> Iterator[list]:
    batch = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parse_parallel(chunks: Iterable, workers: int) -> Iterator[ParseResult]:
    import multiprocessing

    context = multiprocessing.get_context("fork" if _fork_is_safe() else "spawn")
    in_flight: list[Future] = []
    with ProcessPoolExecutor(workers, mp_context=context) as pool:
        for batch in _batched(chunks, _PARSE_BATCH):
            in_flight.append(pool.submit(_parse_batch, batch))
            if len(in_flight) >= workers * 3:
                yield from in_flight.pop(0).result()
        for future in in_flight:
            yield from future.result()


def _fork_is_safe() -> bool:
    import threading

    return threading.active_count() == 1


# ----------------------------------------------------------------------------- one card
def draft_from_card(file: str, card_no: int, start: int, text: str) -> ParseResult:
    """One card's text -> a draft (with warnings) or a problem saying why not."""
    original = clip_original(text.rstrip("\n"))
    draft = ContactDraft(file=file, card=card_no, line=start, original=original)
    try:
        lines = _content_lines(text, start, draft.warnings)
        if group := _group_card(lines, file, card_no, start):
            return group
        _fill_draft(draft, lines, start)
    except Exception as exc:  # vobject raises many kinds; every one becomes a problem
        line = getattr(exc, "lineNumber", None)
        where = start + line - 1 if isinstance(line, int) and line > 0 else start
        reason = str(exc).split("\n")[0][:300] or type(exc).__name__
        return ParseProblem(
            file, card_no, where, f"card {card_no} could not be read: {reason}", original
        )
    if draft.is_empty():
        return ParseProblem(
            file,
            card_no,
            start,
            f"card {card_no} has no name, organization, email or phone; nothing to import.",
            original,
        )
    return draft


def _group_card(lines: list, file: str, card_no: int, start: int) -> DraftGroup | None:
    """A KIND:group card is a list of members, not a contact."""
    if not any(ln.name in _GROUP_KIND and ln.value.strip().lower() == "group" for ln in lines):
        return None
    names = [_unescape(ln.value).strip() for ln in lines if ln.name in ("FN", "N")]
    name = next((n.strip(" ;") for n in names if n.strip(" ;")), "")
    name = " ".join("".join(ch if ch.isprintable() else " " for ch in name).split())[:100]
    name = name or f"Group from card {card_no}"
    members = [_unescape(ln.value).strip() for ln in lines if ln.name in _GROUP_MEMBER]
    uid = next((_unescape(ln.value).strip()[:200] for ln in lines if ln.name == "UID"), "")
    return DraftGroup(file, card_no, start, name, [m[:200] for m in members if m], uid)


@dataclass(slots=True)
class Line:
    """One property as vobject's line grammar splits it (group.NAME;params:value).

    vobject's own ContentLine objects cost most of the parse time and its vCard
    behaviours drop text after a comma in FN, so the importer keeps just this.
    """

    name: str
    group: str | None
    params: dict[str, list[str]]
    singletonparams: list[str]
    value: str
    lineNumber: int  # noqa: N815 (vobject's spelling)
    raw: str = ""  # the unfolded line as received, for properties netdesk keeps verbatim
    param_text: str = ""  # parameters netdesk does not model, as ";NAME=value"


def logical_lines(text: str) -> list[tuple[str, int]]:
    """Unfold a card: folded lines (leading space/tab) and QUOTED-PRINTABLE soft breaks.

    Same rules as vobject's ``getLogicalLines(allowQP=True)``, without its per-line
    StringIO; QP continuation lines are joined with "\n" so "=\n" decodes as a soft
    break. Returns (line, first physical line number).
    """
    out: list[tuple[str, int]] = []
    buf: str | None = None
    start = 0
    qp = False
    for n, raw in enumerate(text.split("\n"), 1):
        raw = raw.rstrip("\r")
        if buf is not None and qp:
            buf += "\n" + raw
            qp = buf.endswith("=")
            continue
        if not raw.strip():
            if buf is not None:
                out.append((buf, start))
                buf = None
            continue
        if raw[0] in " \t" and buf is not None:
            buf += raw[1:]
        else:
            if buf is not None:
                out.append((buf, start))
            buf, start = raw, n
        qp = buf.endswith("=") and "quoted-printable" in buf.lower()
    if buf is not None:
        out.append((buf, start))
    return out


# A property whose name and parameters need no quoting: [group.]NAME[;P[=v[,v]...]]...
_SIMPLE_HEAD = re.compile(
    r"(?:([A-Za-z0-9_-]+)\.)?([A-Za-z0-9_-]+)((?:;[A-Za-z0-9_-]+(?:=[^\";:,]*(?:,[^\";:,]*)*)?)*)"
)


def split_line(raw: str, number: int | None = None) -> tuple[str, list[list[str]], str, str | None]:
    """(name, params, value, group) exactly as vobject's ``parseLine`` returns them.

    Well-formed lines without quoted parameters (nearly all) are split by hand,
    several times faster than vobject's regular expression; anything else (quotes,
    no colon, odd characters) goes to ``parseLine`` itself. A test runs both on
    every line of every fixture and sample file.
    """
    head, colon, value = raw.partition(":")
    match = _SIMPLE_HEAD.fullmatch(head) if colon and '"' not in head else None
    if match is None:
        return parseLine(raw, number)
    group, name, param_text = match.groups()
    params = []
    for param in param_text.split(";")[1:]:
        key, _, values = param.partition("=")
        params.append([key, *(v for v in values.split(",") if v)])
    return name.replace("_", "-"), params, value, group


def _content_lines(text: str, start: int, warnings: list[str]) -> list[Line]:
    """The card's properties; a line vobject's grammar rejects is skipped with a warning."""
    out = []
    for raw, n in logical_lines(text):
        where = start + n - 1
        try:
            name, params, value, group = split_line(raw, n)
        except VObjectError as exc:
            reason = str(exc).split("\n")[0][:200]
            warnings.append(f"line {where} could not be read and was skipped ({reason})")
            continue
        name = name.upper()
        if name in ("BEGIN", "END", "VERSION"):
            continue
        by_name: dict[str, list[str]] = {}
        singles: list[str] = []
        unknown = []
        for param in params:
            if len(param) == 1:
                singles.append(param[0])
            else:
                by_name.setdefault(param[0].upper(), []).extend(param[1:])
                if param[0].upper() not in MODELLED_PARAMS or (
                    name.upper() == "IMPP" and param[0].upper() in ("TYPE", "PREF")
                ):
                    unknown.append(_param_text(param[0], param[1:]))
        encodings = [e.upper() for e in by_name.get("ENCODING", [])]
        if "QUOTED-PRINTABLE" in encodings or "QUOTED-PRINTABLE" in (x.upper() for x in singles):
            charset = (by_name.get("CHARSET") or ["utf-8"])[0]
            raw_bytes = quopri.decodestring(value.encode("utf-8"))
            value = _decode_bytes(raw_bytes, charset)
            by_name.pop("ENCODING", None)
            singles = [x for x in singles if x.upper() != "QUOTED-PRINTABLE"]
        # QUOTED-PRINTABLE soft breaks were joined with "\n"; dropping "=\n" keeps it valid
        verbatim = raw.replace("=\n", "") if "\n" in raw else raw
        out.append(Line(name, group, by_name, singles, value, where, verbatim, "".join(unknown)))
    return out


def _param_text(name: str, values: list[str]) -> str:
    """One parameter back as text, quoting values that need it (RFC 6350 3.3)."""
    quoted = [f'"{v}"' if re.search(r"[;:,]", v) and not v.startswith('"') else v for v in values]
    return f";{name}={','.join(quoted)}"


def _decode_bytes(raw: bytes, charset: str) -> str:
    for encoding in (charset, "utf-8"):
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return raw.decode("cp1252_latin1")


def _unescape(value: str) -> str:
    if "\\" not in value:
        return value
    return re.sub(
        r"\\(.)",
        lambda m: "\n" if m.group(1) in "nN" else m.group(1),
        value,
    )


def split_keeping_escapes(text: str, sep: str = ";") -> list[str]:
    """Split on separators that no backslash escapes; each part keeps its escapes."""
    parts, buf, escaped = [], [], False
    for ch in text:
        if escaped:
            buf.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == sep:
            parts.append("".join(buf))
            buf = []
        else:
            buf.append(ch)
    parts.append("".join(buf))
    return parts


def _split_structured(value: str, sep: str = ";") -> list[str]:
    """Split on unescaped separators, then unescape each part."""
    return [_unescape(part) for part in split_keeping_escapes(value, sep)]


def _types(line) -> list[str]:
    """TYPE in every spelling: TYPE=WORK,VOICE / TYPE=work;TYPE=pref / bare WORK."""
    found = []
    for value in [*line.params.get("TYPE", []), *line.singletonparams]:
        for t in str(value).split(","):
            t = t.strip().strip('"').upper()
            if t:
                found.append(t)
    return found


def _is_pref(line, types: list[str]) -> bool:
    return "PREF" in types or any(v.strip() == "1" for v in line.params.get("PREF", []))


def _label(line, types: list[str], group_labels: dict[str, str]) -> str:
    if line.group and line.group.lower() in group_labels:
        return group_labels[line.group.lower()]
    kept = [t for t in types if t not in _IGNORED_TYPES and not t.startswith("X-")]
    return ", ".join(_TYPE_LABELS.get(t, t.lower()) for t in dict.fromkeys(kept))


def _apple_label(value: str) -> str:
    value = value.strip()
    match = _APPLE_LABEL.match(value)
    return (match.group(1) if match else value).strip().lower() if match else value


def _parse_date(value: str, line) -> date | None:
    """ISO dates with or without dashes, times cut off, "--MMDD" (no year) as year 1604."""
    value = value.strip().split("T")[0]
    omit_year = any(v.strip() == "1604" for v in line.params.get("X-APPLE-OMIT-YEAR", []))
    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    try:
        if match:
            year, month, day = (int(g) for g in match.groups())
            return date(1604 if omit_year else year, month, day)
        match = re.fullmatch(r"--(\d{2})-?(\d{2})", value)
        if match:
            return date(1604, int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
    return None


def _photo(line, draft: ContactDraft) -> bool:
    """Read the photo; False when netdesk cannot use it, so the line is kept as received."""
    value = line.value.strip()
    encoding = [e.upper() for e in line.params.get("ENCODING", [])] + [
        s.upper() for s in line.singletonparams
    ]
    value_type = [v.lower() for v in line.params.get("VALUE", [])]
    if value.startswith("data:"):
        header, _, value = value.partition(",")
        if ";base64" not in header.lower():
            draft.warnings.append("PHOTO data URI is not base64; it is kept but not shown.")
            return False
    elif "uri" in value_type or "url" in value_type or re.match(r"^https?://", value, re.I):
        draft.photo_url = value[:1000]  # recorded, never fetched
        return True
    elif not ({"B", "BASE64"} & set(encoding)):
        draft.warnings.append("PHOTO is neither base64 nor a URL; it is kept but not shown.")
        return False
    if len(value) > MAX_PHOTO_INPUT_BYTES * 4 // 3 + 8:
        draft.warnings.append(
            f"the photo is larger than {MAX_PHOTO_INPUT_BYTES // 2**20} MB and was left out."
        )
        return True
    try:
        data = base64.b64decode(re.sub(r"\s+", "", value), validate=False)
    except (binascii.Error, ValueError):
        draft.warnings.append("the photo's base64 data is damaged; the photo was left out.")
        return True
    if not data.startswith((b"\xff\xd8", b"\x89PNG", b"GIF8", b"RIFF", b"BM")):
        draft.warnings.append(
            "the photo is not a JPEG, PNG, GIF, WebP or BMP; it is kept but not shown."
        )
        return False
    draft.photo, note = bounded_photo(data)
    if note:
        draft.warnings.append(note)
    return True


def _add_method(
    draft: ContactDraft, kind: str, value: str, label: str, pref: bool, params: str = ""
) -> None:
    value = value.strip()
    if not value:
        return
    if kind == "url" and not is_safe_link(value):
        scheme = link_scheme(value)
        draft.warnings.append(f"URL: a {scheme}: link is not a safe link; it was left out.")
        return
    if kind == "url" and (m := _SOCIAL_HOSTS.match(value)):
        kind, label = "social", SOCIAL_NETWORKS.get(m.group(1).lower(), label)
    draft.methods.append(DraftMethod(kind, value[:1000], label[:100], pref, params))


def _netdesk_event(value: str) -> DraftEvent | None:
    """X-NETDESK-EVENT:name;kind;YYYY-MM-DD (kind and date optional)."""
    from netdesk.models import EVENT_KINDS

    name, kind, when = [*_split_structured(value), "", ""][:3]
    name = name.strip()[:200]
    if not name:
        return None
    kind = kind.strip().lower() if kind.strip().lower() in EVENT_KINDS else "other"
    try:
        start = date.fromisoformat(when.strip()) if when.strip() else None
    except ValueError:
        start = None
    return DraftEvent(name, kind, start)


def _map_line(draft: ContactDraft, line: Line, group_labels: dict[str, str], acc: dict) -> bool:
    """Put one property into the draft; False when netdesk does not model it."""
    name = line.name
    value = line.value if isinstance(line.value, str) else str(line.value)
    types = _types(line)
    if name == "FN":
        draft.display_name = _unescape(value).strip()
    elif name == "N":
        acc["n_parts"] = [*_split_structured(value), "", "", "", "", ""][:5]
    elif name in ("ORG", "TITLE") and line.group:  # one of several positions
        text = [p.strip() for p in _split_structured(value)] if name == "ORG" else None
        pref = _is_pref(line, types)
        note_position(acc, line.group, name, text or _unescape(value).strip(), pref)
    elif name in (START, END):
        parsed = _parse_date(value, line)
        if parsed is None:
            return False
        if line.group:
            note_position(acc, line.group, name, parsed)
        elif name == START:
            draft.position_start = parsed
        else:
            return False
    elif name == "ORG":
        parts = [p.strip() for p in _split_structured(value)]
        draft.organization = parts[0]
        draft.department = ", ".join(p for p in parts[1:] if p)
    elif name == "TITLE":
        draft.title = _unescape(value).strip()
    elif name == "ROLE":
        acc["role_text"] = _unescape(value).strip()
    elif name == "NOTE":
        acc["notes"].append(_unescape(value).replace("\r\n", "\n").replace("\r", "\n").strip())
    elif name in ("EMAIL", "TEL", "URL"):
        kind = {"EMAIL": "email", "TEL": "phone", "URL": "url"}[name]
        text = (
            _unescape(value)
            if name != "TEL"
            else re.sub(r"^tel:", "", _unescape(value).strip(), flags=re.I)
        )
        pref = _is_pref(line, types) if name != "URL" else False
        _add_method(draft, kind, text, _label(line, types, group_labels), pref, line.param_text)
    elif name == "X-SOCIALPROFILE":
        network = next((t for t in types if t.lower() in SOCIAL_NETWORKS), "")
        label = SOCIAL_NETWORKS.get(network.lower(), network.title() if network else "")
        url = _unescape(value).strip()
        if not url and line.params.get("X-USER"):
            url = line.params["X-USER"][0]
        if not is_safe_link(url):
            draft.warnings.append(
                f"X-SOCIALPROFILE: a {link_scheme(url)}: link is not a safe link; left out."
            )
            return True  # read, and refused: not kept for export either
        draft.methods.append(DraftMethod("social", url[:1000], label, False, line.param_text))
    elif name in ("IMPP", "X-SKYPE", "X-SKYPE-USERNAME", "X-AIM", "X-JABBER", "X-MSN"):
        service = (line.params.get("X-SERVICE-TYPE") or [""])[0]
        if not service and name != "IMPP":
            service = name[2:].split("-")[0].title()
        handle = _unescape(value).strip()
        if not service and ":" in handle:
            service = handle.split(":", 1)[0]
        draft.methods.append(
            DraftMethod("impp", handle[:1000], service[:100], False, line.param_text)
        )
    elif name == "ADR":
        parts = [p.strip() for p in [*_split_structured(value), *[""] * 7][:7]]
        if any(parts):
            label = _label(line, types, group_labels)
            draft.addresses.append(
                DraftAddress(label, *parts[2:7], parts[0], parts[1], line.param_text)
            )
    elif name == "CATEGORIES":
        system = []
        for tag in _split_structured(value, ","):
            if tag.strip().casefold() in SYSTEM_GROUPS:
                system.append(tag.strip())
            elif tag.strip():
                draft.tags.append(tag.strip())
        if system:  # Google's own groups: not tags, but written back as they came
            prefix = f"{line.group}." if line.group else ""
            text = f"{prefix}CATEGORIES:{','.join(system)}"
            draft.extras.append(DraftExtra(text, name, line.group or ""))
    elif name in ("BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-ABDATE"):
        if name == "X-ABDATE" and "anniversary" not in group_labels.get(
            (line.group or "").lower(), ""
        ):
            return False
        parsed = _parse_date(value, line)
        field = "birthday" if name == "BDAY" else "anniversary"
        if parsed is None:
            draft.warnings.append(f"{name} {value!r} is not a date; it is kept as it was.")
            return False
        if getattr(draft, field) is not None:
            return False
        setattr(draft, field, parsed)
    elif name == "PHOTO":
        return _photo(line, draft)
    elif name == "REV":  # rewritten from the contact on export
        draft.revised = value.strip()[:40]
    elif name == "UID":
        draft.uid = _unescape(value).strip()[:200]
    elif name in ("KIND", "X-ABSHOWAS"):
        acc["kind"] = value.strip().lower()
        return acc["kind"] in ("org", "company")
    elif name == "X-NETDESK-SPECIALTY":
        draft.specialty = _unescape(value).strip()
    elif name == "X-NETDESK-CREDENTIALS":
        draft.credentials = _unescape(value).strip()
    elif name == "X-NETDESK-NPI":
        draft.npi = _unescape(value).strip()
    elif name == "X-NETDESK-ROLE":
        if _unescape(value).strip().casefold() not in ROLES:
            return False
        draft.role = _unescape(value).strip().casefold()
    elif name == "X-NETDESK-STAY-IN-TOUCH":
        if not value.strip().isdigit() or not 0 < int(value.strip()) <= 3660:
            return False
        draft.stay_in_touch_days = int(value.strip())
    elif name == "X-NETDESK-EVENT":
        event = _netdesk_event(value)
        if event is None:
            return False
        draft.events.append(event)
    else:
        # an X-ABLabel names its group's property; it is kept with the group if that is kept
        return name == "X-ABLABEL" and bool(line.group)
    return True


def _fill_draft(draft: ContactDraft, lines: list, start: int) -> None:
    group_labels = {
        line.group.lower(): _apple_label(_unescape(str(line.value)))
        for line in lines
        if line.group and line.name in ("X-ABLABEL",)
    }
    acc: dict = {"notes": [], "role_text": "", "kind": "", "n_parts": None}
    kept: list[Line] = []
    for line in lines:
        value = line.value if isinstance(line.value, str) else str(line.value)
        if len(value) > MAX_PROPERTY_CHARS:
            draft.warnings.append(
                f"line {line.lineNumber}: {line.name} is larger than "
                f"{MAX_PROPERTY_CHARS // (1024 * 1024)} MB and was left out."
            )
            continue
        if not _map_line(draft, line, group_labels, acc):
            kept.append(line)
        elif line.param_text and line.name in _SINGLE_PROPERTIES:
            draft.extras.append(DraftExtra(line.param_text, line.name, "", line.name))
    _keep_verbatim(draft, lines, kept)
    settle_positions(draft, acc)
    notes, role_text, kind, n_parts = acc["notes"], acc["role_text"], acc["kind"], acc["n_parts"]
    if n_parts is not None:
        family, given, additional, prefix, suffix = (p.strip() for p in n_parts)
        draft.family_name, draft.given_name = family, given
        draft.additional_names, draft.prefix, draft.suffix = additional, prefix, suffix
    _settle_names(draft, kind)
    if role_text:
        if role_text.casefold() in ROLES:
            draft.role = role_text.casefold()
        elif not draft.title:
            draft.title = role_text
        else:
            notes.append(f"Role: {role_text}")
    draft.notes = "\n\n".join(n for n in notes if n)
    infer_professional(draft)


def _keep_verbatim(draft: ContactDraft, lines: list[Line], kept: list[Line]) -> None:
    """Unmodelled lines as received, with the X-ABLabel of every group they are in."""
    groups = {line.group.lower() for line in kept if line.group}
    kept_ids = {id(line) for line in kept}
    for line in lines:
        if id(line) in kept_ids or (
            line.name == "X-ABLABEL" and line.group and line.group.lower() in groups
        ):
            draft.extras.append(DraftExtra(line.raw, line.name, line.group or ""))


def _settle_names(draft: ContactDraft, kind: str) -> None:
    """N and FN missing or inconsistent: build the missing one from the other.

    Organization cards keep FN (or ORG) as their name, unsplit: KIND:org, Apple's
    X-ABShowAs:COMPANY, and Outlook's company cards (no N, FN the same as ORG).
    """
    from netdesk.services.contacts.credentials import split_credentials
    from netdesk.services.contacts.records import split_name

    has_parts = bool(draft.given_name or draft.family_name)
    same_as_org = draft.display_name.casefold() == draft.organization.casefold()
    if kind in _ORG_KINDS or (not has_parts and draft.display_name and same_as_org):
        draft.kind = "org"
        draft.display_name = draft.display_name or draft.organization
        draft.organization = draft.organization or draft.display_name
        return
    if not has_parts and draft.display_name:
        bare, _ = split_credentials(draft.display_name)
        draft.given_name, draft.family_name = split_name(bare)
    if not draft.display_name and has_parts:
        draft.display_name = " ".join(
            p
            for p in (draft.prefix, draft.given_name, draft.additional_names, draft.family_name)
            if p
        )
        if draft.suffix:
            draft.display_name = f"{draft.display_name}, {draft.suffix}"
