"""``netdesk calendars``, ``sync-calendar``, ``calendar-signin`` and ``calendar-signout``."""

import os
import sys

from netdesk.commands.common import print_json
from netdesk.errors import InputError, UserError

GOOGLE_SECRET_ENV = "NETDESK_GOOGLE_CLIENT_SECRET"


def register(subparsers) -> None:
    c = subparsers.add_parser(
        "calendars", help="connected calendars (CalDAV, Microsoft, Google); pick one to use"
    )
    c.add_argument(
        "account",
        nargs="?",
        choices=("caldav", "microsoft", "google"),
        help="list this account's calendars (asks the service)",
    )
    c.add_argument("--use", metavar="NAME", help="send follow-ups to this calendar (name or id)")
    c.add_argument("--json", action="store_true")
    c.set_defaults(handler=list_calendars, transaction=False)

    s = subparsers.add_parser("sync-calendar", help="push follow-ups to the connected calendars")
    s.add_argument(
        "--provider",
        choices=("caldav", "microsoft", "google"),
        help="only this one (default: every connected calendar)",
    )
    s.add_argument(
        "--recreate-deleted",
        action="store_true",
        help="put back events you deleted in the calendar (default: leave them deleted)",
    )
    # Network round trips: each accepted change commits on its own, no lock held meanwhile.
    s.set_defaults(handler=sync_calendar, transaction=False)

    i = subparsers.add_parser("calendar-signin", help="sign in to Microsoft or Google")
    i.add_argument("account", choices=("microsoft", "google"))
    i.add_argument("--client-id", metavar="ID", help="your organisation's app (client) id")
    i.add_argument(
        "--tenant",
        metavar="T",
        help="Microsoft: organizations, consumers, common (default) or your tenant id",
    )
    i.add_argument(
        "--authority-host",
        metavar="URL",
        help="Microsoft: sign-in service of a national cloud (saved), e.g. "
        "https://login.microsoftonline.us",
    )
    i.add_argument(
        "--graph-url",
        metavar="URL",
        help="Microsoft: Graph of a national cloud (saved), e.g. https://graph.microsoft.us/v1.0",
    )
    i.add_argument(
        "--browser",
        action="store_true",
        help="Microsoft: sign in in the browser instead of with a device code",
    )
    i.add_argument(
        "--client-secret-file",
        metavar="FILE",
        help=f"Google: the client_secret.json of your organisation's OAuth client "
        f"(or --client-id with the secret in {GOOGLE_SECRET_ENV})",
    )
    i.set_defaults(handler=sign_in, transaction=False)

    o = subparsers.add_parser("calendar-signout", help="sign out and forget a calendar account")
    o.add_argument("account", choices=("caldav", "microsoft", "google"))
    o.set_defaults(handler=sign_out)


def list_calendars(args) -> int:
    from netdesk.services.sync import accounts

    if args.account is None:
        if args.use:
            raise InputError("Name the account too: netdesk calendars microsoft --use NAME.")
        rows = [accounts.account_status(a) for a in accounts.ACCOUNTS]
        if args.json:
            print_json([r.__dict__ for r in rows])
        for r in [] if args.json else rows:
            print(f"{r.account}\t{'connected' if r.connected else '-'}\t{r.label}: {r.detail}")
        return 0
    accounts.require_connected(args.account)
    found = accounts.provider_for(args.account).calendars()
    chosen, _ = accounts.chosen_calendar(args.account)
    if args.use:
        match = [c for c in found if args.use in (c.id, c.name)]
        if not match:
            names = ", ".join(c.name for c in found)
            raise InputError(f"No calendar {args.use!r} in {args.account}; there are: {names}.")
        if not match[0].writable:
            raise InputError(f"Calendar {match[0].name!r} is read-only; pick one you can edit.")
        accounts.choose_calendar(args.account, match[0].id, match[0].name)
        print(f"Follow-ups will go to {match[0].name!r}.")
        return 0
    if args.json:
        print_json([c.__dict__ | {"chosen": c.id == chosen} for c in found])
        return 0
    for c in found:
        mark = "*" if c.id == chosen or (not chosen and c.primary) else " "
        note = "" if c.writable else " (read-only)"
        print(f"{mark} {c.name}{note}\t{c.id}")
    return 0


def sync_calendar(args) -> int:
    from netdesk.services.progress import Progress
    from netdesk.services.sync import accounts, engine

    names = [args.provider] if args.provider else accounts.connected_accounts()
    if not names:
        raise UserError(
            "No calendar is connected: netdesk calendar-signin microsoft|google, or "
            "netdesk sync-caldav --url URL --user U."
        )

    def show(done: int, total: int, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{message:<60}", end="", file=sys.stderr, flush=True)

    failed = False
    for name in names:
        accounts.require_connected(name)
        result = engine.sync(
            accounts.provider_for(name),
            Progress(show),
            recreate_deleted=True if args.recreate_deleted else None,
        )
        if sys.stderr.isatty():
            print(file=sys.stderr)
        print(result.summary())
        failed = failed or bool(result.failed)
    return 1 if failed else 0


def sign_in(args) -> int:
    from netdesk.models import database
    from netdesk.services.sync import accounts, tokens

    if args.account == "microsoft":
        config = accounts.microsoft_config()
        with database.atomic():
            accounts.save_microsoft_config(
                args.client_id or config.client_id, args.tenant or config.tenant
            )
            accounts.save_microsoft_endpoints(args.authority_host, args.graph_url)
        if args.browser:
            user = accounts.microsoft_sign_in_browser()
        else:
            user = accounts.microsoft_sign_in(lambda text: print(text, flush=True))
        print(f"Signed in to Microsoft as {user}. Pick a calendar: netdesk calendars microsoft.")
        return 0
    if args.client_secret_file:
        config = tokens.google_client_config(args.client_secret_file)
    elif args.client_id:
        secret = os.environ.get(GOOGLE_SECRET_ENV, "")
        if not secret and sys.stdin.isatty():
            import getpass

            secret = getpass.getpass("Google OAuth client secret: ")
        config = tokens.google_client_config(client_id=args.client_id, client_secret=secret)
    else:
        raise InputError(
            "Give --client-secret-file FILE (your organisation's OAuth client for a desktop "
            f"app), or --client-id ID with the secret in {GOOGLE_SECRET_ENV}."
        )
    print("Opening the browser to sign in to Google…", flush=True)
    tokens.google_sign_in(config)
    print("Signed in to Google. Pick a calendar: netdesk calendars google.")
    return 0


def sign_out(args) -> int:
    from netdesk.services.sync import accounts

    print(accounts.sign_out(args.account))
    return 0
