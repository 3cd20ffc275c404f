"""``netdesk contacts`` and ``netdesk add``."""

from netdesk.commands.common import print_json
from netdesk.models import CONTACT_KINDS, ROLES
from netdesk.models.contact import ORG_MARKER
from netdesk.services.contacts.records import contact_to_dict, create_contact
from netdesk.services.contacts.search import ContactFilter, contact_query


def register(subparsers) -> None:
    p = subparsers.add_parser("contacts", help="list contacts")
    p.add_argument("--search", default="", metavar="Q", help="name, email or organization")
    p.add_argument("--tag", default="", metavar="T")
    p.add_argument("--role", default="", choices=("", *ROLES), metavar="ROLE")
    p.add_argument(
        "--kind", default="", choices=("", *CONTACT_KINDS), help="only people or organizations"
    )
    p.add_argument(
        "--org",
        default="",
        metavar="ORG",
        help="everyone with a current position there (a second appointment counts)",
    )
    p.add_argument("--archived", action="store_true", help="include archived contacts")
    p.add_argument("--limit", type=int, default=0, help="at most this many (0 = all)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.set_defaults(handler=list_contacts)

    a = subparsers.add_parser("add", help="add one contact and print its id")
    a.add_argument("--name", required=True)
    a.add_argument("--email", action="append", default=[])
    a.add_argument("--phone", action="append", default=[])
    a.add_argument("--org", default="")
    a.add_argument(
        "--kind", default="person", choices=CONTACT_KINDS, help="org: --name is an organization"
    )
    a.add_argument("--title", default="")
    a.add_argument("--role", default="", choices=("", *ROLES), metavar="ROLE")
    a.add_argument("--specialty", default="")
    a.add_argument("--credentials", default="")
    a.add_argument("--tag", action="append", default=[])
    a.add_argument("--notes", default="")
    a.set_defaults(handler=add_contact)


def list_contacts(args) -> int:
    f = ContactFilter(
        search=args.search,
        tag=args.tag,
        role=args.role,
        kind=args.kind,
        organization=args.org,
        include_archived=args.archived,
    )
    query = contact_query(f)
    if args.limit > 0:
        query = query.limit(args.limit)
    if args.json:
        print_json([contact_to_dict(c) for c in query])
        return 0
    for c in query:
        org = c.organization.name if c.organization_id else ""
        name = c.name + (ORG_MARKER if c.kind == "org" else "")
        print(f"{c.id}\t{name}\t{org}\t{c.title}")
    return 0


def add_contact(args) -> int:
    contact = create_contact(
        name=args.name,
        emails=args.email,
        phones=args.phone,
        organization=args.org,
        tags=args.tag,
        title=args.title,
        role=args.role,
        specialty=args.specialty,
        credentials=args.credentials,
        notes=args.notes,
        kind=args.kind,
    )
    print(contact.id)
    return 0
