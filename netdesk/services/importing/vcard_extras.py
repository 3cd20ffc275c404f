"""The vCard properties netdesk keeps without modelling them (see models.VCardProperty).

The importer stores them with a contact, the exporter writes them back: whole lines
exactly as received, and the unknown parameters of a modelled property on the line
netdesk writes for it. Which modelled property a parameter set belongs to is its
*target*: ``email:<normalized>``, ``phone:<E.164>``, ``ADR:<parts>``, or a property
name for the properties a card has once (FN, N, PHOTO, …).
"""

from collections.abc import Iterable

from netdesk.models import VCardProperty, database
from netdesk.services.importing.dedupe import normalized
from netdesk.services.importing.drafts import ContactDraft, DraftExtra


def method_target(kind: str, norm: str) -> str:
    return f"{kind}:{norm}"


def address_target(key: Iterable[str]) -> str:
    """``key`` as DraftAddress.key() / the importer's address key give it."""
    return "ADR:" + "|".join(key)


def draft_extras(draft: ContactDraft) -> list[DraftExtra]:
    """Every kept line and parameter set of a draft, parameters of methods included."""
    out = list(draft.extras)
    for m in draft.methods:
        if m.params:
            target = method_target(m.kind, normalized(m.kind, m.value.strip()))
            out.append(DraftExtra(m.params, m.kind.upper(), "", target))
    for a in draft.addresses:
        if a.params:
            out.append(DraftExtra(a.params, "ADR", "", address_target(a.key())))
    return out


def extra_rows(contact_id: int, extras: Iterable[DraftExtra], first: int = 0) -> list[dict]:
    return [
        {
            "contact": contact_id,
            "position": first + i,
            "target": e.target[:255],
            "name": e.name[:100],
            "group": e.group[:100],
            "text": e.text,
        }
        for i, e in enumerate(extras)
    ]


def add_extras(contact_id: int, extras: Iterable[DraftExtra]) -> list[int]:
    """Add what the contact does not keep yet (merges); returns the new rows' ids."""
    have = {
        (t, x)
        for t, x in VCardProperty.select(VCardProperty.target, VCardProperty.text)
        .where(VCardProperty.contact == contact_id)
        .tuples()
    }
    last = (
        VCardProperty.select(VCardProperty.position)
        .where(VCardProperty.contact == contact_id)
        .order_by(VCardProperty.position.desc())
        .scalar()
    )
    new = [e for e in extras if (e.target, e.text) not in have]
    ids = []
    for row in extra_rows(contact_id, new, (last or 0) + 1):
        ids.append(VCardProperty.insert(row).execute())
    return ids


def replace_extras(contact_id: int, extras: Iterable[DraftExtra]) -> None:
    """The contact keeps exactly ``extras`` (a card from the server is the truth for them)."""
    with database.atomic():
        VCardProperty.delete().where(VCardProperty.contact == contact_id).execute()
        rows = extra_rows(contact_id, extras)
        if rows:
            VCardProperty.insert_many(rows).execute()


def contact_extras(contact_id: int) -> tuple[list[str], dict[str, str]]:
    """(whole lines in order, parameters by target) for the exporter."""
    lines: list[str] = []
    params: dict[str, str] = {}
    query = (
        VCardProperty.select(VCardProperty.target, VCardProperty.text)
        .where(VCardProperty.contact == contact_id)
        .order_by(VCardProperty.position, VCardProperty.id)
        .tuples()
    )
    for target, text in query:
        if target:
            params.setdefault(target, text)
        else:
            lines.append(text)
    return lines, params
