"""The relationship timeline: logging interactions and keeping last_interaction_at true."""

from datetime import datetime

from peewee import fn

from netdesk.errors import InputError
from netdesk.models import CHANNELS, Contact, Interaction, database, utcnow
from netdesk.services.contacts import MAX_NOTES_CHARS, clean_text

# Kinds that mean "we were in touch" (a milestone of theirs is not a conversation).
CONTACT_KINDS = ("interaction", "resource")


def refresh_last_interaction(contact_id: int) -> None:
    """Recompute the denormalised ``last_interaction_at`` from the timeline."""
    latest = (
        Interaction.select(fn.MAX(Interaction.occurred_at))
        .where((Interaction.contact == contact_id) & Interaction.kind.in_(CONTACT_KINDS))
        .scalar()
    )
    if isinstance(latest, str):
        latest = datetime.fromisoformat(latest)
    Contact.update(last_interaction_at=latest).where(Contact.id == contact_id).execute()


def log_interaction(
    contact: Contact | int,
    *,
    channel: str = "email",
    summary: str = "",
    occurred_at: datetime | None = None,
    kind: str = "interaction",
    **extra,
) -> Interaction:
    """Add one timeline entry (interaction, milestone or resource) and update the contact."""
    if kind == "interaction" and channel not in CHANNELS:
        raise InputError(f"Channel {channel!r} is not one of: {', '.join(CHANNELS)}.")
    for key in ("note",):
        if key in extra:
            extra[key] = clean_text(extra[key], MAX_NOTES_CHARS)
    with database.atomic():
        row = Interaction.create(
            contact=contact,
            channel=channel if kind == "interaction" else extra.pop("channel", ""),
            summary=clean_text(summary, 500),
            occurred_at=occurred_at or utcnow(),
            kind=kind,
            **extra,
        )
        refresh_last_interaction(row.contact_id)
    return row
