"""The user's "today": the date in the user's zone, while stored timestamps stay UTC.

Timestamps are stored as naive UTC (``models.utcnow``). A date the user sees or plans
by (today, due dates, the day of an interaction, Insights' months) is a date in the
user's zone: the ``timezone`` setting when made, else the computer's. Without this, in
Los Angeles after 4 pm "today" would already be tomorrow.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, tzinfo

from netdesk.models import get_setting


def user_timezone() -> str:
    """The user's IANA zone name: the setting if made, else the system's."""
    zone = get_setting("timezone")
    if zone:
        return zone
    try:
        from tzlocal import get_localzone_name

        return get_localzone_name() or "UTC"
    except Exception:  # no zone configured on this machine
        return "UTC"


def is_dated(stamp: datetime) -> bool:
    """An entry recorded with a date only (stored at 00:00, ``interactions.as_datetime``)."""
    return stamp.time() == time()


@dataclass(frozen=True)
class UserClock:
    """Conversions between stored UTC timestamps and the user's days.

    ``zone`` None is the computer's zone as the C library sees it (it follows ``TZ``),
    the same one ``date.today()`` uses.
    """

    zone: tzinfo | None

    def today(self) -> date:
        return datetime.now(self.zone).date()

    def wall_of(self, stamp: datetime | str) -> datetime:
        """A stored timestamp as the user's (naive) wall-clock time; a dated entry stays."""
        if isinstance(stamp, str):
            stamp = datetime.fromisoformat(stamp)
        if stamp.tzinfo is None and is_dated(stamp):
            return stamp
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        return stamp.astimezone(self.zone).replace(tzinfo=None)

    def date_of(self, stamp: datetime | str) -> date:
        """The day the user sees for a stored timestamp; a dated entry keeps its date."""
        return self.wall_of(stamp).date()

    def stamp_at(self, day: date, wall: time = time()) -> datetime:
        """The stored (naive UTC) form of ``wall`` o'clock on ``day`` in the user's zone."""
        local = datetime.combine(day, wall, self.zone)
        return local.astimezone(UTC).replace(tzinfo=None)


def user_clock() -> UserClock:
    """The clock of the user's zone; one settings read, so loops should keep it."""
    name = get_setting("timezone")
    if name:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            return UserClock(ZoneInfo(name))
        except (ZoneInfoNotFoundError, ValueError):
            pass  # a hand-edited setting: the computer's zone is the best guess
    return UserClock(None)


def local_today() -> date:
    """Today in the user's zone: what "due today", "overdue" and default dates mean."""
    return user_clock().today()


def local_date(stamp: datetime | str) -> date:
    """The user's day of a stored UTC timestamp (see :meth:`UserClock.date_of`)."""
    return user_clock().date_of(stamp)
