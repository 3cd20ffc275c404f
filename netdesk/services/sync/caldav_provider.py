"""The CalDAV provider of the sync engine (Nextcloud, Fastmail, iCloud, Radicale, ...).

Each follow-up is one calendar object PUT under its stable UID with netdesk's own
SEQUENCE (the same VEVENT as the .ics export); done and cancelled follow-ups go out
as STATUS:CANCELLED. A PUT to the UID's own href is idempotent, so no lookup is
needed before creating. The caldav library is imported only here, only when used.
"""

from urllib.parse import urlsplit

from netdesk.errors import InputError, UserError
from netdesk.models import get_setting
from netdesk.services.calendar.ics import DEFAULT_ALARM_MINUTES, build_calendar
from netdesk.services.sync.engine import (
    CalendarInfo,
    CalendarProvider,
    EventData,
    EventGone,
    EventRefused,
    RemoteRef,
)

TIMEOUT_SECONDS = 20


def check_url(url: str) -> str:
    """Refuse what is not http(s), and plain http to anything but this computer."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InputError(
            f"{url!r} is not a CalDAV URL like https://cloud.example.org/remote.php/dav."
        )
    if parts.scheme == "http" and parts.hostname not in ("localhost", "127.0.0.1", "::1"):
        raise InputError(
            f"{url} is not encrypted (http://); the password would travel in clear. Use https://."
        )
    return url.strip()


def translate(exc: Exception, url: str, user: str) -> UserError:
    """A network or DAV failure as a message that says what to do (the DAV layer's words)."""
    from netdesk.services.sync.dav import translate_error

    return translate_error(exc, url, user, "CalDAV")


def _name(cal) -> str:
    try:
        return cal.get_display_name() or ""
    except Exception:  # a calendar without a display name is known by its path
        return ""


def _slug(cal) -> str:
    return str(cal.url).rstrip("/").rsplit("/", 1)[-1]


class CaldavProvider(CalendarProvider):
    account = "caldav"
    label = "CalDAV"

    def __init__(
        self, url: str, user: str, password: str, calendar: str = "", *, allow_sensitive=False
    ) -> None:
        self.url = check_url(url)
        self.user, self.password, self.calendar_name = user, password, calendar
        self.allow_sensitive = allow_sensitive  # the VEVENT is built here, guarded the same way
        self._calendar = None

    def _fail(self, exc: Exception) -> UserError:
        return translate(exc, self.url, self.user)

    def _all(self) -> list:
        import caldav

        try:
            client = caldav.DAVClient(
                self.url, username=self.user, password=self.password, timeout=TIMEOUT_SECONDS
            )
            return client.principal().calendars()
        except Exception as exc:
            raise self._fail(exc) from None

    def calendars(self) -> list[CalendarInfo]:
        return [CalendarInfo(str(c.url), _name(c) or _slug(c)) for c in self._all()]

    def connect(self):
        """The caldav Calendar named ``calendar`` (or the only/first one) at the URL."""
        calendars = self._all()
        if not calendars:
            raise UserError(
                f"There is no calendar for {self.user!r} at {self.url}; create one on the server."
            )
        if not self.calendar_name:
            return calendars[0]
        names = []
        for cal in calendars:
            name, slug = _name(cal), _slug(cal)
            if self.calendar_name in (name, slug):
                return cal
            names.append(name or slug)
        raise UserError(
            f"No calendar named {self.calendar_name!r} at {self.url}. "
            f"Calendars there: {', '.join(names)}."
        )

    def open(self) -> str:
        self._calendar = self.connect()
        return str(self._calendar.url)

    def describe(self) -> str:
        cal = self._calendar or self.connect()
        try:
            name = cal.get_display_name() or str(cal.url)
        except Exception as exc:
            raise self._fail(exc) from None
        return f"Connected as {self.user}; follow-ups will go to calendar {name!r}."

    def find(self, item: EventData) -> RemoteRef | None:
        return None  # the PUT below goes to the UID's own href: repeating it is harmless

    def _put(self, href: str | None, item: EventData) -> RemoteRef:
        import caldav

        ical = build_calendar(
            [item.followup],
            alarm_minutes=get_setting("alarm_minutes", DEFAULT_ALARM_MINUTES),
            all_day_alarm=get_setting("all_day_alarm", "same-day"),
            allow_sensitive=self.allow_sensitive,
        ).to_ical()
        cal = self._calendar
        obj = caldav.Event(cal.client, url=href or None, data=ical.decode(), parent=cal)
        try:
            obj.save(increase_seqno=False)
        except Exception as exc:
            error = self._fail(exc)
            if "refused user" in str(error) or "Cannot reach" in str(error):
                raise error from None  # nothing further would be accepted either
            raise EventRefused(str(error)) from None
        return RemoteRef(str(cal.url), str(obj.url))

    def create(self, item: EventData) -> RemoteRef:
        return self._put(None, item)

    def update(self, ref: RemoteRef, item: EventData) -> RemoteRef:
        return self._put(ref.event_id, item)

    def delete(self, ref: RemoteRef) -> None:
        import caldav
        from caldav.lib import error as dav

        obj = caldav.Event(self._calendar.client, url=ref.event_id, parent=self._calendar)
        try:
            obj.delete()
        except dav.NotFoundError:
            raise EventGone(ref.event_id) from None
        except Exception as exc:
            raise self._fail(exc) from None
