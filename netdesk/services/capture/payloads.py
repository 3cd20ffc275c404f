"""What a badge code says: a vCard, a MECARD, a BIZCARD, a profile link or plain text.

Lead-retrieval badges and exhibitor signs encode contacts in a handful of formats;
each becomes a :class:`ContactDraft` for the normal import review. Anything else is
reported, never imported: plain text is shown to the user, a ``javascript:`` or
``data:`` link is refused outright (nothing from a code is ever opened or fetched),
and an implausible card (a "vCard" with 1,000 emails) is refused as a whole.
"""

import re

from netdesk.services.contacts.credentials import credential_spelling, infer_professional
from netdesk.services.contacts.normalize import is_safe_link, link_scheme
from netdesk.services.importing.drafts import (
    ContactDraft,
    DraftAddress,
    DraftMethod,
    ParseProblem,
    clip_original,
)
from netdesk.services.importing.vcard import (
    SOCIAL_NETWORKS,
    draft_from_card,
    split_keeping_escapes,
)

MAX_PAYLOAD_CHARS = 64_000  # no code holds more than ~7,100; longer text came from elsewhere
MAX_METHODS_PER_CODE = 20  # a real badge has a handful of emails, phones and links
_PROFILE = re.compile(
    r"^(?:https?://)?(?:[\w-]+\.)*(?P<site>linkedin\.com/in|doximity\.com/(?:pub|profiles)|"
    r"orcid\.org)/(?P<id>[\w%.-]+)/?(?:[?#].*)?$",
    re.I,
)
_ORCID_ID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", re.I)
_SITE_LABELS = {"linkedin": "LinkedIn", "doximity": "Doximity", "orcid": "ORCID"}
PayloadResult = ContactDraft | ParseProblem


def draft_from_payload(text: str, file: str, number: int, symbology: str = "") -> PayloadResult:
    """The draft a code's text describes, or a problem saying why it is not imported."""
    where = f"code {number}" + (f" ({symbology})" if symbology else "")
    original = clip_original(text[:MAX_PAYLOAD_CHARS])
    if len(text) > MAX_PAYLOAD_CHARS:
        return ParseProblem(
            file, number, 1, f"{where} holds {len(text):,} characters, more than any code can "
            "carry; it was not imported.", original
        )  # fmt: skip
    body = text.strip().lstrip("\ufeff")
    upper = body[:12].upper()
    if upper.startswith("BEGIN:VCARD"):
        result = _vcard(body, file, number, where)
    elif upper.startswith("MECARD:"):
        result = _mecard(body[7:], file, number)
    elif upper.startswith("BIZCARD:"):
        result = _bizcard(body[8:], file, number)
    else:
        return _link_or_text(body, file, number, where, original)
    if isinstance(result, ContactDraft):
        result.original = original
        if len(result.methods) > MAX_METHODS_PER_CODE:
            return ParseProblem(
                file,
                number,
                1,
                f"{where} holds a card with {len(result.methods):,} emails, phones and links "
                f"(a badge has a handful; netdesk takes up to {MAX_METHODS_PER_CODE}); "
                "it was not imported.",
                original,
            )
        if result.is_empty():
            return ParseProblem(
                file, number, 1, f"{where} holds a card with no name, email or phone.", original
            )
    return result


def _vcard(body: str, file: str, number: int, where: str) -> PayloadResult:
    text = body.replace("\r\n", "\n").replace("\r", "\n")
    result = draft_from_card(file, number, 1, text + "\n")
    if isinstance(result, ParseProblem):
        result.message = result.message.replace(f"card {number}", where, 1)
    return result


def split_escaped(text: str, sep: str) -> list[str]:
    r"""Split on ``sep`` unless escaped with a backslash; ``\;`` ``\:`` ``\,`` ``\\`` unescaped."""
    return [re.sub(r"\\(.)", r"\1", part, flags=re.S) for part in split_keeping_escapes(text, sep)]


def _fields(body: str) -> list[tuple[str, str]]:
    """MECARD/BIZCARD ``KEY:value;`` pairs, escapes honoured; raw values (commas kept escaped)."""
    out = []
    for part in split_keeping_escapes(body, ";"):
        key, sep, value = part.partition(":")
        if sep and key.strip():
            out.append((key.strip().upper(), value))
    return out


def _unescape(value: str) -> str:
    return "".join(split_escaped(value, "\x00")).strip()


def _mecard(body: str, file: str, number: int) -> ContactDraft:
    """DoCoMo's MECARD: ``N:Last,First;TEL:…;EMAIL:…;ADR:…;URL:…;NOTE:…;;``."""
    draft = ContactDraft(file=file, card=number, line=1)
    notes = []
    for key, value in _fields(body):
        if key == "N":
            names = [p.strip() for p in split_escaped(value, ",")]
            draft.family_name = names[0]
            draft.given_name = names[1] if len(names) > 1 else ""
        elif key == "ADR":
            draft.addresses.append(_mecard_address(value))
        elif key == "BDAY":
            draft.birthday = _yyyymmdd(_unescape(value), draft)
        else:
            _common_field(draft, key, _unescape(value), notes)
    return _finish(draft, notes)


def _mecard_address(value: str) -> DraftAddress:
    parts = [p.strip() for p in split_escaped(value, ",")]
    if len(parts) == 7:  # PO box, extended, street, city, region, postal code, country
        po_box, extended, street, city, region, postal, country = parts
        return DraftAddress("", street, city, region, postal, country, po_box, extended)
    return DraftAddress(street=", ".join(p for p in parts if p))


def _bizcard(body: str, file: str, number: int) -> ContactDraft:
    """ZXing's BIZCARD: ``N:First;X:Last;T:Title;C:Company;A:Address;B:phone;E:email;;``."""
    draft = ContactDraft(file=file, card=number, line=1)
    notes = []
    for key, value in _fields(body):
        value = _unescape(value)
        if key == "N":
            draft.given_name = value
        elif key == "X":
            draft.family_name = value
        elif key == "T":
            draft.title = value
        elif key == "C":
            draft.organization = value
        elif key == "A" and value:
            draft.addresses.append(DraftAddress(street=value))
        elif key in ("B", "M", "F"):
            label = {"B": "work", "M": "mobile", "F": "fax"}[key]
            _method(draft, "phone", value, label)
        elif key == "E":
            _method(draft, "email", value)
        else:
            _common_field(draft, key, value, notes)
    return _finish(draft, notes)


def _common_field(draft: ContactDraft, key: str, value: str, notes: list[str]) -> None:
    """Keys MECARD and BIZCARD generators share (some add ORG and TITLE to MECARD)."""
    if key in ("TEL", "TEL-AV"):
        _method(draft, "phone", value)
    elif key == "EMAIL":
        _method(draft, "email", value)
    elif key == "URL":
        _method(draft, "url", value)
    elif key == "ORG":
        draft.organization = value
    elif key == "TITLE":
        draft.title = value
    elif key == "NOTE" and value:
        notes.append(value)
    elif key == "NICKNAME" and value:
        notes.append(f"Nickname: {value}")


def _method(draft: ContactDraft, kind: str, value: str, label: str = "") -> None:
    value = value.strip()[:1000]
    if not value:
        return
    if kind == "url":
        if not is_safe_link(value):
            draft.warnings.append(f"a {link_scheme(value)}: link is not a safe link; left out.")
            return
        profile = _PROFILE.match(value)
        if profile:
            kind, label = "social", _site_label(profile.group("site"))
    draft.methods.append(DraftMethod(kind, value, label))


def _yyyymmdd(value: str, draft: ContactDraft):
    from datetime import date

    match = re.fullmatch(r"(\d{4})-?(\d{2})-?(\d{2})", value)
    try:
        return date(*(int(g) for g in match.groups())) if match else None
    except ValueError:
        draft.warnings.append(f"BDAY {value!r} is not a date; it was left out.")
        return None


def _finish(draft: ContactDraft, notes: list[str]) -> ContactDraft:
    draft.display_name = " ".join(p for p in (draft.given_name, draft.family_name) if p)
    draft.notes = "\n\n".join(notes)
    infer_professional(draft)
    return draft


def _site_label(site: str) -> str:
    key = site.split(".")[0].lower()
    return _SITE_LABELS.get(key, SOCIAL_NETWORKS.get(key, key.title()))


def _link_or_text(body: str, file: str, number: int, where: str, original: str) -> PayloadResult:
    scheme = link_scheme(body)
    if not is_safe_link(body):
        return ParseProblem(
            file,
            number,
            1,
            f"{where} holds a {scheme}: link; netdesk never stores or opens such links.",
            original,
        )
    profile = _PROFILE.match(body) if " " not in body else None
    if profile:
        return _profile_stub(body, profile, file, number)
    what = "a link that is not a profile netdesk knows" if scheme else "plain text"
    return ParseProblem(
        file, number, 1, f"{where} holds {what}, not a contact; shown here, not imported.", original
    )


def _profile_stub(
    url: str, profile: re.Match, file: str, number: int
) -> ContactDraft | ParseProblem:
    """A LinkedIn / Doximity / ORCID link: a contact with that profile, named from the link."""
    site = _site_label(profile.group("site"))
    ident = profile.group("id")
    if site == "ORCID" and not _ORCID_ID.match(ident):
        return ParseProblem(
            file, number, 1, f"code {number} holds an ORCID link without an ORCID iD.", url
        )
    draft = ContactDraft(file=file, card=number, line=1, original=url)
    if not url.lower().startswith(("http://", "https://")):
        url = "https://" + url
    draft.methods.append(DraftMethod("social", url, site))
    if site != "ORCID":
        _name_from_slug(draft, ident)
    return draft


def _name_from_slug(draft: ContactDraft, slug: str) -> None:
    """ "jane-doe-md-4a1b2c" -> Jane Doe, MD (a guess the review shows before saving)."""
    from netdesk.services.contacts.records import split_name

    words = [w for w in re.split(r"[-_.]+", slug) if w.isalpha()][:6]
    credentials: list[str] = []
    while len(words) > 2 and credential_spelling(words[-1]):
        credentials.insert(0, credential_spelling(words.pop()))
    if not words:
        return
    draft.display_name = " ".join(w.capitalize() for w in words)
    draft.given_name, draft.family_name = split_name(draft.display_name)
    draft.credentials = ", ".join(credentials)
    infer_professional(draft)
