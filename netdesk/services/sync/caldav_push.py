"""Push follow-ups to a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, ...).

One-way and idempotent: each follow-up is one calendar object, PUT under its
stable UID with our own SEQUENCE; a follow-up is marked synced (``synced_sequence``)
only after the server accepted that exact version. Done and cancelled follow-ups
are sent as STATUS:CANCELLED; objects we created whose follow-up was deleted are
deleted from the server. The password comes from NETDESK_CALDAV_PASSWORD or the
system keyring, never from the database or QSettings.
"""

import os
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from netdesk.errors import InputError, UserError
from netdesk.models import FollowUp, get_setting, set_setting
from netdesk.services.calendar.followups import OPEN_STATUSES
from netdesk.services.calendar.ics import DEFAULT_ALARM_MINUTES, build_calendar
from netdesk.services.progress import NO_PROGRESS, Progress

KEYRING_SERVICE = "netdesk-caldav"
PASSWORD_ENV = "NETDESK_CALDAV_PASSWORD"
UID_SUFFIX = "@netdesk"
TIMEOUT_SECONDS = 20


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    cancelled: int = 0
    deleted: int = 0
    failed: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            f"{self.created} new",
            f"{self.updated} updated",
            f"{self.cancelled} cancelled",
            f"{self.deleted} removed",
        ]
        text = "CalDAV sync: " + ", ".join(parts) + "."
        if self.failed:
            text += f" {len(self.failed)} not accepted by the server: " + "; ".join(self.failed[:3])
        return text


# --- settings and the password -----------------------------------------------------


def load_config() -> tuple[str, str, str]:
    """(url, user, calendar name) from the settings; empty strings if not set."""
    return (
        get_setting("caldav.url", "") or "",
        get_setting("caldav.user", "") or "",
        get_setting("caldav.calendar", "") or "",
    )


def save_config(url: str, user: str, calendar: str = "") -> None:
    check_url(url)
    set_setting("caldav.url", url.strip())
    set_setting("caldav.user", user.strip())
    set_setting("caldav.calendar", calendar.strip())


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


def get_password(user: str) -> str:
    """NETDESK_CALDAV_PASSWORD if set, else the keyring entry for ``user``."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError as exc:
        raise UserError(f"The system keyring could not be read ({exc}).") from None
    if not password:
        raise UserError(
            f"No CalDAV password for {user!r}: save it in Settings (system keyring) "
            f"or set {PASSWORD_ENV}."
        )
    return password


def store_password(user: str, password: str) -> None:
    """Save to the system keyring, and check it was really kept."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
        kept = keyring.get_password(KEYRING_SERVICE, user) == password
    except KeyringError as exc:
        raise UserError(
            f"The system keyring refused the password ({exc}). Set {PASSWORD_ENV} instead."
        ) from None
    if not kept:  # e.g. the "null" backend accepts and forgets
        raise UserError(
            f"The system keyring did not keep the password (is a keyring service running?). "
            f"Set {PASSWORD_ENV} instead."
        )


# --- connecting --------------------------------------------------------------------


def _translate(exc: Exception, url: str, user: str) -> UserError:
    """A network or DAV failure as a message that says what to do."""
    from netdesk.services.sync.dav import translate_error

    return translate_error(exc, url, user, "CalDAV")


def connect(url: str, user: str, password: str, calendar: str = ""):
    """The caldav Calendar named ``calendar`` (or the only/first one) at ``url``."""
    import caldav

    url = check_url(url)
    try:
        client = caldav.DAVClient(url, username=user, password=password, timeout=TIMEOUT_SECONDS)
        calendars = client.principal().calendars()
    except Exception as exc:
        raise _translate(exc, url, user) from None
    if not calendars:
        raise UserError(f"There is no calendar for {user!r} at {url}; create one on the server.")
    if not calendar:
        return calendars[0]
    names = []
    for cal in calendars:
        try:
            name = cal.get_display_name() or ""
        except Exception:  # a calendar without a display name is matched by its path
            name = ""
        slug = str(cal.url).rstrip("/").rsplit("/", 1)[-1]
        if calendar in (name, slug):
            return cal
        names.append(name or slug)
    raise UserError(
        f"No calendar named {calendar!r} at {url}. Calendars there: {', '.join(names)}."
    )


def check_connection(url: str, user: str, password: str, calendar: str = "") -> str:
    """Connect and say which calendar will be used."""
    cal = connect(url, user, password, calendar)
    try:
        name = cal.get_display_name() or str(cal.url)
    except Exception as exc:
        raise _translate(exc, url, user) from None
    return f"Connected as {user}; follow-ups will go to calendar {name!r}."


# --- pushing -----------------------------------------------------------------------


def pending_followups() -> list[FollowUp]:
    """New open follow-ups, and every one changed since the server last accepted it."""
    never = FollowUp.synced_sequence.is_null() & FollowUp.status.in_(OPEN_STATUSES)
    changed = FollowUp.synced_sequence.is_null(False) & (
        FollowUp.synced_sequence < FollowUp.sequence
    )
    return list(FollowUp.select().where(never | changed).order_by(FollowUp.id))


def sync_followups(
    url: str,
    user: str,
    password: str,
    calendar: str = "",
    progress: Progress = NO_PROGRESS,
    *,
    allow_sensitive: bool = False,
) -> SyncResult:
    """Push pending follow-ups and remove objects whose follow-up is gone.

    Running it twice in a row sends nothing the second time.
    """
    import caldav

    cal = connect(url, user, password, calendar)
    alarm = get_setting("alarm_minutes", DEFAULT_ALARM_MINUTES)
    all_day = get_setting("all_day_alarm", "same-day")
    result = SyncResult()
    todo = pending_followups()
    total = len(todo) + 1
    for i, followup in enumerate(todo):
        progress.step(i, total, f"Sending follow-up {i + 1} of {len(todo)}…")
        ical = build_calendar(
            [followup],
            alarm_minutes=alarm,
            allow_sensitive=allow_sensitive,
            all_day_alarm=all_day,
        ).to_ical()
        obj = caldav.Event(
            cal.client, url=followup.caldav_href or None, data=ical.decode(), parent=cal
        )
        try:
            obj.save(increase_seqno=False)
        except Exception as exc:
            error = _translate(exc, url, user)
            if "refused user" in str(error) or "Cannot reach" in str(error):
                raise error from None  # nothing further would be accepted either
            result.failed.append(f"{followup.title} (#{followup.id}): {error}")
            continue
        FollowUp.update(synced_sequence=followup.sequence, caldav_href=str(obj.url)).where(
            FollowUp.id == followup.id
        ).execute()
        if followup.status not in OPEN_STATUSES:
            result.cancelled += 1
        elif followup.synced_sequence is None:
            result.created += 1
        else:
            result.updated += 1
    progress.step(len(todo), total, "Removing deleted follow-ups…")
    result.deleted = _delete_orphans(cal, url, user)
    progress.step(total, total, "Done")
    return result


def _delete_orphans(cal, url: str, user: str) -> int:
    """Delete server objects netdesk created (UID …@netdesk) whose follow-up no longer exists."""
    known = {uid for (uid,) in FollowUp.select(FollowUp.uid).tuples()}
    deleted = 0
    try:
        objects = cal.events()
    except Exception as exc:
        raise _translate(exc, url, user) from None
    for obj in objects:
        try:
            uid = str(obj.icalendar_component.get("uid", ""))
        except Exception:  # an object we cannot parse is not ours to delete
            continue
        if uid.endswith(UID_SUFFIX) and uid not in known:
            try:
                obj.delete()
                deleted += 1
            except Exception as exc:
                raise _translate(exc, url, user) from None
    return deleted
