"""The calendar accounts a user can connect, their settings, and their providers.

Settings (database, as JSON, never secrets): which calendar each account uses, the
Microsoft app registration (client id, tenant) and the service endpoints, which an
administrator can point at a national cloud and the tests at a local stand-in.
Tokens and passwords are in the keyring (``tokens``, ``caldav_sync``).
"""

from collections.abc import Callable
from dataclasses import dataclass

from netdesk.errors import InputError, UserError
from netdesk.models import get_setting, set_setting
from netdesk.services.sync.engine import CalendarProvider
from netdesk.services.sync.tokens import MICROSOFT_LOGIN, MicrosoftConfig

ACCOUNTS = ("caldav", "microsoft", "google")
LABELS = {"caldav": "CalDAV", "microsoft": "Microsoft 365 / Outlook.com", "google": "Google"}


def check_account(name: str) -> str:
    if name not in ACCOUNTS:
        raise InputError(f"{name!r} is not one of: {', '.join(ACCOUNTS)}.")
    return name


def microsoft_config() -> MicrosoftConfig:
    return MicrosoftConfig(
        client_id=get_setting("microsoft.client_id", "") or "",
        tenant=get_setting("microsoft.tenant", "") or "common",
        authority_host=get_setting("microsoft.authority_host", "") or MICROSOFT_LOGIN,
    )


def save_microsoft_config(client_id: str, tenant: str = "common") -> None:
    tenant = tenant.strip() or "common"
    if "/" in tenant or " " in tenant:
        raise InputError(
            f"Tenant {tenant!r} is not 'organizations', 'consumers', 'common', a domain "
            "or a tenant id."
        )
    set_setting("microsoft.client_id", client_id.strip())
    set_setting("microsoft.tenant", tenant)


def save_microsoft_endpoints(authority_host: str | None, graph_url: str | None) -> None:
    """National clouds (US Government, China) use other hosts; None keeps what is set."""
    from netdesk.services.sync.graph import check_base_url

    if authority_host is not None:
        if not authority_host.startswith("https://"):
            raise InputError(f"{authority_host} is not an https:// sign-in address.")
        set_setting("microsoft.authority_host", authority_host.rstrip("/"))
    if graph_url is not None:
        set_setting("microsoft.graph_url", check_base_url(graph_url))


def chosen_calendar(account: str) -> tuple[str, str]:
    """(calendar id, name) picked for ``account``; ("", "") means the default calendar."""
    return (
        get_setting(f"{account}.calendar_id", "") or "",
        get_setting(f"{account}.calendar_name", "") or "",
    )


def choose_calendar(account: str, calendar_id: str, name: str) -> None:
    set_setting(f"{account}.calendar_id", calendar_id)
    set_setting(f"{account}.calendar_name", name)


@dataclass
class AccountStatus:
    account: str
    label: str
    connected: bool
    detail: str  # who is signed in and which calendar, or what to do


def account_status(account: str) -> AccountStatus:
    """What Settings › Calendars and ``netdesk calendars`` show; touches no network."""
    from netdesk.services.sync.engine import last_run_note

    label = LABELS[account]
    note = last_run_note(account)
    if account == "caldav":
        from netdesk.services.sync import caldav_push as caldav_sync

        url, user, calendar = caldav_sync.load_config()
        if not url:
            return AccountStatus(account, label, False, "not set up")
        detail = f"{user} at {url}, calendar {calendar or '(the first)'}"
        return AccountStatus(account, label, True, detail + (f"; {note}" if note else ""))
    _, name = chosen_calendar(account)
    calendar = f"calendar {name!r}" if name else "the default calendar"
    if account == "microsoft":
        who = get_setting("microsoft.username", "") or ""
    else:
        from netdesk.services.sync.tokens import google_signed_in

        try:
            who = "signed in" if google_signed_in() else ""
        except UserError as exc:  # no keyring service (a minimal Linux desktop): say so
            return AccountStatus(account, label, False, str(exc))
    if not who:
        return AccountStatus(account, label, False, "not signed in")
    detail = f"{who}, {calendar}" + (f"; {note}" if note else "")
    return AccountStatus(account, label, True, detail)


def provider_for(account: str, *, sleep=None) -> CalendarProvider:
    """The configured provider for ``account``; UserError says what is missing."""
    check_account(account)
    if account == "caldav":
        from netdesk.services.sync import caldav_push as caldav_sync

        return caldav_sync.configured_provider()
    calendar_id, _ = chosen_calendar(account)
    if account == "microsoft":
        from netdesk.services.sync.graph import GRAPH_URL, GraphProvider
        from netdesk.services.sync.tokens import MicrosoftSignIn

        signin = MicrosoftSignIn(microsoft_config())
        base = get_setting("microsoft.graph_url", "") or GRAPH_URL
        return GraphProvider(signin, calendar_id, base_url=base)
    from netdesk.services.sync.google import GoogleProvider

    endpoint = get_setting("google.api_endpoint", "") or None
    return GoogleProvider(calendar_id, api_endpoint=endpoint)


def connected_accounts() -> list[str]:
    return [a for a in ACCOUNTS if account_status(a).connected]


def require_connected(account: str) -> None:
    if not account_status(account).connected:
        raise UserError(
            f"{LABELS[account]} is not connected: Settings › Calendars, or "
            f"netdesk calendar-signin {account}."
        )


def microsoft_sign_in(show: Callable[[str], None], should_stop=lambda: False) -> str:
    """Device-code sign-in: ``show`` gets the "open … and enter the code …" text."""
    from netdesk.services.sync.tokens import MicrosoftSignIn

    signin = MicrosoftSignIn(microsoft_config())
    flow = signin.start_device_flow()
    show(flow["message"])
    user = signin.finish_device_flow(flow, should_stop)
    set_setting("microsoft.username", user)
    return user


def microsoft_sign_in_browser() -> str:
    """Interactive sign-in in the system browser (a desktop session is needed)."""
    from netdesk.services.sync.tokens import MicrosoftSignIn

    user = MicrosoftSignIn(microsoft_config()).sign_in_interactive()
    set_setting("microsoft.username", user)
    return user


def sign_out(account: str) -> str:
    """Forget the account's secrets (revoking where the provider allows) and its links."""
    from netdesk.services.sync.engine import forget_account

    check_account(account)
    if account == "caldav":
        from netdesk.services.sync import caldav_push as caldav_sync

        _, user, _ = caldav_sync.load_config()
        if user:
            caldav_sync.forget_password(user)
        set_setting("caldav.url", "")
        note = "CalDAV password removed from the keyring."
    elif account == "microsoft":
        from netdesk.services.sync.tokens import MicrosoftSignIn

        config = microsoft_config()
        if config.client_id:
            MicrosoftSignIn(config).sign_out()
        set_setting("microsoft.username", "")
        note = (
            "Signed out of Microsoft; the tokens were removed from the keyring. Microsoft "
            "offers no revocation to desktop apps: remove netdesk at myaccount.microsoft.com "
            "› Privacy › Apps and services to withdraw consent."
        )
    else:
        from netdesk.models import Setting
        from netdesk.services.sync.tokens import GOOGLE_REVOKE, google_sign_out

        note = google_sign_out(get_setting("google.revoke_uri", "") or GOOGLE_REVOKE)
        Setting.delete().where(Setting.key.startswith("google.sync_token.")).execute()
    forget_account(account)
    choose_calendar(account, "", "")
    return note
