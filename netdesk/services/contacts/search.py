"""Finding contacts: type-ahead full-text search plus tag/role/event filters.

Search goes through the FTS5 index (accents and case ignored, every word a prefix),
so it costs the same at 100 contacts and at 100,000. Listing returns a Peewee query
that the GUI pages through and the CLI prints.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from peewee import JOIN, SQL, BareField, IntegerField, NodeList, Select, Tuple, fn

from netdesk.models import (
    Affiliation,
    BaseModel,
    Contact,
    ContactTag,
    EventAttendance,
    Organization,
    Tag,
)

_LAST_CONTACT = fn.COALESCE(Contact.last_interaction_at, SQL("''"))
SORTS = {
    "name": (Contact.sort_key, Contact.id),
    "organization": (Contact.organization_sort, Contact.sort_key, Contact.id),
    "role": (Contact.role, Contact.sort_key, Contact.id),
    # never contacted: '' (a key that is never NULL), the expression the index is on
    "last_contact": (_LAST_CONTACT, Contact.sort_key, Contact.id),
    "updated": (Contact.updated_at, Contact.id),
}
# Sorts whose keys are never NULL and end in the id: the next page seeks past the
# previous page's last key (keyset paging) instead of skipping rows.
KEYSET_SORTS = frozenset({"name", "organization", "role", "last_contact", "updated"})


def sort_columns(f: "ContactFilter") -> tuple:
    """The columns ``f`` sorts by; select them to page with ``after``."""
    return SORTS.get(f.sort, SORTS["name"])


_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8


def fts_expression(text: str) -> str | None:
    """User text -> an FTS5 MATCH expression that can never be a syntax error.

    A lone letter matches names only: as a prefix of every organisation, title and
    email word it would match most of the database and tell the user nothing.
    (The contact list goes further, see :func:`initial_letter`.)
    """
    words = _WORD.findall(text)[:MAX_QUERY_WORDS]
    if not words:
        return None
    expression = " AND ".join(f'"{w[:64]}"*' for w in words)
    if len(words) == 1 and len(words[0]) == 1:
        return f"name : {expression}"
    return expression


def initial_letter(text: str) -> str | None:
    """The letter when the search is a single letter, else None.

    A single letter lists the people whose family name (sort key) starts with it,
    like the letter tabs of an address book. That is a range of the sort-key index:
    already in name order, so instant even when it is a fifth of 100,000 contacts.
    """
    words = _WORD.findall(text)
    if len(words) == 1 and len(words[0]) == 1 and words[0].isalpha():
        return words[0].casefold()
    return None


@functools.cache
def _letter_variants(letter: str) -> tuple[str, ...]:
    """The letter and its accented Latin forms: "a" -> a, à, á, â, ã, ä, å, ā, ..."""
    found = [letter]
    for code in range(0x00C0, 0x0250):
        char = chr(code)
        base = unicodedata.normalize("NFKD", char)[0]
        if char == char.casefold() and base == letter and char != letter:
            found.append(char)
    return tuple(found)


_FIRST_NON_ASCII = "\u00c0"


def _initial_condition(letter: str) -> tuple[Any, bool]:
    """Sort key starts with the letter or an accented form of it; and whether to walk.

    Accented initials sort after "z" (the key compares by code point), so the rows are
    one range of the index for the letter plus a check on the few non-ASCII initials.
    """
    within = (Contact.sort_key >= letter) & (Contact.sort_key < chr(ord(letter) + 1))
    variants = _letter_variants(letter)[1:]
    if not variants:
        return within, True
    accented = (Contact.sort_key >= _FIRST_NON_ASCII) & fn.substr(Contact.sort_key, 1, 1).in_(
        variants
    )
    plain_rows = Contact.select(SQL("1")).where(within).limit(_WALK_FROM_LETTER)
    if Contact.select(fn.COUNT(SQL("*"))).from_(plain_rows.alias("r")).scalar() < _WALK_FROM_LETTER:
        return within | accented, False  # few rows: read the two ranges, then sort
    # Many: walk the index from the letter; the first pages come from the plain range.
    return (Contact.sort_key >= letter) & (within | accented), True


# With at least this many family names on a letter, the list walks the index from it.
_WALK_FROM_LETTER = 1_000


class _SearchIndex(BaseModel):
    """The FTS5 table, only so queries can join it (it is written by triggers)."""

    rowid = IntegerField(column_name="rowid", primary_key=True)
    match = BareField(column_name="contact_search")  # FTS5's hidden "table" column

    class Meta:
        table_name = "contact_search"


@dataclass(frozen=True)
class ContactFilter:
    search: str = ""
    tag: str = ""
    role: str = ""
    kind: str = ""  # "person", "org" or "" for both
    event_id: int | None = None
    organization: str = ""  # everyone holding a current position there (any, not only primary)
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


def contact_query(
    f: ContactFilter = ContactFilter(), columns=None, *, walk_sort_index: bool = False
) -> Select:
    """Contacts matching ``f``, sorted; select ``columns`` (default: the Contact row).

    A search normally drives the query from the index's matches (then sorts them);
    ``walk_sort_index`` instead walks contacts in sort order and keeps the matching
    ones, which stops early when matches are dense (see :func:`contact_page`).
    """
    query = Contact.select(*(columns or [Contact])).join(
        Organization, join_type=JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id)
    )
    if not f.include_archived:
        query = query.where(~Contact.archived)
    expression = fts_expression(f.search)
    letter = initial_letter(f.search)
    order = _order(f)
    if letter:
        condition, walk_letter = _initial_condition(letter)
        query = query.where(condition)
        if not walk_letter and f.sort == "name":  # sort the few rows, don't walk the index
            key = Contact.sort_key.concat("")
            order = [key.desc() if f.descending else key.asc(), *order[1:]]
    elif expression and walk_sort_index:
        # "+ 0" keeps SQLite from turning the IN list into rowid lookups (and a sort).
        query = query.where((Contact.id + 0).in_(_matching_rowids(expression)))
    elif expression:
        query = query.switch(Contact).join(_SearchIndex, on=(_SearchIndex.rowid == Contact.id))
        query = query.where(_match(expression))
    elif f.search.strip():
        query = query.where(SQL("0"))
    if f.tag:
        query = query.where(
            Contact.id.in_(ContactTag.select(ContactTag.contact).join(Tag).where(Tag.name == f.tag))
        )
    if f.role:
        query = query.where(Contact.role == f.role)
    if f.kind:
        query = query.where(Contact.kind == f.kind)
    if f.organization.strip():
        query = query.where(Contact.id.in_(_holding_position_at(f.organization.strip())))
    if f.event_id is not None:
        query = query.where(
            Contact.id.in_(
                EventAttendance.select(EventAttendance.contact).where(
                    EventAttendance.event == f.event_id
                )
            )
        )
    return query.order_by(*order)


def _holding_position_at(name: str) -> Select:
    """Contacts with a position at the organization ``name`` that has not ended."""
    org = Organization.select(Organization.id).where(Organization.name == name)
    return Affiliation.select(Affiliation.contact).where(
        Affiliation.organization.in_(org) & Affiliation.end_date.is_null()
    )


def _match(expression: str):
    return NodeList((_SearchIndex.match, SQL("MATCH ?", [expression])))


def _matching_rowids(expression: str) -> Select:
    return _SearchIndex.select(_SearchIndex.rowid).where(_match(expression))


def count_index_matches(text: str, cap: int) -> int:
    """Matches of ``text`` in the search index alone (archived too), counted up to ``cap``."""
    expression = fts_expression(text)
    if not expression:
        return 0
    capped = _matching_rowids(expression).limit(cap + 1)
    return _SearchIndex.select(fn.COUNT(SQL("*"))).from_(capped.alias("m")).scalar() or 0


def _order(f: ContactFilter) -> list:
    return [k.desc() if f.descending else k.asc() for k in sort_columns(f)]


# A search with more index matches than this walks the name order instead of sorting.
DENSE_MATCHES = 6_000


def contact_page(
    f: ContactFilter,
    columns,
    offset: int,
    limit: int,
    after: tuple | None = None,
    index_matches: int | None = None,
) -> Select:
    """One page of :func:`contact_query`, planned for type-ahead and scrolling speed.

    Ids are sorted first and the wide display columns read for the page's rows only
    ("late row lookup"). When a short prefix matches thousands of contacts, sorting
    them all costs ~1 µs each while walking the name index stops after a few hundred
    rows, so dense searches sorted by name walk the index; sparse ones sort. In name
    order, ``after`` = the previous page's last (sort_key, id) seeks straight to the
    next page (keyset paging) instead of skipping ``offset`` rows; so do the other
    :data:`KEYSET_SORTS`, with ``after`` = the last row's :func:`sort_columns`. ``index_matches``
    is :attr:`ListCount.index_matches`, so that paging does not count again.
    """
    if index_matches is None:
        index_matches = plan_matches(f)
    walk = index_matches is not None and index_matches > DENSE_MATCHES
    ids = _page_ids(f, limit, offset, after, walk=walk)
    return (
        Contact.select(*columns)
        .join(Organization, JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id))
        .where(Contact.id.in_(ids))
        .order_by(*_order(f))
    )


def _page_ids(f: ContactFilter, limit: int, offset: int, after: tuple | None, *, walk: bool):
    ids = contact_query(f, [Contact.id], walk_sort_index=walk).limit(limit)
    if after is not None and f.sort in KEYSET_SORTS:
        columns = sort_columns(f)
        key = Tuple(*columns)
        # The redundant first-column bound lets SQLite seek an expression index too.
        if f.descending:
            return ids.where((key < Tuple(*after)) & (columns[0] <= after[0]))
        return ids.where((key > Tuple(*after)) & (columns[0] >= after[0]))
    return ids.offset(offset)


def plan_matches(f: ContactFilter) -> int | None:
    """The index matches :func:`contact_page` plans with, counted up to DENSE_MATCHES + 1.

    None when its plan does not depend on them (no search, a letter, another sort), so
    a list counts them once per search instead of once per page.
    """
    if f.sort == "name" and fts_expression(f.search) and not initial_letter(f.search):
        return count_index_matches(f.search, DENSE_MATCHES)
    return None


@dataclass(frozen=True)
class ListCount:
    total: int  # capped: at most cap + 1
    exact: bool
    index_matches: int | None  # a search's index matches, counted up to DENSE_MATCHES + 1


def count_for_list(f: ContactFilter, cap: int) -> ListCount:
    """What a list needs per keystroke: a capped count, and how dense the search is.

    With no other filter and nothing archived to leave out (the usual case), the
    index's own count is the answer, which saves a join over every match.
    """
    if not f.search.strip():
        return ListCount(count_matching(f), True, None)
    index_matches = None
    if fts_expression(f.search) and not initial_letter(f.search):
        index_matches = count_index_matches(f.search, max(cap, DENSE_MATCHES))
        unfiltered = not f.tag and not f.role and not f.kind and f.event_id is None
        if unfiltered and (f.include_archived or not _any_archived()):
            return ListCount(min(index_matches, cap + 1), index_matches <= cap, index_matches)
    total = count_matching(f, cap)
    return ListCount(total, total <= cap, index_matches)


def _any_archived() -> bool:
    return Contact.select(Contact.id).where(Contact.archived == True).limit(1).exists()  # noqa: E712 (indexable)


def count_matching(f: ContactFilter = ContactFilter(), cap: int | None = None) -> int:
    """How many contacts match ``f``; with ``cap``, stops counting past ``cap``.

    A capped count lets type-ahead say "2,000+" at once instead of counting 100,000
    matches of a short prefix.
    """
    query = contact_query(f, [Contact.id]).order_by()
    if cap is not None:
        query = query.limit(cap + 1)
    return Contact.select(fn.COUNT(SQL("*"))).from_(query.alias("matches")).scalar() or 0


def search_contacts(text: str, limit: int = 50) -> list[Contact]:
    return list(contact_query(ContactFilter(search=text)).limit(limit))
