"""What to do today: due follow-ups, lapsed cadences, milestones, fresh imports.

Built from a handful of SQL queries that use the indexes (follow_up(status,
due_date), interaction(kind, occurred_at), import_batch(created_at)); the only
full pass is the cadence check, a single scan SQLite does in C. Nothing loops over
the whole contact base in Python.
"""

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from netdesk.models import (
    Contact,
    ContactMethod,
    ContactTag,
    FollowUp,
    ImportBatch,
    ImportChange,
    Interaction,
    Organization,
    Tag,
    database,
    utcnow,
)
from netdesk.models.importing import files_label
from netdesk.services.clock import UserClock, user_clock

SECTION_LIMIT = 50
UPCOMING_DAYS = 7
RECENT_DAYS = 30
OPEN = ("open", "snoozed")
SECTIONS = ("overdue", "due_today", "upcoming", "lapsed", "milestones", "imports")
SECTION_TITLES = {
    "overdue": "Overdue",
    "due_today": "Due today",
    "upcoming": "Next 7 days",
    "lapsed": "Time to get back in touch",
    "milestones": "Congratulate",
    "imports": "New from imports",
}


@dataclass
class TodayItem:
    """One actionable row: a follow-up (``followup_id``) or a person to reach out to."""

    section: str
    contact_id: int
    title: str
    detail: str
    due: date | None = None
    followup_id: int | None = None
    interaction_id: int | None = None
    name: str = ""
    organization: str = ""
    email: str = ""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["due"] = self.due.isoformat() if self.due else None
        return data


@dataclass
class Today:
    today: date
    sections: dict[str, list[TodayItem]] = field(default_factory=dict)
    totals: dict[str, int] = field(default_factory=dict)  # may exceed the rows shown
    capped: set[str] = field(default_factory=set)  # sections whose total is a lower bound

    def total_text(self, section: str) -> str:
        """ "12", or "1,000+" when counting stopped early."""
        plus = "+" if section in self.capped else ""
        return f"{self.totals[section]:,}{plus}"

    def is_empty(self) -> bool:
        return not any(self.totals.values())

    def to_dict(self) -> dict[str, Any]:
        return {
            "today": self.today.isoformat(),
            "totals": self.totals,
            "capped": sorted(self.capped),
            "sections": {k: [i.to_dict() for i in v] for k, v in self.sections.items()},
        }


def _t(model) -> str:
    return model._meta.table_name


def _stamp(value: datetime) -> str:
    """The text form peewee stores datetimes in, so comparisons stay index-friendly."""
    return value.isoformat(sep=" ")


def _archived() -> str:
    """Archived contact ids, read from the ``archived`` index (no wide row reads)."""
    return f"(SELECT id FROM {_t(Contact)} WHERE archived = 1)"


def _rows(sql: str, params: tuple) -> list[tuple]:
    return database.execute_sql(sql, params).fetchall()


def _parse_dt(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _followup_counts(today: date, horizon: date) -> dict[str, int]:
    """Counts per bucket, read from the (status, due_date) index alone.

    Follow-ups of archived contacts are counted separately (through the few archived
    ids) and subtracted, which keeps the big count an index-only scan.
    """
    fu = _t(FollowUp)
    columns = "SUM(f.due_date < ?), SUM(f.due_date = ?), SUM(f.due_date > ?)"
    where = "f.status IN ('open', 'snoozed') AND f.due_date <= ?"
    day, end = today.isoformat(), horizon.isoformat()
    params = (day, day, day, end)
    total = _rows(f"SELECT {columns} FROM {fu} f WHERE {where}", params)[0]
    hidden = _rows(
        f"SELECT {columns} FROM {fu} f WHERE {where} AND f.contact_id IN {_archived()}", params
    )[0]
    names = ("overdue", "due_today", "upcoming")
    return {name: (a or 0) - (b or 0) for name, a, b in zip(names, total, hidden, strict=True)}


def _followups(today: date, limit: int) -> tuple[dict[str, list[TodayItem]], dict[str, int]]:
    fu = _t(FollowUp)
    horizon = today + timedelta(days=UPCOMING_DAYS)
    day = today.isoformat()
    columns = "f.id, f.contact_id, f.title, f.due_date, f.due_time, f.status"
    visible = f"f.contact_id NOT IN {_archived()}"
    # Overdue grows without bound: walk each status in due-date order and stop early
    # (oldest first) instead of sorting every overdue follow-up.
    per_status = (
        f"SELECT * FROM (SELECT {columns} FROM {fu} f WHERE f.status = '{{status}}' "
        f"AND f.due_date < ? AND {visible} ORDER BY f.due_date LIMIT ?)"
    )
    queries = {
        "overdue": (
            f"{per_status.format(status='open')} UNION ALL "
            f"{per_status.format(status='snoozed')} ORDER BY 4, 5, 1 LIMIT ?",
            (day, limit, day, limit, limit),
        ),
        "due_today": (
            f"SELECT {columns} FROM {fu} f WHERE f.status IN ('open', 'snoozed') "
            f"AND f.due_date = ? AND {visible} ORDER BY f.due_time, f.id LIMIT ?",
            (day, limit),
        ),
        "upcoming": (
            f"SELECT {columns} FROM {fu} f WHERE f.status IN ('open', 'snoozed') "
            f"AND f.due_date > ? AND f.due_date <= ? AND {visible} "
            "ORDER BY f.due_date, f.due_time, f.id LIMIT ?",
            (day, horizon.isoformat(), limit),
        ),
    }
    items = {}
    for name, (sql, params) in queries.items():
        section = []
        for fid, cid, title, due, due_time, status in _rows(sql, params):
            due = date.fromisoformat(due) if isinstance(due, str) else due
            if name == "overdue":
                days = (today - due).days
                detail = f"overdue {days} day{'s' if days != 1 else ''}"
            elif name == "due_today":
                detail = f"due today at {str(due_time)[:5]}" if due_time else "due today"
            else:
                detail = f"due {due.strftime('%a %d %b')}"
            if status == "snoozed":
                detail += " (snoozed)"
            section.append(TodayItem(name, cid, title, detail, due, followup_id=fid))
        items[name] = section
    return items, _followup_counts(today, horizon)


LAPSED_COUNT_CAP = 500


def _lapsed(now: datetime, limit: int) -> tuple[list[TodayItem], int]:
    """Contacts whose cadence (their own, else their tags' shortest) has run out.

    Most neglected first: the query walks the ``last_interaction_at`` index from
    the oldest end and stops after :data:`LAPSED_COUNT_CAP` matches, so it costs
    the same at 100 or 100,000 contacts (the count it reports is capped there).
    People with an open follow-up are left out: something is already planned.
    """
    c, ct, tag, fu = _t(Contact), _t(ContactTag), _t(Tag), _t(FollowUp)
    cadence = (
        f"COALESCE(c.stay_in_touch_days, (SELECT MIN(t.stay_in_touch_days) FROM {ct} ct "
        f"JOIN {tag} t ON t.id = ct.tag_id WHERE ct.contact_id = c.id))"
    )
    reference = "COALESCE(c.last_interaction_at, c.created_at)"
    sql = f"""
        SELECT cid, days, last, reference FROM (
            SELECT c.id AS cid, {cadence} AS days, c.last_interaction_at AS last,
                   {reference} AS reference
              FROM {c} c
             WHERE {{where}} AND NOT c.archived
             ORDER BY {{order}}
        ) WHERE days IS NOT NULL AND reference < datetime(?, '-' || days || ' days')
            AND NOT EXISTS (SELECT 1 FROM {fu} f WHERE f.contact_id = cid
                               AND f.status IN ('open', 'snoozed'))
        LIMIT ?
    """
    stamp, cap = _stamp(now), max(limit, LAPSED_COUNT_CAP)
    talked = _rows(
        sql.format(where="c.last_interaction_at < ?", order="c.last_interaction_at"),
        (stamp, stamp, cap),
    )
    never = _rows(
        sql.format(where="c.last_interaction_at IS NULL", order="c.created_at"),
        (stamp, cap),
    )
    rows = [(cid, days, last, (now - _parse_dt(ref)).days) for cid, days, last, ref in never]
    rows += [(cid, days, last, (now - _parse_dt(ref)).days) for cid, days, last, ref in talked]
    rows.sort(key=lambda r: (-r[3], r[0]))
    items = []
    for cid, days, last, since_days in rows[:limit]:
        if last is None:
            detail = f"never talked; added {since_days} days ago; cadence {days}"
        else:
            detail = f"haven't talked to in {since_days} days; cadence {days}"
        items.append(TodayItem("lapsed", cid, "Get back in touch", detail))
    return items, min(len(rows), cap)


def _milestones(now: datetime, limit: int, clock: UserClock) -> tuple[list[TodayItem], int]:
    """Milestones of the last 30 days nobody has reacted to yet."""
    i, c, fu = _t(Interaction), _t(Contact), _t(FollowUp)
    base = f"""
        FROM {i} i JOIN {c} c ON c.id = i.contact_id
        WHERE i.kind = 'milestone' AND i.occurred_at >= ? AND i.occurred_at <= ?
          AND NOT c.archived
          AND (c.last_interaction_at IS NULL OR c.last_interaction_at < i.occurred_at)
          AND NOT EXISTS (SELECT 1 FROM {fu} f WHERE f.origin_key = 'milestone:' || i.id)
    """
    params = (_stamp(now - timedelta(days=RECENT_DAYS)), _stamp(now))
    total = _rows(f"SELECT COUNT(*) {base}", params)[0][0]
    rows = _rows(
        f"SELECT i.id, i.contact_id, i.summary, i.milestone_kind, i.occurred_at {base} "
        "ORDER BY i.occurred_at DESC LIMIT ?",
        (*params, limit),
    )
    items = []
    for iid, cid, summary, kind, when in rows:
        day = clock.date_of(when).strftime("%d %b %Y")
        detail = f"{kind} · {day}" if kind else day
        items.append(TodayItem("milestones", cid, summary or kind, detail, interaction_id=iid))
    return items, total


def _imports(now: datetime, limit: int, clock: UserClock) -> tuple[list[TodayItem], int]:
    """People created by an import in the last 30 days and not contacted since."""
    ch, b, c, fu = _t(ImportChange), _t(ImportBatch), _t(Contact), _t(FollowUp)
    base = f"""
        FROM {b} b JOIN {ch} x ON x.batch_id = b.id JOIN {c} c ON c.id = x.contact_id
        WHERE b.created_at >= ? AND b.undone_at IS NULL AND x.action = 'created'
          AND NOT c.archived
          AND (c.last_interaction_at IS NULL OR c.last_interaction_at < b.created_at)
          AND NOT EXISTS (SELECT 1 FROM {fu} f WHERE f.contact_id = c.id
                             AND f.status IN ('open', 'snoozed'))
    """
    params = (_stamp(now - timedelta(days=RECENT_DAYS)),)
    total = _rows(f"SELECT COUNT(*) {base}", params)[0][0]
    rows = _rows(
        f"SELECT x.contact_id, b.file_names, b.source, b.created_at {base} "
        "ORDER BY b.created_at DESC, x.id LIMIT ?",
        (*params, limit),
    )
    items = []
    for cid, files, source, when in rows:
        origin = files_label(files, source or "an import")
        detail = f"imported from {origin} on {clock.date_of(when):%d %b}"
        items.append(TodayItem("imports", cid, "Follow up after the import", detail))
    return items, total


NAME_COLUMNS = ("display_name", "prefix", "given_name", "additional_names", "family_name", "suffix")


def _fill_people(items: list[TodayItem]) -> None:
    """Names, organizations and preferred emails for the rows shown, in two queries.

    Plain SQL rather than model instances: building a few hundred Peewee objects
    costs more than the queries themselves.
    """
    ids = list({item.contact_id for item in items})
    c, o, m = _t(Contact), _t(Organization), _t(ContactMethod)
    columns = ", ".join(f"c.{name}" for name in NAME_COLUMNS)
    people, emails = {}, {}
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        marks = ", ".join("?" * len(part))
        rows = _rows(
            f"SELECT c.id, o.name, {columns} FROM {c} c "
            f"LEFT JOIN {o} o ON o.id = c.organization_id WHERE c.id IN ({marks})",
            tuple(part),
        )
        for cid, org, *names in rows:
            # Contact.name's rules applied to plain values, so they live in one place.
            people[cid] = (
                Contact.name.fget(SimpleNamespace(**dict(zip(NAME_COLUMNS, names, strict=True)))),
                org or "",
            )
        # No WHERE on kind: it would make SQLite pick the (kind, normalized) index
        # and read every email in the base.
        methods = _rows(
            f"SELECT contact_id, kind, value FROM {m} WHERE contact_id IN ({marks}) "
            "ORDER BY preferred DESC, id",
            tuple(part),
        )
        for cid, kind, value in methods:
            if kind == "email":
                emails.setdefault(cid, value)
    for item in items:
        item.name, item.organization = people.get(item.contact_id, ("", ""))
        item.email = emails.get(item.contact_id, "")


def build_today(
    today: date | None = None, now: datetime | None = None, limit: int = SECTION_LIMIT
) -> Today:
    """Everything the Today page shows; each section holds at most ``limit`` rows.

    ``today`` is the user's day (``services.clock``), ``now`` the stored UTC instant.
    """
    clock = user_clock()
    now = now or utcnow()
    today = today or clock.date_of(now)
    result = Today(today)
    with database.atomic():  # one consistent snapshot
        sections, totals = _followups(today, limit)
        result.sections.update(sections)
        result.totals.update(totals)
        result.sections["lapsed"], result.totals["lapsed"] = _lapsed(now, limit)
        for name, builder in (("milestones", _milestones), ("imports", _imports)):
            result.sections[name], result.totals[name] = builder(now, limit, clock)
        if result.totals["lapsed"] >= max(limit, LAPSED_COUNT_CAP):
            result.capped.add("lapsed")
    _fill_people([item for name in SECTIONS for item in result.sections[name]])
    return result


# acting on a row ------------------------------------------------------------

DONE_SUMMARIES = {
    "lapsed": "Got back in touch",
    "milestones": "Congratulated: {title}",
    "imports": "Followed up after meeting",
}
SNOOZE_TITLES = {
    "lapsed": "Get back in touch with {name}",
    "milestones": "Congratulate {name}: {title}",
    "imports": "Follow up with {name}",
}
SNOOZE_ORIGINS = {"lapsed": "cadence", "milestones": "milestone", "imports": "manual"}


def complete_item(item: TodayItem, channel: str = "email") -> dict[str, Any]:
    """Done: complete the follow-up (or log that the user got in touch).

    Returns what :func:`undo_item` needs to put things back.
    """
    from netdesk.services.calendar.followups import complete_followup, get_followup
    from netdesk.services.history.interactions import log_interaction

    with database.atomic():
        if item.followup_id:
            followup = get_followup(item.followup_id)
            before = _followup_state(followup)
            complete_followup(followup, channel=channel)
            logged = (
                Interaction.select()
                .where(Interaction.followup == followup.id)
                .order_by(Interaction.id.desc())
                .get()
            )
            undo = {"followup": before, "interaction": logged.id}
            if followup.next_cadence is not None:
                undo["created_followup"] = followup.next_cadence.id
            return undo
        summary = DONE_SUMMARIES[item.section].format(title=item.title)
        logged = log_interaction(item.contact_id, channel=channel, summary=summary)
        return {"interaction": logged.id}


def snooze_item(item: TodayItem, until: date) -> dict[str, Any]:
    """Snooze: move the follow-up, or plan one for a person row; returns undo data."""
    from netdesk.services.calendar.followups import create_followup, get_followup, snooze_followup

    if item.followup_id:
        followup = get_followup(item.followup_id)
        before = _followup_state(followup)
        snooze_followup(followup, until)
        return {"followup": before}
    title = SNOOZE_TITLES[item.section].format(name=item.name or "contact", title=item.title)
    key = f"milestone:{item.interaction_id}" if item.interaction_id else None
    made = create_followup(
        item.contact_id, until, title, origin=SNOOZE_ORIGINS[item.section], origin_key=key
    )
    return {"created_followup": made.id}


def undo_item(data: dict[str, Any]) -> None:
    """Reverse :func:`complete_item` or :func:`snooze_item`."""
    from netdesk.services.calendar.followups import change_followup
    from netdesk.services.history.interactions import delete_interaction

    with database.atomic():
        if "interaction" in data:
            delete_interaction(data["interaction"])
        if "followup" in data:
            state = dict(data["followup"])
            followup = FollowUp.get_by_id(state.pop("id"))
            change_followup(followup, **state)
        if "created_followup" in data:
            FollowUp.delete().where(FollowUp.id == data["created_followup"]).execute()


def _followup_state(followup: FollowUp) -> dict[str, Any]:
    return {
        "id": followup.id,
        "status": followup.status,
        "due_date": followup.due_date,
        "completed_at": followup.completed_at,
    }


EMAIL_TEMPLATES = {
    "milestones": (
        "Congratulations!",
        "Hi {first},\n\nI just saw the news ({title}). Congratulations, well deserved!\n\nBest,\n",
    ),
    "lapsed": (
        "Catching up",
        "Hi {first},\n\nIt has been a while. How are things going? "
        "Would you have time for a short call in the next few weeks?\n\nBest,\n",
    ),
    "imports": (
        "Great to meet you",
        "Hi {first},\n\nIt was great to meet you. I would love to stay in touch.\n\nBest,\n",
    ),
}
FOLLOWUP_TEMPLATE = ("{title}", "Hi {first},\n\n\n\nBest,\n")


def mailto_link(item: TodayItem) -> str:
    """A ``mailto:`` URL with a short template; subject and body percent-encoded."""
    from urllib.parse import quote

    subject, body = FOLLOWUP_TEMPLATE if item.followup_id else EMAIL_TEMPLATES[item.section]
    first = (item.name.split() or ["there"])[0]
    fill = {"first": first, "title": item.title}
    return (
        f"mailto:{quote(item.email, safe='@')}"
        f"?subject={quote(subject.format(**fill), safe='')}"
        f"&body={quote(body.format(**fill), safe='')}"
    )
