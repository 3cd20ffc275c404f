"""``netdesk positions``: a contact's positions, adding one, and recording a career move."""

from netdesk.commands.common import parse_date, print_json
from netdesk.errors import InputError
from netdesk.services.careers.moves import detect_change, record_move
from netdesk.services.contacts.affiliations import (
    Position,
    add_affiliations,
    affiliation_rows,
)
from netdesk.services.contacts.records import get_contact


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "positions",
        help="a contact's positions (affiliations); add one, or record a career move",
    )
    p.add_argument("contact", type=int, metavar="CONTACT_ID")
    what = p.add_mutually_exclusive_group()
    what.add_argument(
        "--add", action="store_true", help="add a second (or, with --end, a past) position"
    )
    what.add_argument(
        "--move",
        action="store_true",
        help="a new primary position: the current one ends today, a milestone and a "
        "congratulate follow-up are recorded",
    )
    p.add_argument("--org", default="", metavar="ORG")
    p.add_argument("--title", default="")
    p.add_argument("--department", default="")
    p.add_argument("--start", type=parse_date, default=None, metavar="YYYY-MM-DD")
    p.add_argument("--end", type=parse_date, default=None, metavar="YYYY-MM-DD")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=positions)


def positions(args) -> int:
    contact = get_contact(args.contact)
    new = Position(args.org.strip(), args.title.strip(), args.department.strip())
    if (args.add or args.move) and new.is_empty():
        raise InputError("Give the position: --org, --title and/or --department.")
    if args.add:
        row = {**vars(new), "start_date": args.start, "end_date": args.end}
        if args.start and args.end and args.end < args.start:
            raise InputError(f"The position ends ({args.end}) before it starts ({args.start}).")
        if not add_affiliations(contact.id, [row]):
            raise InputError(f"{contact.name} already holds {new.describe()}.")
    elif args.move:
        current = next((r for r in affiliation_rows(contact.id) if r["primary"]), None)
        before = Position(*(current[k] for k in ("organization", "title", "department")))
        change = detect_change(contact.id, contact.name, before, new) if current else None
        if change is None:
            raise InputError(
                f"{new.describe()} is not a move from {contact.name}'s current position "
                f"({before.describe() if current else 'none'}); edit the contact instead."
            )
        record_move(change, args.start)
        print(f"{contact.name}: {change.kind}, {change.summary()} (milestone and follow-up added).")
    rows = affiliation_rows(contact.id)
    if args.json:
        print_json(
            [
                {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in r.items()}
                for r in rows
            ]
        )
        return 0
    for r in rows:
        when = " – ".join(str(d) if d else "" for d in (r["start_date"], r["end_date"])).strip(" –")
        mark = "primary" if r["primary"] else ("past" if r["end_date"] else "also")
        print("\t".join([mark, r["organization"], r["title"], r["department"], when]))
    return 0
