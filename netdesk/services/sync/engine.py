"""One sync engine for every calendar provider (CalDAV, Microsoft Graph, Google).

The engine decides *what* to do, providers only know *how*. For each follow-up it
compares the SEQUENCE with the one the calendar last accepted (``CalendarLink``)
and creates, updates, marks done/cancelled or deletes the event; each accepted
change is recorded at once, so a run cut short (crash, network down) leaves a
consistent state and the next run sends only what is still missing. Before a
create, the provider is asked whether an event with the follow-up's UID already
exists (iCalUID / extended property), so a crash between the provider accepting an
event and netdesk recording it never makes a duplicate. A second run sends nothing.

Events deleted in the calendar by the user (404/410) stay deleted unless the
``calendar.recreate_deleted`` setting asks for them back. Throttling (429/503) is
retried after the server's Retry-After, with a bounded backoff and an injectable
``sleep`` so tests never wait.
"""

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from netdesk.errors import InputError, UserError
from netdesk.models import CalendarLink, FollowUp, get_setting, utcnow
from netdesk.services.calendar.followups import OPEN_STATUSES
from netdesk.services.calendar.ics import (
    DEFAULT_ALARM_MINUTES,
    ORIGIN_CATEGORIES,
    description_for,
    event_times,
    gather_contexts,
    summary_for,
)
from netdesk.services.progress import NO_PROGRESS, Progress

MAX_ATTEMPTS = 5  # per request, when the server says "busy" (429/503)
MAX_WAIT_SECONDS = 60  # the longest single wait, whatever Retry-After says
# Graph and Google cannot ring after an event starts: an all-day follow-up rings at
# 09:00 the day before (the Outlook choice of the .ics export).
ALL_DAY_REMINDER_MINUTES = 15 * 60
DONE_PREFIX = {"done": "Done: ", "cancelled": "Cancelled: "}

T = TypeVar("T")


class EventGone(Exception):
    """The event no longer exists in the calendar (HTTP 404/410): the user deleted it."""


class RetryLater(Exception):
    """The server is busy (HTTP 429/503); ``seconds`` is its Retry-After, if it gave one."""

    def __init__(self, seconds: float | None, message: str = "") -> None:
        super().__init__(message or "the calendar service is busy")
        self.seconds = seconds


class EventRefused(Exception):
    """The calendar refused this one event (e.g. HTTP 400); the others can still go."""


class SignInAgain(UserError):
    """The sign-in expired for good or consent was revoked: the user must sign in again."""


class StaleEtag(Exception):
    """HTTP 412: the event changed in the calendar since netdesk last saw its etag."""


@dataclass(frozen=True)
class ProviderTerms:
    """How a provider's messages name things, so every provider explains errors alike."""

    service: str  # "Microsoft Graph"
    calendar: str  # "Outlook": "the chosen Outlook calendar"
    signin: str  # "microsoft": netdesk calendar-signin microsoft
    permission: str  # "Calendars.ReadWrite"
    remedy: str  # what to do about a missing permission


def http_problem(
    terms: ProviderTerms, status: int, text: str, *, event: bool, throttled: float | None | bool
) -> Exception:
    """The exception for an HTTP error answer; ``throttled`` is False or the Retry-After."""
    if status == 401:
        return SignInAgain(
            f"{terms.signin.capitalize()} no longer accepts netdesk's sign-in (401): sign in "
            f"again (Settings › Calendars › Sign in, or netdesk calendar-signin {terms.signin})."
        )
    if throttled is not False:
        return RetryLater(throttled, f"HTTP {status}")
    if status == 403:
        return UserError(
            f"{terms.service} refused access (403: {text[:120]}): netdesk needs the "
            f"{terms.permission} permission on a calendar you can edit; {terms.remedy}."
        )
    if status in (404, 410) and event:
        return EventGone(text)
    if status == 404:
        return UserError(
            f"The chosen {terms.calendar} calendar no longer exists (404): pick another one in "
            "Settings › Calendars."
        )
    if status == 412:
        return StaleEtag()
    return EventRefused(f"{terms.service} answered HTTP {status} ({text[:200]})")


def retry_after(value: str | None) -> float | None:
    """Retry-After as seconds: a number, or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


@dataclass
class CalendarInfo:
    id: str
    name: str
    writable: bool = True
    primary: bool = False


@dataclass
class RemoteRef:
    """Where an event lives at the provider: its id (CalDAV href) and etag."""

    calendar_id: str
    event_id: str
    etag: str = ""


@dataclass
class EventData:
    """A follow-up as any calendar needs it, with the patient-data guard applied."""

    followup: FollowUp
    uid: str
    sequence: int
    summary: str
    description: str
    start: date | datetime
    end: date | datetime
    timezone: str  # IANA; "UTC" for all-day items
    all_day: bool
    open: bool
    reminder_minutes: int | None
    categories: list[str]
    private: bool = True


@dataclass
class SyncResult:
    label: str = "Calendar"
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    deleted: int = 0
    kept_deleted: int = 0
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.created} new",
            f"{self.updated} updated",
            f"{self.cancelled} cancelled",
            f"{self.deleted} removed",
        ]
        text = f"{self.label} sync: " + ", ".join(parts) + "."
        if self.kept_deleted:
            text += f" {self.kept_deleted} deleted in the calendar by you: left deleted."
        if self.failed:
            text += f" {len(self.failed)} not accepted by the server: " + "; ".join(self.failed[:3])
        return text


class CalendarProvider:
    """What a provider implements; see caldav_provider, graph and google."""

    account = ""  # the CalendarLink.account key
    label = ""  # shown to the user

    def open(self) -> str:
        """Connect (refreshing tokens as needed) and return the id of the calendar to use."""
        raise NotImplementedError

    def calendars(self) -> list[CalendarInfo]:
        raise NotImplementedError

    def find(self, item: EventData) -> RemoteRef | None:
        """The event already holding this follow-up's UID, if any."""
        raise NotImplementedError

    def create(self, item: EventData) -> RemoteRef:
        raise NotImplementedError

    def update(self, ref: RemoteRef, item: EventData) -> RemoteRef:
        """Overwrite the event with ``item`` (netdesk is the source); EventGone if deleted."""
        raise NotImplementedError

    def delete(self, ref: RemoteRef) -> None:
        """Delete the event; EventGone if it was already deleted."""
        raise NotImplementedError

    def deleted_since_last_run(self) -> set[str]:
        """Event ids the user deleted in the calendar, if the provider can tell cheaply."""
        return set()


def build_items(followups: list[FollowUp], *, allow_sensitive: bool = False) -> list[EventData]:
    """The provider-neutral events, with one query batch for all contacts."""
    contexts = gather_contexts(f.contact_id for f in followups)
    my_name = get_setting("my_name", "") or ""
    alarm = get_setting("alarm_minutes", DEFAULT_ALARM_MINUTES)
    items = []
    for f in followups:
        ctx = contexts[f.contact_id]
        start, end = event_times(f)
        is_open = f.status in OPEN_STATUSES
        summary = summary_for(f, ctx, allow_sensitive)
        if not is_open:
            summary = DONE_PREFIX.get(f.status, "") + summary
        if not is_open or alarm is None:
            reminder = None
        else:
            reminder = ALL_DAY_REMINDER_MINUTES if f.due_time is None else int(alarm)
        items.append(
            EventData(
                followup=f,
                uid=f.uid,
                sequence=f.sequence,
                summary=summary,
                description=description_for(f, ctx, my_name, allow_sensitive),
                start=start,
                end=end,
                timezone=(f.timezone or "UTC") if f.due_time else "UTC",
                all_day=f.due_time is None,
                open=is_open,
                reminder_minutes=reminder,
                categories=[ORIGIN_CATEGORIES.get(f.origin, "Follow-up"), *ctx.tags],
            )
        )
    return items


def with_retries(call: Callable[[], T], sleep: Callable[[float], None] = time.sleep) -> T:
    """``call()``, waiting out 429/503 answers: Retry-After if given, else 2, 4, 8… s.

    Each wait is capped at MAX_WAIT_SECONDS and there are at most MAX_ATTEMPTS tries;
    then the run stops with a message (the next run continues where this one ended).
    """
    for attempt in range(MAX_ATTEMPTS):
        try:
            return call()
        except RetryLater as exc:
            if attempt == MAX_ATTEMPTS - 1:
                raise UserError(
                    f"The calendar service is still busy after {MAX_ATTEMPTS} tries ({exc}); "
                    "what was sent is kept, run Sync again later for the rest."
                ) from None
            wait = exc.seconds if exc.seconds is not None else 2 ** (attempt + 1)
            sleep(max(0.0, min(float(wait), MAX_WAIT_SECONDS)))
    raise AssertionError("unreachable")


def pending(account: str) -> list[FollowUp]:
    """Follow-ups the calendar of ``account`` does not have in their current version."""
    links = {
        uid: seq
        for uid, seq, state in CalendarLink.select(
            CalendarLink.uid, CalendarLink.synced_sequence, CalendarLink.state
        )
        .where(CalendarLink.account == account)
        .tuples()
        if state == "synced"
    }
    out = []
    for f in FollowUp.select().order_by(FollowUp.id):
        if f.uid not in links:
            if f.status in OPEN_STATUSES:
                out.append(f)
        elif links[f.uid] is None or links[f.uid] < f.sequence:
            out.append(f)
    return out


def link_for(account: str, uid: str) -> CalendarLink | None:
    return CalendarLink.get_or_none((CalendarLink.account == account) & (CalendarLink.uid == uid))


def _record(account: str, item: EventData, ref: RemoteRef, state: str = "synced") -> None:
    """Remember what the calendar accepted, at once (its own statement, its own commit)."""
    CalendarLink.insert(
        account=account,
        uid=item.uid,
        calendar_id=ref.calendar_id,
        event_id=ref.event_id,
        etag=ref.etag,
        synced_sequence=item.sequence,
        state=state,
        updated_at=utcnow(),
    ).on_conflict(
        conflict_target=[CalendarLink.account, CalendarLink.uid],
        preserve=[
            CalendarLink.calendar_id,
            CalendarLink.event_id,
            CalendarLink.etag,
            CalendarLink.synced_sequence,
            CalendarLink.state,
            CalendarLink.updated_at,
        ],
    ).execute()


def _ref(link: CalendarLink) -> RemoteRef:
    return RemoteRef(link.calendar_id, link.event_id, link.etag)


def sync(
    provider: CalendarProvider,
    progress: Progress = NO_PROGRESS,
    *,
    allow_sensitive: bool = False,
    recreate_deleted: bool | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> SyncResult:
    """Bring the provider's calendar in line with the follow-ups; see the module docstring."""
    if recreate_deleted is None:
        recreate_deleted = bool(get_setting("calendar.recreate_deleted", False))
    account = provider.account
    result = SyncResult(label=provider.label)
    progress.step(0, 0, f"Connecting to {provider.label}…")
    calendar_id = with_retries(provider.open, sleep)
    links = {
        link.uid: link for link in CalendarLink.select().where(CalendarLink.account == account)
    }
    gone_ids = with_retries(provider.deleted_since_last_run, sleep)
    for link in links.values():
        if link.event_id in gone_ids and link.state == "synced":
            link.state = "deleted-by-user"
            link.save()

    followups = list(FollowUp.select().order_by(FollowUp.id))
    known = {f.uid for f in followups}
    todo = []
    for f in followups:
        link = links.get(f.uid)
        is_open = f.status in OPEN_STATUSES
        if link is None or link.calendar_id != calendar_id:
            if is_open:
                todo.append(f)
        elif link.state == "deleted-by-user":
            if recreate_deleted and is_open:
                todo.append(f)
        elif link.synced_sequence is None or link.synced_sequence < f.sequence:
            todo.append(f)
    orphans = [link for uid, link in links.items() if uid not in known]
    total = len(todo) + len(orphans) + 1

    for i, item in enumerate(build_items(todo, allow_sensitive=allow_sensitive)):
        progress.step(i, total, f"Sending follow-up {i + 1} of {len(todo)}…")
        try:
            _push(provider, item, links.get(item.uid), calendar_id, result, sleep, recreate_deleted)
        except (EventRefused, InputError) as exc:  # this one event; the others can go
            result.failed.append(f"{item.followup.title} (#{item.followup.id}): {exc}")

    for j, link in enumerate(orphans):
        progress.step(len(todo) + j, total, "Removing deleted follow-ups…")
        if link.state == "synced":
            try:
                with_retries(lambda link=link: provider.delete(_ref(link)), sleep)
            except EventGone:
                pass
            except EventRefused as exc:
                result.failed.append(f"removing {link.uid}: {exc}")
                continue
            result.deleted += 1
        link.delete_instance()
    progress.step(total, total, "Done")
    return result


def _push(
    provider: CalendarProvider,
    item: EventData,
    link: CalendarLink | None,
    calendar_id: str,
    result: SyncResult,
    sleep: Callable[[float], None],
    recreate_deleted: bool,
) -> None:
    account = provider.account
    if link is not None and link.calendar_id != calendar_id and link.state == "synced":
        with contextlib.suppress(EventGone):  # another calendar was picked: the event moves
            with_retries(lambda: provider.delete(_ref(link)), sleep)
        link = None
    if link is not None and link.state == "synced":
        try:
            ref = with_retries(lambda: provider.update(_ref(link), item), sleep)
        except EventGone:
            if not recreate_deleted:
                _record(account, item, _ref(link), state="deleted-by-user")
                result.kept_deleted += 1
                return
        else:
            _record(account, item, ref)
            if item.open:
                result.updated += 1
            else:
                result.cancelled += 1
            return
    ref = with_retries(lambda: provider.find(item), sleep)
    if ref is None:
        ref = with_retries(lambda: provider.create(item), sleep)
    else:
        ref = with_retries(lambda: provider.update(ref, item), sleep)
    _record(account, item, ref)
    if item.open:
        result.created += 1  # new, or recreated after the user deleted it
    else:
        result.cancelled += 1


def forget_account(account: str) -> int:
    """Drop what netdesk knew about an account's calendar (after Sign out)."""
    return CalendarLink.delete().where(CalendarLink.account == account).execute()


def last_run_note(account: str) -> str:
    """ "Last synced 2026-12-01 14:03 UTC" from the newest link, or ""."""
    row = (
        CalendarLink.select(CalendarLink.updated_at)
        .where(CalendarLink.account == account)
        .order_by(CalendarLink.updated_at.desc())
        .first()
    )
    if row is None:
        return ""
    at = row.updated_at
    if not isinstance(at, datetime):
        at = datetime.fromisoformat(str(at))
    return f"last change sent {at:%Y-%m-%d %H:%M} UTC"
