"""Email templates for follow-ups, and a mailto: link that cannot inject headers.

Placeholders are ``{name}`` words filled from the contact, the event where they
were met and the user's own name. Substitution is a plain lookup (no
``str.format``), so a placeholder can never reach attributes or code; unknown
placeholders are left as written so the user sees what is missing.
"""

import re
from dataclasses import dataclass
from urllib.parse import quote

from netdesk.errors import InputError
from netdesk.models import (
    ContactMethod,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    get_setting,
)


@dataclass(frozen=True)
class Template:
    key: str
    label: str
    subject: str
    body: str


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "coffee",
            "Coffee invitation",
            "Coffee soon?",
            "Hi {first_name},\n\nIt was good to meet you at {event}. Would you have time for a "
            "coffee (or a 20-minute call) in the next couple of weeks? I'd like to hear more "
            "about your work at {organization}.\n\nBest,\n{my_name}",
        ),
        Template(
            "thank-you",
            "Thank-you after a conference",
            "Great meeting you at {event}",
            "Hi {first_name},\n\nThank you for taking the time to talk at {event}. I enjoyed "
            "our conversation and would be glad to stay in touch.\n\nBest regards,\n{my_name}",
        ),
        Template(
            "check-in",
            "Check-in",
            "Checking in",
            "Hi {first_name},\n\nIt's been a while since we last spoke and I wanted to check in. "
            "How are things at {organization}?\n\nAll the best,\n{my_name}",
        ),
        Template(
            "congratulations",
            "Congratulations",
            "Congratulations!",
            "Hi {first_name},\n\nI just heard about your {milestone} - congratulations! "
            "Very well deserved.\n\nWarm regards,\n{my_name}",
        ),
        Template(
            "resource",
            "Resource sharing",
            "Something you might find useful",
            "Hi {first_name},\n\nFollowing up on our conversation at {event}: here is the "
            "resource I mentioned: {resource}\n\nHope it helps,\n{my_name}",
        ),
    )
}
DEFAULT_TEMPLATE = "check-in"
# Other spellings in use (the history/Today features write "congratulate").
ALIASES = {"congratulate": "congratulations", "thank_you": "thank-you", "thanks": "thank-you"}


def template_for(key: str) -> Template:
    """The template for ``key`` (or an alias of it); the check-in one if unknown."""
    return TEMPLATES.get(ALIASES.get(key, key)) or TEMPLATES[DEFAULT_TEMPLATE]


_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_HEADER_BREAK = re.compile(r"[\r\n\x00-\x1f\x7f]+")


def fill(text: str, values: dict[str, str]) -> str:
    """Replace ``{key}`` with ``values[key]``; unknown or empty keys stay visible."""
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1)) or m.group(0), text)


def placeholders_for(followup: FollowUp) -> dict[str, str]:
    """The values a template can use for this follow-up's contact."""
    contact = followup.contact
    event = (
        Event.select(Event.name)
        .join(EventAttendance)
        .where(EventAttendance.contact == contact)
        .order_by(Event.start_date.desc(nulls="LAST"))
        .first()
    )
    milestone = (
        Interaction.select()
        .where((Interaction.contact == contact) & (Interaction.kind == "milestone"))
        .order_by(Interaction.occurred_at.desc())
        .first()
    )
    resource = (
        Interaction.select()
        .where((Interaction.contact == contact) & (Interaction.resource != ""))
        .order_by(Interaction.occurred_at.desc())
        .first()
    )
    return {
        "first_name": contact.given_name or contact.name,
        "last_name": contact.family_name,
        "name": contact.name,
        "organization": contact.organization.name if contact.organization_id else "",
        "title": contact.title,
        "event": event.name if event else "",
        "milestone": (milestone.summary or milestone.milestone_kind) if milestone else "",
        "resource": resource.resource if resource else "",
        "my_name": get_setting("my_name", "") or "",
    }


def render(followup: FollowUp, template_key: str = "") -> tuple[str, str]:
    """(subject, body) of the follow-up's template (or ``template_key``), filled in."""
    template = template_for(template_key or followup.template)
    values = placeholders_for(followup)
    return fill(template.subject, values), fill(template.body, values)


def preferred_email(contact_id: int) -> str:
    method = (
        ContactMethod.select()
        .where((ContactMethod.contact == contact_id) & (ContactMethod.kind == "email"))
        .order_by(ContactMethod.preferred.desc(), ContactMethod.id)
        .first()
    )
    return method.value if method else ""


def mailto_url(to: str | list[str], subject: str = "", body: str = "") -> str:
    """A RFC 6068 mailto: URL.

    Addresses with line breaks or URL delimiters are refused (they could add
    headers); subject line breaks are flattened; the body keeps its lines as
    %0D%0A. Everything else is percent-encoded.
    """
    addresses = [to] if isinstance(to, str) else list(to)
    encoded = []
    for address in addresses:
        address = address.strip()
        if not address:
            continue
        if _HEADER_BREAK.search(address) or any(c in address for c in "?&,;<>\"' "):
            raise InputError(f"{address!r} is not a plain email address.")
        encoded.append(quote(address, safe="@"))
    params = []
    subject = _HEADER_BREAK.sub(" ", subject).strip()
    if subject:
        params.append("subject=" + quote(subject, safe=""))
    if body:
        lines = re.split(r"\r\n|\r|\n", body)
        params.append("body=" + "%0D%0A".join(quote(line, safe="") for line in lines))
    return "mailto:" + ",".join(encoded) + ("?" + "&".join(params) if params else "")


def compose_url(followup: FollowUp, template_key: str = "") -> str:
    """mailto: for the follow-up's contact with the template filled in."""
    subject, body = render(followup, template_key)
    return mailto_url(preferred_email(followup.contact_id), subject, body)
