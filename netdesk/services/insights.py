"""Numbers about the network: who is in it, how often the user is in touch, reach.

Each function is one grouped SQL query; the Insights page charts the results.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from peewee import fn

from netdesk.models import Contact, Event, EventAttendance, FollowUp, Interaction, utcnow

UNSPECIFIED = "unspecified"


@dataclass
class Completion:
    done: int
    open_overdue: int
    open_later: int
    cancelled: int

    @property
    def rate(self) -> float | None:
        """Share of follow-ups that came due and were done (None when none came due)."""
        due = self.done + self.open_overdue
        return self.done / due if due else None


@dataclass
class Reach:
    """Roles among the people the user was in touch with in the last 12 months."""

    contacts: int
    roles: list[tuple[str, int, float]]  # (role, people, share)

    @property
    def disciplines(self) -> int:
        return len([r for r in self.roles if r[0] != UNSPECIFIED])


def contacts_by_role() -> list[tuple[str, int]]:
    query = (
        Contact.select(Contact.role, fn.COUNT(Contact.id))
        .where(~Contact.archived)
        .group_by(Contact.role)
        .order_by(fn.COUNT(Contact.id).desc(), Contact.role == "", Contact.role)
        .tuples()
    )
    return [(role or UNSPECIFIED, n) for role, n in query]


def contacts_by_event(limit: int = 10) -> list[tuple[str, int]]:
    query = (
        Event.select(Event.name, fn.COUNT(EventAttendance.id))
        .join(EventAttendance)
        .group_by(Event.id)
        .order_by(fn.COUNT(EventAttendance.id).desc(), Event.name)
        .limit(limit)
        .tuples()
    )
    return list(query)


def _month_start(day: date, back: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - back, 12)
    return date(year, month + 1, 1)


def interactions_per_month(months: int = 12, today: date | None = None) -> list[tuple[str, int]]:
    """("2026-11", n) for the last ``months`` months, oldest first, zeros included."""
    today = today or utcnow().date()
    start = _month_start(today, months - 1)
    query = (
        Interaction.select(fn.strftime("%Y-%m", Interaction.occurred_at), fn.COUNT(Interaction.id))
        .where(
            Interaction.kind.in_(("interaction", "resource"))
            & (Interaction.occurred_at >= datetime.combine(start, datetime.min.time()))
        )
        .group_by(fn.strftime("%Y-%m", Interaction.occurred_at))
        .tuples()
    )
    counts = dict(query)
    labels = [_month_start(today, back).strftime("%Y-%m") for back in range(months - 1, -1, -1)]
    return [(label, counts.get(label, 0)) for label in labels]


def followup_completion(today: date | None = None) -> Completion:
    today = today or utcnow().date()
    query = (
        FollowUp.select(FollowUp.status, FollowUp.due_date < today, fn.COUNT(FollowUp.id))
        .group_by(FollowUp.status, FollowUp.due_date < today)
        .tuples()
    )
    result = Completion(0, 0, 0, 0)
    for status, past, n in query:
        if status == "done":
            result.done += n
        elif status == "cancelled":
            result.cancelled += n
        elif past:
            result.open_overdue += n
        else:
            result.open_later += n
    return result


def network_reach(now: datetime | None = None, days: int = 365) -> Reach:
    """Which disciplines the user actually talks to (interdisciplinary reach)."""
    since = (now or utcnow()) - timedelta(days=days)
    query = (
        Contact.select(Contact.role, fn.COUNT(Contact.id))
        .where((Contact.last_interaction_at >= since) & ~Contact.archived)
        .group_by(Contact.role)
        .order_by(fn.COUNT(Contact.id).desc(), Contact.role == "", Contact.role)
        .tuples()
    )
    rows = [(role or UNSPECIFIED, n) for role, n in query]
    total = sum(n for _, n in rows)
    return Reach(total, [(role, n, n / total) for role, n in rows])
