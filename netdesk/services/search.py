"""Finding contacts: type-ahead full-text search plus tag/role/event filters.

Search goes through the FTS5 index (accents and case ignored, every word a prefix),
so it costs the same at 100 contacts and at 100,000. Listing returns a Peewee query
that the GUI pages through and the CLI prints.
"""

import re
from dataclasses import dataclass

from peewee import JOIN, SQL, Select

from netdesk.models import Contact, ContactTag, EventAttendance, Organization, Tag

SORTS = {
    "name": (Contact.sort_key, Contact.id),
    "organization": (Organization.name, Contact.sort_key),
    "role": (Contact.role, Contact.sort_key),
    "last_contact": (Contact.last_interaction_at, Contact.sort_key),
    "updated": (Contact.updated_at, Contact.id),
}
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_QUERY_WORDS = 8


def fts_expression(text: str) -> str | None:
    """User text -> an FTS5 MATCH expression that can never be a syntax error."""
    words = _WORD.findall(text)[:MAX_QUERY_WORDS]
    if not words:
        return None
    return " AND ".join(f'"{w[:64]}"*' for w in words)


@dataclass(frozen=True)
class ContactFilter:
    search: str = ""
    tag: str = ""
    role: str = ""
    event_id: int | None = None
    include_archived: bool = False
    sort: str = "name"
    descending: bool = False


def contact_query(f: ContactFilter = ContactFilter(), columns=None) -> Select:
    """Contacts matching ``f``, sorted; select ``columns`` (default: the Contact row)."""
    query = Contact.select(*(columns or [Contact])).join(
        Organization, join_type=JOIN.LEFT_OUTER, on=(Contact.organization == Organization.id)
    )
    if not f.include_archived:
        query = query.where(~Contact.archived)
    expression = fts_expression(f.search)
    if expression:
        query = query.where(
            Contact.id.in_(
                SQL("(SELECT rowid FROM contact_search WHERE contact_search MATCH ?)", [expression])
            )
        )
    elif f.search.strip():
        query = query.where(SQL("0"))
    if f.tag:
        query = query.where(
            Contact.id.in_(ContactTag.select(ContactTag.contact).join(Tag).where(Tag.name == f.tag))
        )
    if f.role:
        query = query.where(Contact.role == f.role)
    if f.event_id is not None:
        query = query.where(
            Contact.id.in_(
                EventAttendance.select(EventAttendance.contact).where(
                    EventAttendance.event == f.event_id
                )
            )
        )
    keys = SORTS.get(f.sort, SORTS["name"])
    return query.order_by(*[k.desc() if f.descending else k.asc() for k in keys])


def search_contacts(text: str, limit: int = 50) -> list[Contact]:
    return list(contact_query(ContactFilter(search=text)).limit(limit))
