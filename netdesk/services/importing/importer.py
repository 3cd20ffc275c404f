"""Import planning, committing and undoing.

:func:`plan_import` reads files into drafts and decides, without writing, what each
becomes: a new contact, a merge into a duplicate (certain or possible, with the
field-by-field differences), an identical card to skip, or a problem.
:func:`commit_plan` writes a plan in one transaction as one ImportBatch, recording
every change so :func:`undo_import` can reverse exactly that batch.
"""

import base64
import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from peewee import JOIN, AutoField, CharField, IntegerField, TextField

from netdesk.errors import InputError, NotFound, UserError
from netdesk.models import (
    EVENT_KINDS,
    Address,
    Affiliation,
    Contact,
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    ImportBatch,
    ImportChange,
    ImportIssue,
    Interaction,
    Organization,
    Tag,
    VCardProperty,
    database,
    utcnow,
)
from netdesk.models.contact import ADDRESS_FIELDS, make_sort_key
from netdesk.models.store.search_index import reindex_contacts, search_triggers_suspended
from netdesk.services.careers.moves import (
    CareerChange,
    detect_change,
    record_move,
    undo_recorded_move,
)
from netdesk.services.contacts.affiliations import Position, add_affiliations
from netdesk.services.contacts.credentials import merge_credentials
from netdesk.services.contacts.records import MAX_NOTES_CHARS, TEXT_FIELDS, clean_text, tag_named
from netdesk.services.data.privacy import KIND_LABELS, find_patient_identifiers, redact
from netdesk.services.importing.dedupe import MatchIndex, normalized, select_in
from netdesk.services.importing.drafts import (
    ContactDraft,
    DraftEvent,
    DraftGroup,
    ParseProblem,
    uid_key,
)
from netdesk.services.importing.vcard_extras import add_extras, draft_extras, extra_rows
from netdesk.services.progress import NO_PROGRESS, Progress

# Fields a merge may fill when empty; a different non-empty value is a conflict.
MERGE_FIELDS = (
    "display_name",
    "given_name",
    "family_name",
    "additional_names",
    "prefix",
    "suffix",
    "role",
    "specialty",
    "title",
    "organization",
    "department",
    "npi",
    "photo_url",
    "birthday",
    "anniversary",
    "uid",
    "photo",
    "kind",  # only "org" is offered: "person" is every card's default
    "stay_in_touch_days",
)
_PLAN_BATCH = 500
VCARD_SUFFIXES = (".vcf", ".vcard")


@dataclass
class FieldChoice:
    """A field both sides fill differently; the existing value wins unless chosen."""

    field: str
    existing: Any
    incoming: Any
    use_incoming: bool = False


@dataclass
class PlanEntry:
    draft: ContactDraft
    action: str  # "new", "merge" or "skip"
    status: str  # "new", "duplicate" (certain), "possible", "identical"
    reason: str = ""
    target_id: int | None = None  # existing contact
    target_entry: int | None = None  # earlier entry of this plan (same person twice)
    fills: dict[str, Any] = field(default_factory=dict)
    conflicts: list[FieldChoice] = field(default_factory=list)
    additions: list[str] = field(default_factory=list)  # "email x", "tag y" (for review)
    career: CareerChange | None = None  # a new title / organization: a move, not an overwrite


@dataclass(frozen=True)
class PrivacyWarning:
    """A card whose NOTE looks like it holds patient data; says what kind, never the text."""

    file: str
    card: int
    line: int
    kinds: tuple[str, ...]  # "mrn", "dob", ... (netdesk.services.data.privacy)
    entry: int  # index into ImportPlan.entries

    def describe(self) -> str:
        """e.g. "a medical record / chart number, a date of birth"."""
        return ", ".join(KIND_LABELS.get(k, k) for k in self.kinds)

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "card": self.card, "line": self.line, "kinds": list(self.kinds)}


@dataclass
class GroupPlan:
    """A group card: the tag it becomes, which cards get it, which members were not found."""

    group: DraftGroup
    members: list[int] = field(default_factory=list)  # indexes into ImportPlan.entries
    missing: list[str] = field(default_factory=list)  # member UIDs with no card in the file

    def to_dict(self, plan: "ImportPlan") -> dict[str, Any]:
        return {
            "file": self.group.file,
            "card": self.group.card,
            "line": self.group.line,
            "tag": self.group.name,
            "members": [plan.entries[n].draft.label() for n in self.members],
            "missing": list(self.missing),
        }


@dataclass
class ImportPlan:
    files: list[str]
    entries: list[PlanEntry] = field(default_factory=list)
    problems: list[ParseProblem] = field(default_factory=list)
    privacy_warnings: list[PrivacyWarning] = field(default_factory=list)
    groups: list[GroupPlan] = field(default_factory=list)
    source: str = ""
    file_hash: str = ""

    def with_status(self, status: str) -> list[PlanEntry]:
        return [e for e in self.entries if e.status == status]

    def warnings(self) -> list[ParseProblem]:
        """Per-card notes (a photo left out, a date unreadable) for cards imported anyway."""
        return [
            ParseProblem(e.draft.file, e.draft.card, e.draft.line, w, e.draft.original)
            for e in self.entries
            for w in e.draft.warnings
        ]

    def all_problems(self) -> list[ParseProblem]:
        return sorted([*self.problems, *self.warnings()], key=lambda p: (p.file, p.card, p.line))

    def career_changes(self) -> list[CareerChange]:
        """The moves this import would record (the review lists them, each can be unticked)."""
        return [e.career for e in self.career_entries() if e.action == "merge"]

    def career_entries(self) -> list[PlanEntry]:
        """Entries whose card moves a known contact's career, merged or (possible
        duplicates the user may still switch to a merge) not."""
        return [e for e in self.entries if e.career is not None and e.action != "skip"]

    def counts(self) -> dict[str, int]:
        return {
            "created": sum(e.action == "new" for e in self.entries),
            "merged": sum(e.action == "merge" for e in self.entries),
            "skipped": sum(e.action == "skip" for e in self.entries),
            "problems": len(self.all_problems()),
        }


@dataclass
class ContactState:
    """What a contact already has, to compare a draft against."""

    fields: dict[str, Any]
    credentials: str
    notes: str
    methods: set[tuple[str, str]]
    tags: set[str]
    addresses: set[tuple]
    positions: set[tuple[str, str]] = field(default_factory=set)  # current second positions


# ----------------------------------------------------------------------------- reading
def read_drafts(
    path: str | Path, progress: Progress = NO_PROGRESS, workers: int = 1, mapping=None
) -> tuple[str, Iterator[ContactDraft | ParseProblem]]:
    """(source kind, drafts) for one file, choosing the reader by extension or content."""
    from netdesk.services.capture.images import is_image_file
    from netdesk.services.importing import csv_import, vcard
    from netdesk.services.importing.textfile import check_file

    p = check_file(path)
    if is_image_file(p):
        from netdesk.services.capture.reader import read_image

        return read_image(p, progress)
    if p.suffix.lower() == ".csv":
        source, rows = csv_import.parse_csv(p, progress, mapping=mapping)
        return source, rows
    if p.suffix.lower() in VCARD_SUFFIXES:
        return "vcard", vcard.parse_vcards(p, progress, workers)
    with open(p, "rb") as fh:
        head = fh.read(4096).lstrip(b"\xef\xbb\xbf\xff\xfe\x00 \r\n\t").upper()
    if head.replace(b"\x00", b"").startswith(b"BEGIN:VCARD"):
        return "vcard", vcard.parse_vcards(p, progress, workers)
    raise InputError(
        f"{p}: not a vCard (.vcf), CSV (.csv) or picture (PNG, JPEG, HEIC, WebP); "
        "netdesk imports those."
    )


def file_hash(paths: Sequence[str | Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        with open(path, "rb") as fh:
            while chunk := fh.read(1024 * 1024):
                digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------- planning
def plan_import(
    paths: Sequence[str | Path],
    progress: Progress = NO_PROGRESS,
    workers: int = 1,
    mappings: dict[str, dict[str, str]] | None = None,
) -> ImportPlan:
    """Read every file and decide what each card becomes; writes nothing.

    Raises InputError when a file is unusable (missing, empty, not a vCard/CSV/picture,
    no cards, a picture with no contact in it), so nothing is planned from a
    half-understood input.
    """
    if not paths:
        raise InputError("No file to import.")
    plan = ImportPlan(files=[str(p) for p in paths])
    index = MatchIndex()
    sources = []
    for path in paths:
        mapping = (mappings or {}).get(str(path))
        source, results = read_drafts(path, progress, workers, mapping)
        sources.append(source)
        seen = 0
        batch: list[ContactDraft] = []
        for result in results:
            seen += 1
            if isinstance(result, ParseProblem):
                plan.problems.append(result)
                continue
            if isinstance(result, DraftGroup):
                plan.groups.append(GroupPlan(result))
                continue
            batch.append(result)
            if len(batch) >= _PLAN_BATCH:
                _plan_batch(plan, index, batch)
                batch = []
                progress.step(len(plan.entries), 0, f"Checked {len(plan.entries):,} contacts…")
        _plan_batch(plan, index, batch)
        if seen == 0:
            raise InputError(f"{path}: no cards or rows to import.")
    _apply_groups(plan)
    plan.source = "+".join(dict.fromkeys(sources))
    plan.file_hash = file_hash(paths)
    return plan


def plan_drafts(drafts: Sequence[ContactDraft], source: str, files: Sequence[str]) -> ImportPlan:
    """Plan drafts that did not come from a file (a CardDAV address book): same rules."""
    plan = ImportPlan(files=list(files), source=source)
    index = MatchIndex()
    for i in range(0, len(drafts), _PLAN_BATCH):
        _plan_batch(plan, index, list(drafts[i : i + _PLAN_BATCH]))
    return plan


def _plan_batch(plan: ImportPlan, index: MatchIndex, drafts: list[ContactDraft]) -> None:
    if not drafts:
        return
    index.prepare(drafts)
    matched = []
    for draft in drafts:  # one at a time: a card can match an earlier card of this batch
        match = index.match(draft)
        number = len(plan.entries) + len(matched)
        index.add(draft, number, match.contact_id if match and match.certain else None)
        matched.append((draft, match))
    states = load_states({m.contact_id for _, m in matched if m and m.contact_id})
    for draft, match in matched:
        if not draft.warnings:
            draft.original = ""  # only problems need the text; keeps memory flat
        if match is None:
            plan.entries.append(PlanEntry(draft, "new", "new"))
            continue
        if match.contact_id is not None:
            entry = PlanEntry(draft, "merge", "duplicate", match.reason, target_id=match.contact_id)
            compare_to = states[match.contact_id]
        else:
            entry = PlanEntry(draft, "merge", "duplicate", match.reason, target_entry=match.entry)
            compare_to = state_of_draft(plan.entries[match.entry].draft)
        _diff(entry, compare_to)
        if not match.certain:
            entry.status, entry.action = "possible", "new"
        elif not (entry.fills or entry.conflicts or entry.additions or entry.career):
            entry.status, entry.action = "identical", "skip"
        plan.entries.append(entry)
    for number in range(len(plan.entries) - len(matched), len(plan.entries)):
        _check_note(plan, number)


def _apply_groups(plan: ImportPlan) -> None:
    """Give each group's tag to its members in the same file; report the ones not found.

    The tag goes on the member drafts, so creating, merging and undoing treat it like a
    CATEGORIES tag; entries that were merges or identical are compared again.
    """
    if not plan.groups:
        return
    by_uid: dict[tuple[str, str], list[int]] = {}
    for number, entry in enumerate(plan.entries):
        if entry.draft.uid:
            by_uid.setdefault((entry.draft.file, uid_key(entry.draft.uid)), []).append(number)
    groups = {(g.group.file, uid_key(g.group.uid)) for g in plan.groups if g.group.uid}
    changed: set[int] = set()
    for group_plan in plan.groups:
        group = group_plan.group
        seen: set[tuple[str, str]] = set()
        for member in group.members:
            key = (group.file, uid_key(member))
            if key in seen or key in groups:  # a group inside a group tags its own members
                continue
            seen.add(key)
            numbers = by_uid.get(key)
            if not numbers:
                group_plan.missing.append(member)
                continue
            for number in numbers:
                group_plan.members.append(number)
                draft = plan.entries[number].draft
                if group.name.casefold() not in (t.casefold() for t in draft.tags):
                    draft.tags.append(group.name)
                    changed.add(number)
        if group_plan.missing:
            plan.problems.append(_missing_members_problem(group_plan))
    _rediff(plan, sorted(changed))


def _missing_members_problem(group_plan: GroupPlan) -> ParseProblem:
    group, missing = group_plan.group, group_plan.missing
    shown = ", ".join(missing[:3]) + (f" and {len(missing) - 3:,} more" if len(missing) > 3 else "")
    return ParseProblem(
        group.file,
        group.card,
        group.line,
        f"group {group.name!r}: {len(missing):,} member(s) are not in this file ({shown}); "
        f"the tag holds the {len(group_plan.members):,} that are. Import their cards "
        "together with the group to include them.",
    )


def _rediff(plan: ImportPlan, numbers: list[int]) -> None:
    """Compare merge entries again after their drafts gained a tag."""
    entries = [plan.entries[n] for n in numbers if plan.entries[n].action != "new"]
    states = load_states({e.target_id for e in entries if e.target_id is not None})
    for entry in entries:
        if entry.target_id is not None:
            state = states[entry.target_id]
        else:
            state = state_of_draft(plan.entries[entry.target_entry].draft)
        entry.fills, entry.conflicts, entry.additions, entry.career = {}, [], [], None
        _diff(entry, state)
        if entry.status == "identical" and (entry.additions or entry.career):
            entry.status, entry.action = "duplicate", "merge"


def _check_note(plan: ImportPlan, number: int) -> None:
    """Flag a card whose NOTE looks like patient data (redacted at commit by default)."""
    draft = plan.entries[number].draft
    if not draft.notes:
        return
    findings = find_patient_identifiers(draft.notes)
    if findings:
        kinds = tuple(dict.fromkeys(f.kind for f in findings))
        plan.privacy_warnings.append(
            PrivacyWarning(draft.file, draft.card, draft.line, kinds, number)
        )


_STATE_COLUMNS = [f for f in MERGE_FIELDS if f != "organization"]


def load_states(ids: set[int]) -> dict[int, ContactState]:
    """Bulk-load what the matched contacts already have (a few indexed queries per batch)."""
    states: dict[int, ContactState] = {}
    fields = [Contact._meta.fields[f] for f in _STATE_COLUMNS]
    columns = ", ".join(f'c."{f.column_name}"' for f in fields)
    sql = (
        f"SELECT c.id, {columns}, c.credentials, c.notes, COALESCE(o.name, '') FROM contact c "
        "LEFT JOIN organization o ON o.id = c.organization_id WHERE c.id"
    )
    for row in select_in(sql, sorted(ids)):
        values = {f.name: f.python_value(v) for f, v in zip(fields, row[1:], strict=False)}
        values["organization"] = row[-1]
        states[row[0]] = ContactState(values, row[-3], row[-2], set(), set(), set())
    sql = "SELECT contact_id, kind, normalized FROM contact_method WHERE contact_id"
    for cid, kind, norm in select_in(sql, sorted(states)):
        states[cid].methods.add((kind, norm))
    sql = "SELECT ct.contact_id, t.name FROM contact_tag ct JOIN tag t ON t.id = ct.tag_id WHERE ct.contact_id"
    for cid, name in select_in(sql, sorted(states)):
        states[cid].tags.add(name.casefold())
    sql = (
        "SELECT contact_id, street, locality, region, postal_code, country, po_box, extended "
        "FROM address WHERE contact_id"
    )
    for row in select_in(sql, sorted(states)):
        states[row[0]].addresses.add(tuple((p or "").casefold().strip() for p in row[1:]))
    sql = (
        "SELECT a.contact_id, coalesce(o.name, ''), a.title FROM affiliation a "
        "LEFT JOIN organization o ON o.id = a.organization_id "
        "WHERE NOT a.is_primary AND a.end_date IS NULL AND a.contact_id"
    )
    for cid, org, title in select_in(sql, sorted(states)):
        states[cid].positions.add(Position(org, title).key())
    return states


def _address_key(a) -> tuple:
    parts = (a.street, a.locality, a.region, a.postal_code, a.country, a.po_box, a.extended)
    return tuple(p.casefold().strip() for p in parts)


def state_of_draft(draft: ContactDraft) -> ContactState:
    return ContactState(
        {f: getattr(draft, f) for f in MERGE_FIELDS},
        draft.credentials,
        draft.notes,
        {(m.kind, normalized(m.kind, m.value)) for m in draft.methods},
        {t.casefold() for t in draft.tags},
        {a.key() for a in draft.addresses},
    )


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, str) and isinstance(b, str):
        return a.strip().casefold() == b.strip().casefold()
    return a == b


def _diff(entry: PlanEntry, state: ContactState) -> None:
    """What merging the draft into ``state`` would fill, conflict on and add."""
    draft = entry.draft
    for name in MERGE_FIELDS:
        incoming = getattr(draft, name)
        existing = state.fields.get(name)
        if incoming in (None, "", b"") or (name == "kind" and incoming == "person"):
            continue
        if existing in (None, "", b""):
            entry.fills[name] = incoming
        elif not _same(existing, incoming):
            entry.conflicts.append(FieldChoice(name, existing, incoming))
    credentials = merge_credentials(state.credentials, draft.credentials)
    if credentials != merge_credentials(state.credentials):
        entry.additions.append(f"credentials {draft.credentials}")
    if draft.notes and draft.notes.strip() not in state.notes:
        entry.additions.append("notes")
    for m in draft.methods:
        if (m.kind, normalized(m.kind, m.value)) not in state.methods:
            entry.additions.append(f"{m.kind} {m.value}")
    for t in draft.tags:
        if t.casefold() not in state.tags:
            entry.additions.append(f"tag {t}")
    for a in draft.addresses:
        if a.key() not in state.addresses:
            entry.additions.append(f"address {a.street or a.locality}".strip())
    for p in draft.affiliations:
        key = Position(p.organization, p.title).key()
        if key not in state.positions and key != _position_of(state.fields).key():
            entry.additions.append(f"position {Position(p.organization, p.title).describe()}")
    if entry.target_id is not None:
        _find_career_change(entry, state)


_POSITION_FIELDS = ("organization", "title", "department")


def _position_of(values: dict[str, Any]) -> Position:
    return Position(*(values.get(f) or "" for f in _POSITION_FIELDS))


def _find_career_change(entry: PlanEntry, state: ContactState) -> None:
    """A new title or organization is a career move: taken out of the field conflicts."""
    draft = entry.draft
    if "org" in (state.fields.get("kind"), draft.kind):
        return  # an organization's card has no career
    listed = [Position(p.organization, p.title).key() for p in draft.affiliations]
    change = detect_change(
        entry.target_id,
        draft.label(),
        _position_of(state.fields),
        _position_of({f: getattr(draft, f) for f in _POSITION_FIELDS}),
        held=state.positions,
        listed=listed,
    )
    if change is None:
        return
    entry.career = change
    entry.conflicts = [c for c in entry.conflicts if c.field not in _POSITION_FIELDS]
    for name in _POSITION_FIELDS:
        entry.fills.pop(name, None)


# ----------------------------------------------------------------------------- committing
@dataclass
class _Writer:
    """Caches and the batch being written; one per commit."""

    batch: ImportBatch
    event: Event | None
    tag: Tag | None
    orgs: dict[str, int | None] = field(default_factory=dict)
    org_names: dict[int, str] = field(default_factory=dict)  # id -> the name as stored
    tags: dict[str, int] = field(default_factory=dict)
    events: dict[tuple, int] = field(default_factory=dict)
    pending: dict[Any, list[tuple]] = field(default_factory=dict)
    last_contact_id: int | None = None
    primary_starts: list[tuple[date, int]] = field(default_factory=list)

    def next_contact_id(self) -> int:
        """Ids for new contacts, so they can be written in bulk.

        Safe because the batch row is already written: this transaction holds SQLite's
        write lock, so no other connection can insert a contact until it ends.
        """
        if self.last_contact_id is None:
            self.last_contact_id = database.execute_sql(
                'SELECT COALESCE(MAX("id"), 0) FROM "contact"'
            ).fetchone()[0]
        self.last_contact_id += 1
        return self.last_contact_id

    def insert(self, model, row: dict[str, Any]) -> int:
        """One row through a plain cursor (peewee's query builder costs more than SQLite)."""
        sql, values = _insert_sql(model, row)
        return database.execute_sql(sql, values).lastrowid

    def buffer(self, model, row: dict[str, Any]) -> None:
        """A row whose id nobody needs; written in bulk by :meth:`flush`."""
        sql, values = _insert_sql(model, row, ignore=model in (EventAttendance, ContactTag))
        self.pending.setdefault(sql, []).append(values)

    def flush(self) -> None:
        cursor = database.cursor()
        for sql, rows in self.pending.items():
            cursor.executemany(sql, rows)
        self.pending.clear()
        if self.primary_starts:  # the primary affiliation rows exist now (triggers)
            cursor.executemany(
                "UPDATE affiliation SET start_date = ? WHERE contact_id = ? AND is_primary",
                [(start.isoformat(), cid) for start, cid in self.primary_starts],
            )
            self.primary_starts.clear()

    def org_id(self, name: str) -> int | None:
        name = clean_text(name)
        if not name:
            return None
        key = name.casefold()
        if key not in self.orgs:
            org = Organization.get_or_none(Organization.name == name)
            org = org or Organization.create(name=name)
            self.orgs[key], self.org_names[org.id] = org.id, org.name
        return self.orgs[key]

    def event_id(self, event: DraftEvent) -> int:
        """An event a card says the contact was met at (X-NETDESK-EVENT), made if new."""
        key = (clean_text(event.name, 200).casefold(), event.start_date)
        if key not in self.events:
            found, created = _event(clean_text(event.name, 200), event.kind, event.start_date)
            if created:  # undo removes it again
                row = {
                    "batch": self.batch.id,
                    "action": "created_event",
                    "before": json.dumps(found.id),
                }
                self.insert(ImportChange, row)
            self.events[key] = found.id
        return self.events[key]

    def link_events(self, contact_id: int, draft: ContactDraft) -> None:
        for event in draft.events:
            if event.name.strip():
                row = {"contact": contact_id, "event": self.event_id(event)}
                self.buffer(EventAttendance, {**row, "import_batch": self.batch.id})

    def tag_id(self, name: str) -> int | None:
        name = clean_text(name, 100)
        if not name:
            return None
        key = name.casefold()
        if key not in self.tags:
            self.tags[key] = tag_named(name).id
        return self.tags[key]


_SQL_CACHE: dict[tuple, tuple[str, list]] = {}
_PLAIN = (CharField, TextField, IntegerField, AutoField)


def _insert_sql(model, row: dict[str, Any], ignore: bool = False) -> tuple[str, list]:
    """INSERT text and values for ``row`` with every other column at its model default."""
    key = (model, ignore, "id" in row)
    if key not in _SQL_CACHE:
        fields = [f for f in model._meta.sorted_fields if f.name != "id" or "id" in row]
        columns = ", ".join(f'"{f.column_name}"' for f in fields)
        marks = ", ".join("?" for _ in fields)
        verb = "INSERT OR IGNORE" if ignore else "INSERT"
        sql = f'{verb} INTO "{model._meta.table_name}" ({columns}) VALUES ({marks})'
        # text and numbers go to SQLite as they are; dates, booleans, keys through peewee
        adapt = [(f, None if type(f) in _PLAIN else f.db_value) for f in fields]
        _SQL_CACHE[key] = (sql, adapt)
    sql, adapt = _SQL_CACHE[key]
    now = utcnow()  # one timestamp per row, not one per default
    values = []
    for f, db_value in adapt:
        if f.name in row:
            value = row[f.name]
        elif f.default is utcnow:
            value = now
        elif callable(f.default):
            value = f.default()
        else:
            value = f.default
        if db_value is not None and value is not None:
            value = db_value(value)
        values.append(value)
    return sql, values


def commit_plan(
    plan: ImportPlan,
    *,
    event_name: str = "",
    event_kind: str = "conference",
    event_date: date | None = None,
    tag: str = "",
    progress: Progress = NO_PROGRESS,
    redact_notes: bool = True,
) -> ImportBatch:
    """Write the plan in one transaction as one ImportBatch; a cancel writes nothing.

    Notes flagged in ``plan.privacy_warnings``, and the card text kept with problems,
    are written redacted unless ``redact_notes`` is False (the user chose to keep
    them); the plan itself is not changed.
    """
    if event_kind not in EVENT_KINDS:
        raise InputError(f"Event kind {event_kind!r} is not one of: {', '.join(EVENT_KINDS)}.")
    event_name = clean_text(event_name, 200)
    total = len(plan.entries)
    with database.atomic():
        event, new_event = (
            _event(event_name, event_kind, event_date) if event_name else (None, False)
        )
        counts = plan.counts()
        batch = ImportBatch.create(
            file_names="\n".join(plan.files),
            file_hash=plan.file_hash,
            source=plan.source,
            event=event,
            tag=clean_text(tag, 100),
            created_count=counts["created"],
            merged_count=counts["merged"],
            skipped_count=counts["skipped"],
            problem_count=counts["problems"],
        )
        if new_event:  # so that undo can remove the event too
            ImportChange.create(batch=batch, action="created_event", before=json.dumps(event.id))
        writer = _Writer(batch, event, tag_named(tag) if clean_text(tag) else None)
        with search_triggers_suspended(database.obj):  # ~15x faster; reindexed below
            entries = _redacted_entries(plan) if redact_notes else plan.entries
            contact_ids = _write_entries(writer, entries, progress)
            reindex_contacts(database.obj, dict.fromkeys(contact_ids))
        for problem in plan.all_problems():
            ImportIssue.create(
                batch=batch,
                file=problem.file,
                card=problem.card,
                line=problem.line,
                message=problem.message,
                original=redact(problem.original) if redact_notes else problem.original,
            )
        progress.step(total, total, "Saved.")
    batch.contact_ids = list(dict.fromkeys(contact_ids))
    batch.entry_contact_ids = contact_ids  # one per plan entry, in order
    return batch


def _redacted_entries(plan: ImportPlan) -> list[PlanEntry]:
    """The plan's entries with flagged notes redacted (copies; indexes unchanged)."""
    entries = list(plan.entries)
    for warning in plan.privacy_warnings:
        entry = entries[warning.entry]
        entries[warning.entry] = replace(
            entry, draft=replace(entry.draft, notes=redact(entry.draft.notes))
        )
    return entries


def _event(name: str, kind: str, when: date | None) -> tuple[Event, bool]:
    """The event with this name and date, and whether it had to be created."""
    same_date = Event.start_date == when if when else Event.start_date.is_null()
    event = Event.get_or_none((Event.name == name) & same_date)
    if event is not None:
        return event, False
    return Event.create(name=name, kind=kind, start_date=when), True


def _write_entries(w: _Writer, entries: list[PlanEntry], progress: Progress) -> list[int]:
    """New contacts first (in bulk), then merges and skips, which may target them."""
    total = len(entries)
    ids: list[int | None] = [None] * total
    for number, entry in enumerate(entries):
        if number % 200 == 0:
            progress.step(number, total, f"Saving {number:,} of {total:,}…")
        if entry.action == "new":
            ids[number] = _create_linked(w, entry.draft)
    w.flush()
    targets: dict[int, int] = {}
    for number, entry in enumerate(entries):
        if entry.action != "new":
            targets[number] = (
                entry.target_id if entry.target_id is not None else ids[entry.target_entry]
            )
            ids[number] = targets[number]
    loaded = _load_targets(set(targets.values()))
    for number, target in targets.items():
        if number % 200 == 0:
            progress.step(number, total, f"Merging {number:,} of {total:,}…")
        if target in loaded:
            _merge_entry(w, entries[number], loaded[target])
        else:  # deleted while the user reviewed: import it as new
            ids[number] = _create_linked(w, entries[number].draft)
    w.flush()
    return [i for i in ids if i is not None]


def _create_linked(w: _Writer, draft: ContactDraft) -> int:
    contact_id = _create(w, draft)
    w.buffer(ImportChange, {"batch": w.batch.id, "contact": contact_id, "action": "created"})
    if w.event is not None:
        row = {"contact": contact_id, "event": w.event.id, "import_batch": w.batch.id}
        w.buffer(EventAttendance, row)
    if w.tag is not None:
        w.buffer(ContactTag, {"contact": contact_id, "tag": w.tag.id})
    return contact_id


@dataclass
class _Target:
    """A contact being merged into, with what it already has (kept current as we add)."""

    contact: Contact
    organization: str
    methods: set[tuple[str, str]] = field(default_factory=set)
    addresses: set[tuple] = field(default_factory=set)
    tags: set[int] = field(default_factory=set)


def _load_targets(ids: set[int]) -> dict[int, _Target]:
    out: dict[int, _Target] = {}
    id_list = sorted(ids)
    for i in range(0, len(id_list), 500):
        chunk = id_list[i : i + 500]
        query = Contact.select(Contact, Organization.name.alias("org_name")).join(
            Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id)
        )
        for contact in query.where(Contact.id.in_(chunk)).objects():
            out[contact.id] = _Target(contact, contact.org_name or "")
        methods = ContactMethod.select(
            ContactMethod.contact, ContactMethod.kind, ContactMethod.normalized
        ).where(ContactMethod.contact.in_(chunk))
        for cid, kind, norm in methods.tuples():
            out[cid].methods.add((kind, norm))
        for address in Address.select().where(Address.contact.in_(chunk)):
            out[address.contact_id].addresses.add(_address_key(address))
        pairs = ContactTag.select(ContactTag.contact, ContactTag.tag).where(
            ContactTag.contact.in_(chunk)
        )
        for cid, tag_id in pairs.tuples():
            out[cid].tags.add(tag_id)
    return out


def _merge_entry(w: _Writer, entry: PlanEntry, target: _Target) -> None:
    added: dict[str, list[int]] = {"methods": [], "addresses": [], "contact_tags": []}
    before = _merge(w, target, entry, added) if entry.action == "merge" else {}
    contact_id = target.contact.id
    if w.event is not None:
        row = {"contact": contact_id, "event": w.event.id, "import_batch": w.batch.id}
        w.buffer(EventAttendance, row)
    if w.tag is not None:
        _add_tag(w, target, w.tag.id, added)
    if entry.action == "merge" and entry.draft.affiliations:
        rows = [vars(p) for p in entry.draft.affiliations]
        if new_ids := add_affiliations(contact_id, rows):
            added["affiliations"] = new_ids
    if entry.action == "merge" and entry.career is not None and entry.career.apply:
        record = record_move(entry.career)
        w.insert(
            ImportChange,
            {
                "batch": w.batch.id,
                "contact": contact_id,
                "action": "career",
                "before": json.dumps(record),
            },
        )
    if before or any(added.values()):
        w.buffer(
            ImportChange,
            {
                "batch": w.batch.id,
                "contact": contact_id,
                "action": "merged",
                "before": json.dumps(before),
                "added": json.dumps(added),
            },
        )


def _add_tag(w: _Writer, target: _Target, tag_id: int, added: dict[str, list[int]]) -> None:
    if tag_id not in target.tags:
        target.tags.add(tag_id)
        new_id = w.insert(ContactTag, {"contact": target.contact.id, "tag": tag_id})
        added.setdefault("contact_tags", []).append(new_id)


def _create(w: _Writer, d: ContactDraft) -> int:
    row = {f: clean_text(getattr(d, f)) for f in TEXT_FIELDS}
    row.update(
        notes=clean_text(d.notes, MAX_NOTES_CHARS),
        stay_in_touch_days=d.stay_in_touch_days,
        photo=d.photo,
        birthday=d.birthday,
        anniversary=d.anniversary,
        organization=w.org_id(d.organization),
        kind=d.kind,
        sort_key=make_sort_key(row["family_name"], row["given_name"], row["display_name"]),
    )
    # written here, the trigger that keeps it finds nothing to do (models/organization_sort)
    row["organization_sort"] = w.org_names.get(row["organization"], "")
    contact_id = w.next_contact_id()
    w.buffer(Contact, {"id": contact_id, **row})
    for number, p in enumerate(d.affiliations, 1):
        position = {
            "contact": contact_id,
            "organization": w.org_id(p.organization),
            "title": clean_text(p.title),
            "department": clean_text(p.department),
            "start_date": p.start_date,
            "end_date": p.end_date,
            "position": number,
        }
        w.buffer(Affiliation, position)
    if d.position_start is not None:
        w.primary_starts.append((d.position_start, contact_id))
    _add_children(w, contact_id, d, set(), set(), {})
    for extra in extra_rows(contact_id, draft_extras(d)):
        w.buffer(VCardProperty, extra)
    w.link_events(contact_id, d)
    return contact_id


def _add_children(
    w: _Writer,
    contact_id: int,
    d: ContactDraft,
    have_methods: set,
    have_addresses: set,
    added: dict,
    *,
    target: "_Target | None" = None,
) -> None:
    """Methods, addresses and tags the contact does not have yet (all of them when new).

    On a new contact the first method of each kind is preferred unless the card
    marked one, and rows are written in bulk (they go with the contact on undo); a
    merge never changes which method is preferred and records every id it adds.
    """
    merging = target is not None
    marked = {m.kind for m in d.methods if m.preferred}
    seen_kinds: set[str] = set()
    rows: list[tuple[Any, dict[str, Any], str]] = []
    for m in d.methods:
        value = clean_text(m.value)
        norm = normalized(m.kind, value)
        if not value or (m.kind, norm) in have_methods:
            continue
        have_methods.add((m.kind, norm))
        preferred = m.preferred if m.kind in marked else m.kind not in seen_kinds
        seen_kinds.add(m.kind)
        row = {
            "contact": contact_id,
            "kind": m.kind,
            "value": value,
            "label": clean_text(m.label, 100),
            "normalized": norm,
            "preferred": preferred and not merging,
        }
        rows.append((ContactMethod, row, "methods"))
    for a in d.addresses:
        if a.key() in have_addresses:
            continue
        have_addresses.add(a.key())
        row = {"contact": contact_id, "label": clean_text(a.label, 100)}
        for name in ADDRESS_FIELDS[1:]:  # the label is clipped above
            row[name] = clean_text(getattr(a, name))
        rows.append((Address, row, "addresses"))
    for model, row, key in rows:
        if merging:
            added.setdefault(key, []).append(w.insert(model, row))
        else:
            w.buffer(model, row)
    for t in d.tags:
        tag_id = w.tag_id(t)
        if tag_id is None:
            continue
        if target is not None:
            _add_tag(w, target, tag_id, added)
        else:
            w.buffer(ContactTag, {"contact": contact_id, "tag": tag_id})


def _merge(w: _Writer, target: _Target, entry: PlanEntry, added: dict) -> dict[str, Any]:
    """Fill empty fields, add what is new, overwrite only fields the user chose."""
    d, contact = entry.draft, target.contact
    before: dict[str, Any] = {}
    chosen = {c.field for c in entry.conflicts if c.use_incoming}
    changes: dict[str, Any] = dict(entry.fills)
    changes.update({c.field: c.incoming for c in entry.conflicts if c.use_incoming})
    for name, value in changes.items():
        current = target.organization if name == "organization" else getattr(contact, name)
        if current not in (None, "", b"") and name not in chosen:
            continue  # filled since the plan was made: never overwrite
        before[name] = _jsonable(current)
        if name == "organization":
            contact.organization = w.org_id(value)
            target.organization = clean_text(value)
        elif name in ("photo", "birthday", "anniversary", "stay_in_touch_days"):
            setattr(contact, name, value)
        else:
            setattr(contact, name, clean_text(value))
    credentials = merge_credentials(contact.credentials, d.credentials)
    if credentials != contact.credentials:
        before["credentials"] = contact.credentials
        contact.credentials = credentials
    if d.notes and d.notes.strip() not in contact.notes:
        before["notes"] = contact.notes
        joined = f"{contact.notes}\n\n{d.notes}" if contact.notes else d.notes
        contact.notes = clean_text(joined, MAX_NOTES_CHARS)
    if before:
        changed = {name: getattr(contact, name) for name in before if name != "organization"}
        if "organization" in before:
            changed["organization"] = contact.organization_id
        changed["updated_at"] = utcnow()
        changed["sort_key"] = make_sort_key(
            contact.family_name, contact.given_name, contact.display_name
        )
        Contact.update(changed).where(Contact.id == contact.id).execute()
    _add_children(w, contact.id, d, target.methods, target.addresses, added, target=target)
    kept = add_extras(contact.id, draft_extras(d))
    if kept:
        added["vcard_properties"] = kept
    w.link_events(contact.id, d)
    return before


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"base64": base64.b64encode(value).decode("ascii")}
    if isinstance(value, date):
        return value.isoformat()
    return value


def _from_json(name: str, value: Any) -> Any:
    if isinstance(value, dict) and "base64" in value:
        return base64.b64decode(value["base64"])
    if name in ("birthday", "anniversary") and value:
        return date.fromisoformat(value)
    return value


# ----------------------------------------------------------------------------- undoing
def describe_undo(batch_id: int) -> str:
    """What undoing a batch will do, in words, for the confirmation dialog."""
    batch = _batch(batch_id)
    created = batch.changes.where(
        ImportChange.action == "created", ImportChange.contact.is_null(False)
    ).count()
    merged = batch.changes.where(ImportChange.action == "merged").count()
    history = (
        Interaction.select()
        .join(ImportChange, on=(Interaction.contact == ImportChange.contact))
        .where((ImportChange.batch == batch) & (ImportChange.action == "created"))
        .count()
    )
    text = (
        f"Undoing this import removes the {created:,} contact(s) it created and reverts the "
        f"{merged:,} contact(s) it merged into (their earlier values come back, the emails, "
        f"phones, addresses and tags it added are removed). The 'met at' links it made are "
        "removed too."
    )
    if history:
        text += f" {history:,} timeline entries added since to the created contacts go with them."
    careers = batch.changes.where(ImportChange.action == "career").count()
    if careers:
        text += (
            f" The {careers:,} career change(s) it recorded are taken back: their milestones "
            "and congratulate follow-ups are removed and the earlier positions are primary again."
        )
    return text


def _batch(batch_id: int) -> ImportBatch:
    batch = ImportBatch.get_or_none(ImportBatch.id == batch_id)
    if batch is None:
        raise NotFound(f"No import batch {batch_id} (see 'netdesk imports').")
    return batch


def undo_import(batch_id: int) -> dict[str, int]:
    """Remove what the batch created and revert what it merged, in one transaction."""
    batch = _batch(batch_id)
    if batch.undone_at is not None:
        raise UserError(
            f"Import batch {batch_id} was already undone on {batch.undone_at:%Y-%m-%d %H:%M} UTC."
        )
    removed = reverted = 0
    with database.atomic():
        changes = list(batch.changes.order_by(ImportChange.id.desc()))
        for change in changes:
            if change.contact_id is None:
                continue
            if change.action == "merged":
                _revert(change)
                reverted += 1
            elif change.action == "career":
                undo_recorded_move(json.loads(change.before))
        created = [c.contact_id for c in changes if c.action == "created" and c.contact_id]
        for i in range(0, len(created), 500):
            removed += Contact.delete().where(Contact.id.in_(created[i : i + 500])).execute()
        EventAttendance.delete().where(EventAttendance.import_batch == batch).execute()
        for change in changes:
            if change.action == "created_event":
                _drop_event_if_unused(batch, json.loads(change.before))
        # an update, not save(): the row's event may just have been removed (SET NULL)
        ImportBatch.update(undone_at=utcnow()).where(ImportBatch.id == batch.id).execute()
    return {"removed": removed, "reverted": reverted}


def _revert(change: ImportChange) -> None:
    added = json.loads(change.added or "{}")
    for model, key in (
        (ContactMethod, "methods"),
        (Address, "addresses"),
        (ContactTag, "contact_tags"),
        (VCardProperty, "vcard_properties"),
        (Affiliation, "affiliations"),
    ):
        ids = added.get(key) or []
        if ids:
            model.delete().where(model.id.in_(ids)).execute()
    before = json.loads(change.before or "{}")
    if not before:
        return
    contact = Contact.get_or_none(Contact.id == change.contact_id)
    if contact is None:
        return
    for name, value in before.items():
        if name == "updated_at":
            continue
        if name == "organization":
            contact.organization = (
                Organization.get_or_none(Organization.name == value) if value else None
            )
        else:
            setattr(contact, name, _from_json(name, value))
    contact.save()


def _drop_event_if_unused(batch: ImportBatch, event_id: int) -> None:
    """Remove the event this batch created, unless something else refers to it now."""
    used = (
        EventAttendance.select().where(EventAttendance.event == event_id).exists()
        or ImportBatch.select()
        .where((ImportBatch.event == event_id) & (ImportBatch.id != batch.id))
        .exists()
        or Interaction.select().where(Interaction.event == event_id).exists()
    )
    if not used:
        Event.delete().where(Event.id == event_id).execute()


def list_batches() -> list[dict[str, Any]]:
    """Every import, newest first, as the CLI prints it and the Imports view shows it."""
    out = []
    for b in ImportBatch.select().order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc()):
        out.append(
            {
                "id": b.id,
                "files": [f for f in b.file_names.split("\n") if f],
                "source": b.source,
                "event": b.event.name if b.event_id else "",
                "tag": b.tag,
                "created_at": b.created_at.isoformat(timespec="seconds"),
                "created": b.created_count,
                "merged": b.merged_count,
                "skipped": b.skipped_count,
                "problems": b.problem_count,
                "undone_at": b.undone_at.isoformat(timespec="seconds") if b.undone_at else None,
            }
        )
    return out


def batch_problems(batch_id: int) -> list[dict[str, Any]]:
    batch = _batch(batch_id)
    return [
        {
            "file": i.file,
            "card": i.card,
            "line": i.line,
            "message": i.message,
            "original": i.original,
        }
        for i in batch.issues.order_by(ImportIssue.id)
    ]
