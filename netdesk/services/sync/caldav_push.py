"""Push follow-ups to a CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, ...).

The settings and the password of the CalDAV account; the pushing itself is the
shared sync engine (``netdesk.services.sync.engine``) with the CalDAV provider
(``netdesk.services.sync.caldav_provider``). The password comes from
NETDESK_CALDAV_PASSWORD or the system keyring, never from the database or QSettings.
"""

import os

from netdesk.errors import UserError
from netdesk.models import FollowUp, get_setting, set_setting
from netdesk.services.progress import NO_PROGRESS, Progress
from netdesk.services.sync import engine
from netdesk.services.sync.caldav_provider import CaldavProvider, check_url
from netdesk.services.sync.engine import SyncResult
from netdesk.services.sync.keyring_store import delete_secret, load_secret, save_secret

KEYRING_SERVICE = "netdesk-caldav"
PASSWORD_ENV = "NETDESK_CALDAV_PASSWORD"

__all__ = ["SyncResult", "check_url"]


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


def get_password(user: str) -> str:
    """NETDESK_CALDAV_PASSWORD if set, else the keyring entry for ``user``."""
    password = os.environ.get(PASSWORD_ENV) or load_secret(KEYRING_SERVICE, user)
    if not password:
        raise UserError(
            f"No CalDAV password for {user!r}: save it in Settings (system keyring) "
            f"or set {PASSWORD_ENV}."
        )
    return password


def store_password(user: str, password: str) -> None:
    """Save to the system keyring, and check it was really kept."""
    save_secret(KEYRING_SERVICE, user, password, f"Set {PASSWORD_ENV} instead.", "password")


def forget_password(user: str) -> None:
    """Remove the keyring entry (Sign out); nothing to do if there was none."""
    delete_secret(KEYRING_SERVICE, user)


def configured_provider(**kwargs) -> CaldavProvider:
    """The provider for the saved URL, user and calendar, with the saved password."""
    url, user, calendar = load_config()
    if not url or not user:
        raise UserError(
            "No CalDAV calendar is set up: Settings › Calendars, or "
            "netdesk sync-caldav --url URL --user U."
        )
    return CaldavProvider(url, user, get_password(user), calendar, **kwargs)


# --- connecting and pushing ----------------------------------------------------------


def connect(url: str, user: str, password: str, calendar: str = ""):
    """The caldav Calendar named ``calendar`` (or the only/first one) at ``url``."""
    return CaldavProvider(url, user, password, calendar).connect()


def check_connection(url: str, user: str, password: str, calendar: str = "") -> str:
    """Connect and say which calendar will be used."""
    return CaldavProvider(url, user, password, calendar).describe()


def pending_followups() -> list[FollowUp]:
    """New open follow-ups, and every one changed since the server last accepted it."""
    return engine.pending(CaldavProvider.account)


def sync_followups(
    url: str,
    user: str,
    password: str,
    calendar: str = "",
    progress: Progress = NO_PROGRESS,
    *,
    allow_sensitive: bool = False,
) -> SyncResult:
    """Push pending follow-ups and remove events whose follow-up is gone.

    Running it twice in a row sends nothing the second time.
    """
    provider = CaldavProvider(url, user, password, calendar, allow_sensitive=allow_sensitive)
    return engine.sync(provider, progress, allow_sensitive=allow_sensitive)
