"""What a parsed card or CSV row becomes before it touches the database.

Parsers (vCard, CSV) produce :class:`ContactDraft` objects; the planner matches them
and the committer writes them. Drafts are plain picklable data so the parse can run
in another process.
"""

from dataclasses import dataclass, field
from datetime import date

from netdesk.services.limits import MAX_ORIGINAL_CHARS

DRAFT_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "additional_names",
    "prefix",
    "suffix",
    "credentials",
    "role",
    "specialty",
    "title",
    "organization",
    "department",
    "npi",
    "notes",
    "photo_url",
    "birthday",
    "anniversary",
    "uid",
    "kind",
)


@dataclass
class DraftMethod:
    kind: str  # email, phone, url, social, impp
    value: str
    label: str = ""
    preferred: bool = False
    params: str = ""  # parameters netdesk does not model, as ";NAME=value" text


@dataclass
class DraftAddress:
    label: str = ""
    street: str = ""
    locality: str = ""
    region: str = ""
    postal_code: str = ""
    country: str = ""
    po_box: str = ""
    extended: str = ""
    params: str = ""  # parameters netdesk does not model, as ";NAME=value" text

    def key(self) -> tuple:
        """What makes two addresses the same place (label aside)."""
        parts = (self.street, self.locality, self.region, self.postal_code, self.country)
        return tuple(p.casefold().strip() for p in (*parts, self.po_box, self.extended))


@dataclass
class DraftExtra:
    """A vCard property kept as received (``target`` empty), or the parameters netdesk
    does not model of the modelled property ``target`` (FN, N, PHOTO, …)."""

    text: str
    name: str = ""
    group: str = ""
    target: str = ""


@dataclass
class DraftAffiliation:
    """A position besides the card's main ORG/TITLE (a grouped itemN.ORG / itemN.TITLE)."""

    organization: str = ""
    title: str = ""
    department: str = ""
    start_date: date | None = None
    end_date: date | None = None


@dataclass
class DraftEvent:
    """An event the contact was met at, as carried in X-NETDESK-EVENT."""

    name: str
    kind: str = "other"
    start_date: date | None = None


@dataclass
class ContactDraft:
    """One contact as read from a file, with where it came from."""

    file: str = ""
    card: int = 0  # 1-based card or row number
    line: int = 0  # 1-based line where it starts
    original: str = ""
    display_name: str = ""
    given_name: str = ""
    family_name: str = ""
    additional_names: str = ""
    prefix: str = ""
    suffix: str = ""
    credentials: str = ""
    role: str = ""
    specialty: str = ""
    title: str = ""
    organization: str = ""
    department: str = ""
    npi: str = ""
    notes: str = ""
    photo: bytes | None = None
    photo_url: str = ""
    birthday: date | None = None
    anniversary: date | None = None
    uid: str = ""
    kind: str = "person"  # or "org": a company or exhibitor card (vCard KIND:org)
    stay_in_touch_days: int | None = None
    revised: str = ""  # REV as written: when the card last changed (decides sync conflicts)
    methods: list[DraftMethod] = field(default_factory=list)
    addresses: list[DraftAddress] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    events: list[DraftEvent] = field(default_factory=list)
    extras: list[DraftExtra] = field(default_factory=list)
    affiliations: list[DraftAffiliation] = field(default_factory=list)  # besides the primary
    position_start: date | None = None  # since when the primary position is held
    warnings: list[str] = field(default_factory=list)  # imported anyway, but reported
    ocr_text: str = ""  # a business-card photo's recognised text, shown in the review

    @property
    def name(self) -> str:
        if self.display_name:
            return self.display_name
        return " ".join(p for p in (self.given_name, self.family_name) if p)

    def label(self) -> str:
        """How to refer to this card in a list: name, else org, else first email."""
        if self.name:
            return self.name
        if self.organization:
            return self.organization
        return self.methods[0].value if self.methods else f"card {self.card}"

    def is_empty(self) -> bool:
        return not (self.name or self.organization or self.methods)


@dataclass
class DraftGroup:
    """A group card (vCard 4.0 KIND:group, Apple's X-ADDRESSBOOKSERVER-KIND:group).

    It becomes a tag on the cards of the same file whose UID it lists as a member.
    """

    file: str
    card: int
    line: int
    name: str
    members: list[str] = field(default_factory=list)  # member UIDs as written (urn:uuid:…)
    uid: str = ""


def uid_key(uid: str) -> str:
    """A UID as group members refer to it: "urn:uuid:ABC" and "abc" are the same card."""
    uid = uid.strip()
    if uid.lower().startswith("urn:uuid:"):
        uid = uid[9:]
    return uid.casefold()


@dataclass
class ParseProblem:
    """A card or row that could not be read at all."""

    file: str
    card: int
    line: int
    message: str
    original: str = ""


def clip_original(text: str) -> str:
    if len(text) <= MAX_ORIGINAL_CHARS:
        return text
    return text[:MAX_ORIGINAL_CHARS] + "\n… (cut: the card is longer than this)"
