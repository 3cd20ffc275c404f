"""``netdesk log``, ``history``, ``milestone``, ``relate``, ``today`` and ``events``."""

from datetime import date

from netdesk.commands.common import parse_date, print_json
from netdesk.models import CHANNELS, MILESTONE_KINDS
from netdesk.services.calendar.followups import add_milestone
from netdesk.services.calendar.today import SECTION_TITLES, SECTIONS, build_today
from netdesk.services.clock import is_dated, user_clock
from netdesk.services.contacts.records import get_contact
from netdesk.services.history.events import get_event, list_events
from netdesk.services.history.interactions import (
    RELATE_KINDS,
    TIMELINE_KINDS,
    add_relationship,
    log_interaction,
    relationships_for,
    timeline,
)


def register(subparsers) -> None:
    log = subparsers.add_parser("log", help="log an interaction with a contact")
    log.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    log.add_argument("--channel", required=True, choices=CHANNELS, metavar="CHANNEL")
    log.add_argument("--summary", required=True, metavar="TEXT")
    log.add_argument("--note", default="", metavar="TEXT")
    log.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD", help="default: now")
    log.add_argument("--event", type=int, metavar="EVENT_ID", help="where it happened")
    log.set_defaults(handler=log_command)

    hist = subparsers.add_parser("history", help="a contact's timeline, newest first")
    hist.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    hist.add_argument(
        "--kind", action="append", choices=TIMELINE_KINDS, metavar="KIND", help="repeatable"
    )
    hist.add_argument("--json", action="store_true")
    hist.set_defaults(handler=history_command)

    ms = subparsers.add_parser("milestone", help="record a career milestone")
    ms.add_argument("contact_id", type=int, metavar="CONTACT_ID")
    ms.add_argument("--kind", required=True, choices=MILESTONE_KINDS, metavar="KIND")
    ms.add_argument("--summary", required=True, metavar="TEXT")
    ms.add_argument("--date", type=parse_date, metavar="YYYY-MM-DD")
    ms.add_argument("--congratulate", action="store_true", help="plan a follow-up for today")
    ms.set_defaults(handler=milestone_command)

    rel = subparsers.add_parser("relate", help="A is <kind> B (e.g. mentor of)")
    rel.add_argument("a_id", type=int, metavar="A_ID")
    rel.add_argument("b_id", type=int, metavar="B_ID")
    rel.add_argument("--kind", required=True, choices=RELATE_KINDS, metavar="KIND")
    rel.add_argument("--project", default="", help="for collaborators")
    rel.set_defaults(handler=relate_command)

    today = subparsers.add_parser("today", help="what is due and who to get back to")
    today.add_argument("--json", action="store_true")
    today.set_defaults(handler=today_command)

    events = subparsers.add_parser("events", help="events, people met, who still waits")
    events.add_argument("--json", action="store_true")
    events.set_defaults(handler=events_command)


def log_command(args) -> int:
    contact = get_contact(args.contact_id)
    extra = {"event": get_event(args.event).id} if args.event else {}
    row = log_interaction(
        contact,
        channel=args.channel,
        summary=args.summary,
        occurred_at=args.date,
        note=args.note,
        **extra,
    )
    print(row.id)
    return 0


def history_command(args) -> int:
    contact = get_contact(args.contact_id)
    entries = timeline(contact.id, kinds=args.kind)
    if args.json:
        print_json(
            {
                "contact": {"id": contact.id, "name": contact.name},
                "relationships": [vars(v) for v in relationships_for(contact.id)],
                "timeline": [e.to_dict() for e in entries],
            }
        )
        return 0
    for view in relationships_for(contact.id):
        print(f"{contact.name} is {view.label} {view.other_name} (#{view.other_id})")
    clock = user_clock()  # the text shows the user's time; JSON keeps the stored UTC
    for e in entries:
        timed = not is_dated(e.when)
        wall = clock.wall_of(e.when)
        when = wall.strftime("%Y-%m-%d %H:%M") if timed else wall.date().isoformat()
        detail = f"  [{e.detail}]" if e.detail else ""
        print(f"{when}\t{e.kind}\t{e.title}{detail}")
    return 0


def milestone_command(args) -> int:
    row, followup = add_milestone(
        args.contact_id, args.kind, args.summary, on=args.date, congratulate=args.congratulate
    )
    print(row.id if followup is None else f"{row.id}\tfollow-up {followup.id}: {followup.title}")
    return 0


def relate_command(args) -> int:
    rel = add_relationship(args.a_id, args.b_id, args.kind, project=args.project)
    print(rel.id)
    return 0


def today_command(args) -> int:
    result = build_today()
    if args.json:
        print_json(result.to_dict())
        return 0
    if result.is_empty():
        print("Nothing due today.")
        return 0
    for section in SECTIONS:
        items = result.sections[section]
        if not items:
            continue
        print(f"{SECTION_TITLES[section]} ({result.total_text(section)})")
        for item in items:
            print(f"  #{item.contact_id}\t{item.name}\t{item.title}\t{item.detail}")
    return 0


def _day(value: date | None) -> str:
    return value.isoformat() if value else "-"


def events_command(args) -> int:
    events = list_events()
    if args.json:
        print_json([e.to_dict() for e in events])
        return 0
    for e in events:
        print(
            f"{e.id}\t{_day(e.start_date)}\t{e.name}\t{e.kind}\t"
            f"{e.people} met, {e.followed_up} followed up, {e.waiting} waiting"
        )
    return 0
