"""Numbers about the network: who is in it, how often the user is in touch, reach.

Each function is one grouped SQL query; the Insights page charts the results.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from peewee import fn

from netdesk.models import Contact, Event, EventAttendance, FollowUp, Interaction, utcnow
from netdesk.services.clock import UserClock, local_today, user_clock

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
    """Active contacts per role: an index-only count, minus the (few) archived ones."""
    every = dict(Contact.select(Contact.role, fn.COUNT(Contact.id)).group_by(Contact.role).tuples())
    archived = (
        Contact.select(Contact.role, fn.COUNT(Contact.id))
        .where(Contact.archived == True)  # noqa: E712 (SQL, not Python truth)
        .group_by(Contact.role)
        .tuples()
    )
    for role, n in archived:
        every[role] -= n
    rows = [(role or UNSPECIFIED, n) for role, n in every.items() if n > 0]
    return sorted(rows, key=lambda r: (-r[1], r[0] == UNSPECIFIED, r[0]))


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
    """("2026-11", n) for the last ``months`` months, oldest first, zeros included.

    Months are the user's (``services.clock``). One range count per month on the
    (kind, occurred_at) index: no per-row date formatting over hundreds of thousands
    of rows.
    """
    clock = user_clock()
    today = today or clock.today()
    result = []
    for back in range(months - 1, -1, -1):
        start = _month_start(today, back)
        end = _month_start(today, back - 1)
        count = (
            Interaction.select(fn.COUNT(Interaction.id))
            .where(
                Interaction.kind.in_(("interaction", "resource"))
                & _between_days(Interaction.occurred_at, start, end, clock)
            )
            .scalar()
        )
        result.append((start.strftime("%Y-%m"), count))
    return result


def _between_days(column, start: date, end: date, clock: UserClock):
    """``column`` (a stored UTC timestamp) falls on the user's days ``start`` .. ``end`` - 1.

    Timed entries are compared as UTC instants, dated entries (stored at 00:00) by their
    date; the outer range keeps the query on the index.
    """
    first, stop = clock.stamp_at(start), clock.stamp_at(end)
    day_first, day_stop = datetime.combine(start, time()), datetime.combine(end, time())
    dated = fn.substr(column, 12) == "00:00:00"
    return (
        (column >= min(first, day_first))
        & (column < max(stop, day_stop))
        & (
            ((column >= first) & (column < stop) & ~dated)
            | ((column >= day_first) & (column < day_stop) & dated)
        )
    )


def followup_completion(today: date | None = None) -> Completion:
    today = today or local_today()
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


@dataclass
class Insights:
    roles: list[tuple[str, int]]
    events: list[tuple[str, int]]
    months: list[tuple[str, int]]
    completion: Completion
    reach: Reach


def compute_insights(progress=None) -> Insights:
    """Everything the Insights page charts; a few hundred ms on 100k contacts, so the
    page runs it in a worker and ``progress`` (a Progress) allows Cancel."""
    steps = (
        ("roles", contacts_by_role),
        ("events", lambda: contacts_by_event(8)),
        ("months", lambda: interactions_per_month(12)),
        ("completion", followup_completion),
        ("reach", network_reach),
    )
    results = {}
    for done, (name, step) in enumerate(steps):
        if progress is not None:
            progress.step(done, len(steps), f"Counting {name}…")
        results[name] = step()
    return Insights(**results)
