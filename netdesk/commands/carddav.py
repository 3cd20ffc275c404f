"""``netdesk sync-carddav``: two-way contact sync with a CardDAV address book."""

import sys

from netdesk.commands.common import print_json
from netdesk.models import utcnow


def register(subparsers) -> None:
    c = subparsers.add_parser(
        "sync-carddav", help="two-way contact sync with a CardDAV address book"
    )
    c.add_argument("--url", help="CardDAV URL (saved for next time)")
    c.add_argument(
        "--user", help="user name (saved); password from NETDESK_CARDDAV_PASSWORD or the keyring"
    )
    c.add_argument("--addressbook", metavar="NAME", help="address book (default: the first)")
    c.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
    c.add_argument(
        "--allow-deletions",
        action="store_true",
        help="follow the server even when it deleted more than 20%% of the cards",
    )
    c.add_argument(
        "--prefer",
        choices=("mine", "theirs", "newest"),
        help="who wins a field changed on both sides: mine (netdesk), theirs (the server) "
        "or newest (the later change); default: the choice in Settings › Contacts sync, "
        "newest unless changed. The other value is kept in the contact's history",
    )
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    # Network round trips: each card's outcome commits on its own, no lock held meanwhile.
    c.set_defaults(handler=sync_carddav, transaction=False)


def sync_carddav(args) -> int:
    from netdesk.services.progress import Progress
    from netdesk.services.sync import carddav

    config = carddav.load_config()
    url, user = args.url or config["url"], args.user or config["user"]
    book = args.addressbook if args.addressbook is not None else config["addressbook"]
    carddav.require_config(url, user)
    password = carddav.get_password(user)
    if not args.dry_run:
        carddav.save_config(url, user, book)

    def show(done: int, total: int, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{message[:70]:<70}", end="", file=sys.stderr, flush=True)

    started = utcnow()
    report = carddav.sync_contacts(
        url,
        user,
        password,
        book,
        dry_run=args.dry_run,
        allow_deletions=args.allow_deletions,
        prefer=args.prefer,
        progress=Progress(show),
    )
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(report.to_dict())
    else:
        seconds = (utcnow() - started).total_seconds()
        print(f"{report.summary()} ({seconds:.1f} s)")
        for line in report.plan_lines[:200]:
            print(f"  {line}")
        for line in report.conflicts:
            print(f"  conflict: {line}")
    return 1 if report.problems else 0
