"""Finding the contact a draft duplicates: in the database and earlier in the same file.

Certain duplicates share a normalised email or phone (E.164) or the vCard UID; those
are looked up a batch of drafts at a time through the (kind, normalized) and uid
indexes. Possible duplicates have a similar name *and* organization (rapidfuzz);
candidates come from an in-memory index blocked by family name + first initial,
built once per import, so no card ever scans the contact table.
"""

import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from netdesk.models import database
from netdesk.services.contacts.normalize import normalize_method
from netdesk.services.importing.drafts import ContactDraft

NAME_THRESHOLD = 90
ORG_THRESHOLD = 85
SAME_PERSON_THRESHOLD = 60  # below this, a shared email/phone is not proof
_LOOKUP_CHUNK = 500  # SQLite parameter lists stay well below the limit
MATCH_KINDS = ("email", "phone")


@dataclass
class Match:
    """What a draft duplicates: an existing contact id or an earlier plan entry."""

    contact_id: int | None
    entry: int | None
    certain: bool
    reason: str


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Accent- and case-insensitive form used for name and organization comparison."""
    if text.isascii():
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join(
        "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split()
    )


def _block(given: str, family: str) -> str:
    return f"{fold(family)}|{fold(given)[:1]}"


@lru_cache(maxsize=200_000)
def normalized(kind: str, value: str) -> str:
    """normalize_method, remembered: phone parsing is the costly part of an import."""
    return normalize_method(kind, value)


def draft_keys(draft: ContactDraft) -> list[tuple[str, str]]:
    """(kind, normalized) pairs a draft can be matched on."""
    keys = []
    for m in draft.methods:
        if m.kind in MATCH_KINDS:
            norm = normalized(m.kind, m.value)
            if norm and (m.kind != "phone" or len(norm) >= 7):
                keys.append((m.kind, norm))
    return keys


class MatchIndex:
    """Lookups for one import; feed drafts in batches with :meth:`prepare` first."""

    def __init__(self, name_threshold: int = NAME_THRESHOLD, org_threshold: int = ORG_THRESHOLD):
        self.name_threshold = name_threshold
        self.org_threshold = org_threshold
        self._db_methods: dict[tuple[str, str], int] = {}
        self._db_uids: dict[str, int] = {}
        self._file_methods: dict[tuple[str, str], int] = {}
        self._file_uids: dict[str, int] = {}
        self._names: dict[str, dict[tuple[str, str], list[tuple[int | None, int | None]]]] | None
        self._names = None
        self._keys: dict[int, list[tuple[str, str]]] = {}
        self._db_names: dict[int, str] = {}
        self._file_names: dict[int, str] = {}

    # -- certain matches, batched indexed lookups
    def prepare(self, drafts: Iterable[ContactDraft]) -> None:
        by_kind: dict[str, set[str]] = defaultdict(set)
        uids: set[str] = set()
        for draft in drafts:
            keys = draft_keys(draft)
            self._keys[id(draft)] = keys
            for kind, normalized in keys:
                if (kind, normalized) not in self._db_methods:
                    by_kind[kind].add(normalized)
            if draft.uid and draft.uid not in self._db_uids:
                uids.add(draft.uid)
        for kind, values in by_kind.items():
            sql = "SELECT normalized, contact_id FROM contact_method WHERE kind = ? AND normalized"
            for norm, contact_id in select_in(sql, sorted(values), (kind,)):
                self._db_methods.setdefault((kind, norm), contact_id)
        for uid, contact_id in select_in("SELECT uid, id FROM contact WHERE uid", sorted(uids)):
            self._db_uids.setdefault(uid, contact_id)
        unnamed = [
            i
            for i in {*self._db_methods.values(), *self._db_uids.values()}
            if i not in self._db_names
        ]
        sql = "SELECT id, display_name, given_name, family_name FROM contact WHERE id"
        for contact_id, display, given, family in select_in(sql, unnamed):
            self._db_names[contact_id] = _person(display, given, family)

    def match(self, draft: ContactDraft) -> Match | None:
        """Certain match by UID/email/phone, unless the names clearly differ (a shared
        hospital main line or info@ address): then only a possible one."""
        keys = self._keys.get(id(draft)) or draft_keys(draft)
        candidates: list[Match] = []
        if draft.uid and draft.uid in self._db_uids:
            candidates.append(Match(self._db_uids[draft.uid], None, True, "same UID"))
        for key in keys:
            if key in self._db_methods:
                reason = f"same {key[0]} {key[1]}"
                candidates.append(Match(self._db_methods[key], None, True, reason))
        if draft.uid and draft.uid in self._file_uids:
            reason = "same UID earlier in the import"
            candidates.append(Match(None, self._file_uids[draft.uid], True, reason))
        for key in keys:
            if key in self._file_methods:
                reason = f"same {key[0]} {key[1]} earlier in the import"
                candidates.append(Match(None, self._file_methods[key], True, reason))
        name = _person(draft.display_name, draft.given_name, draft.family_name)
        for candidate in candidates:
            if candidate.entry is None:
                other = self._db_names.get(candidate.contact_id, "")
            else:
                other = self._file_names.get(candidate.entry, "")
            if candidate.reason.startswith("same UID") or _names_agree(name, other):
                return candidate
        if candidates:
            first = candidates[0]
            first.certain = False
            first.reason += " but a different name"
            return first
        return self._fuzzy(draft)

    def add(self, draft: ContactDraft, entry: int, contact_id: int | None = None) -> None:
        """Remember an entry so that later cards of the same import can match it."""
        self._file_names[entry] = _person(draft.display_name, draft.given_name, draft.family_name)
        for key in self._keys.pop(id(draft), None) or draft_keys(draft):
            self._file_methods.setdefault(key, entry)
        if draft.uid:
            self._file_uids.setdefault(draft.uid, entry)
        if contact_id is None and (draft.given_name or draft.family_name):
            self._remember_name(
                draft.given_name, draft.family_name, draft.organization, (None, entry)
            )

    # -- possible matches, fuzzy over a blocked in-memory name index
    def _remember_name(self, given: str, family: str, org: str, target: tuple) -> None:
        """block (last name + first initial) -> full name -> organization -> targets."""
        names = self._names if self._names is not None else self._name_index()
        by_name = names.setdefault(_block(given, family), {})
        by_org = by_name.setdefault(fold(f"{given} {family}"), {})
        by_org.setdefault(fold(org or ""), []).append(target)

    def _name_index(self):
        """Built once per import from one query over contact names (not once per card)."""
        if self._names is None:
            self._names = {}
            sql = (
                "SELECT c.id, c.given_name, c.family_name, COALESCE(o.name, '') FROM contact c "
                "LEFT JOIN organization o ON o.id = c.organization_id "
                "WHERE c.given_name != '' OR c.family_name != ''"
            )
            for contact_id, given, family, org in database.execute_sql(sql):
                self._remember_name(given, family, org, (contact_id, None))
        return self._names

    def _fuzzy(self, draft: ContactDraft) -> Match | None:
        if not (draft.given_name or draft.family_name):
            return None
        block = self._name_index().get(_block(draft.given_name, draft.family_name))
        if not block:
            return None
        name = fold(f"{draft.given_name} {draft.family_name}")
        org = fold(draft.organization)
        best, best_score = None, 0.0
        for other_name, by_org in block.items():
            name_score = fuzz.ratio(name, other_name, score_cutoff=self.name_threshold)
            if not name_score:
                continue
            if not org:  # without organizations only an exact name counts, and only alone
                if name_score == 100 and "" in by_org and best_score < 100:
                    best, best_score = by_org[""][0], 100.0
                continue
            for other_org, targets in by_org.items():
                if not other_org:
                    continue
                org_score = fuzz.token_set_ratio(org, other_org, score_cutoff=self.org_threshold)
                score = (name_score + org_score) / 2 if org_score else 0
                if score > best_score:
                    best, best_score = targets[0], score
        if best is None:
            return None
        return Match(best[0], best[1], False, f"similar name and organization ({best_score:.0f}%)")


def _person(display: str, given: str, family: str) -> str:
    return fold(f"{given} {family}".strip() or display)


def _names_agree(a: str, b: str) -> bool:
    """Same person as far as names tell: either side nameless, or similar names."""
    return not a or not b or fuzz.token_set_ratio(a, b) >= SAME_PERSON_THRESHOLD


def select_in(sql: str, values: list, params: tuple = ()) -> Iterator[tuple]:
    """Rows of ``sql + " IN (...)"`` for any number of values, 500 at a time.

    Plain SQL because building long IN lists through peewee costs more than the
    indexed lookup itself.
    """
    for chunk in _chunks(list(values)):
        marks = ", ".join("?" for _ in chunk)
        yield from database.execute_sql(f"{sql} IN ({marks})", [*params, *chunk])


def _chunks(values: list[str]) -> Iterable[list[str]]:
    for i in range(0, len(values), _LOOKUP_CHUNK):
        yield values[i : i + _LOOKUP_CHUNK]
