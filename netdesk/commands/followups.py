"""``netdesk followups …``, ``rules run``, ``export-ics`` and ``sync-caldav``."""

import argparse
import sys
from datetime import time
from pathlib import Path

from netdesk.commands.common import parse_date, print_json
from netdesk.errors import InputError
from netdesk.models import STATUSES, FollowUp, utcnow
from netdesk.services.clock import local_today
from netdesk.services.contacts.records import get_contact


def parse_time(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a time; use HH:MM") from None


def register(subparsers) -> None:
    f = subparsers.add_parser("followups", help="plan, list and complete follow-ups")
    sub = f.add_subparsers(dest="followups_command", metavar="ACTION", required=True)

    a = sub.add_parser("add", help="plan a follow-up and print its id")
    a.add_argument("--contact", type=int, required=True, metavar="ID")
    a.add_argument("--due", type=parse_date, required=True, metavar="YYYY-MM-DD")
    a.add_argument("--time", type=parse_time, metavar="HH:MM", help="omit for all-day")
    a.add_argument("--duration", type=int, default=15, metavar="MIN")
    a.add_argument("--title", required=True)
    a.add_argument("--note", default="")
    a.set_defaults(handler=add_followup)

    ls = sub.add_parser("list", help="list follow-ups (default: open and snoozed)")
    ls.add_argument("--due-before", type=parse_date, metavar="YYYY-MM-DD")
    ls.add_argument("--status", choices=(*STATUSES, "all"), metavar="STATUS")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=list_followups)

    for name, handler, text in (
        ("done", mark_done, "mark done and log the interaction"),
        ("cancel", cancel, "cancel (exported again as STATUS:CANCELLED)"),
    ):
        p = sub.add_parser(name, help=text)
        p.add_argument("id", type=int)
        p.set_defaults(handler=handler)

    s = sub.add_parser("snooze", help="move to a later day")
    s.add_argument("id", type=int)
    s.add_argument("--until", type=parse_date, required=True, metavar="YYYY-MM-DD")
    s.set_defaults(handler=snooze)

    r = subparsers.add_parser("rules", help="follow-up rules")
    rsub = r.add_subparsers(dest="rules_command", metavar="ACTION", required=True)
    run = rsub.add_parser("run", help="apply after-event, cadence and milestone rules now")
    run.set_defaults(handler=run_rules)

    e = subparsers.add_parser("export-ics", help="write follow-ups to an .ics calendar file")
    e.add_argument("out", type=Path, metavar="OUT")
    e.add_argument("--all", action="store_true", help="every follow-up, not only open ones")
    e.add_argument("--contact", type=int, metavar="ID")
    e.add_argument("--tag", metavar="T")
    e.add_argument("--alarm", type=int, metavar="MIN", help="minutes before (default 15)")
    e.add_argument(
        "--all-day-alarm",
        choices=("same-day", "day-before"),
        help="all-day reminder at 09:00 on the day (default) or the day before (Outlook)",
    )
    e.add_argument(
        "--allow-sensitive",
        action="store_true",
        help="include text that looks like patient data instead of redacting it",
    )
    e.set_defaults(handler=export_ics)

    c = subparsers.add_parser("sync-caldav", help="push follow-ups to a CalDAV calendar")
    c.add_argument("--url", help="CalDAV URL (saved for next time)")
    c.add_argument("--user", help="user name (saved); password from NETDESK_CALDAV_PASSWORD")
    c.add_argument("--calendar", metavar="NAME", help="calendar name (default: the first)")
    # Network round trips: each accepted push commits on its own, no lock held meanwhile.
    c.set_defaults(handler=sync_caldav, transaction=False)


def _row(f: FollowUp) -> dict:
    return {
        "id": f.id,
        "contact_id": f.contact_id,
        "contact": f.contact.name,
        "title": f.title,
        "due_date": f.due_date.isoformat(),
        "due_time": f.due_time.strftime("%H:%M") if f.due_time else None,
        "duration_minutes": f.duration_minutes if f.due_time else None,
        "timezone": f.timezone or None,
        "status": f.status,
        "origin": f.origin,
        "note": f.note,
        "uid": f.uid,
        "sequence": f.sequence,
    }


def add_followup(args) -> int:
    from netdesk.services.calendar.followups import create_followup

    contact = get_contact(args.contact)
    f = create_followup(
        contact,
        args.due,
        args.title,
        due_time=args.time,
        duration_minutes=args.duration,
        note=args.note,
    )
    print(f.id)
    return 0


def list_followups(args) -> int:
    from netdesk.services.calendar.followups import OPEN_STATUSES

    query = FollowUp.select()
    if args.status in (None, ""):
        query = query.where(FollowUp.status.in_(OPEN_STATUSES))
    elif args.status != "all":
        query = query.where(FollowUp.status == args.status)
    if args.due_before:
        query = query.where(FollowUp.due_date < args.due_before)
    rows = [_row(f) for f in query.order_by(FollowUp.due_date, FollowUp.due_time, FollowUp.id)]
    if args.json:
        print_json(rows)
        return 0
    for r in rows:
        when = r["due_date"] + (f" {r['due_time']}" if r["due_time"] else "")
        print(f"{r['id']}\t{when}\t{r['status']}\t{r['contact']}\t{r['title']}")
    return 0


def mark_done(args) -> int:
    from netdesk.services.calendar.followups import complete_followup, get_followup

    f = get_followup(args.id)
    if f.status == "done":
        raise InputError(f"Follow-up {args.id} is already done.")
    complete_followup(f)
    print(f"Follow-up {args.id} done; interaction logged.")
    return 0


def cancel(args) -> int:
    from netdesk.services.calendar.followups import cancel_followup, get_followup

    cancel_followup(get_followup(args.id))
    print(f"Follow-up {args.id} cancelled.")
    return 0


def snooze(args) -> int:
    from netdesk.services.calendar.followups import get_followup, snooze_followup

    snooze_followup(get_followup(args.id), args.until)
    print(f"Follow-up {args.id} snoozed until {args.until.isoformat()}.")
    return 0


def run_rules(args) -> int:
    from netdesk.services.calendar.followups import run_rules as apply_rules

    run = apply_rules(local_today())
    print(
        f"{run.total} follow-ups planned: {run.after_event} after events, "
        f"{run.cadence} stay-in-touch, {run.milestone} congratulations."
    )
    return 0


def export_ics(args) -> int:
    from netdesk.services.calendar import ics

    if args.contact is not None:
        get_contact(args.contact)
    followups = list(ics.scope_query("all" if args.all else "open", args.contact, args.tag))
    flagged = {} if args.allow_sensitive else ics.sensitive_findings(followups)
    alarm = ics.FROM_SETTINGS if args.alarm is None else args.alarm
    count = ics.export_ics(
        args.out,
        followups,
        alarm_minutes=alarm,
        allow_sensitive=args.allow_sensitive,
        all_day_alarm=args.all_day_alarm,
    )
    print(f"{count} follow-ups written to {args.out.resolve()}")
    if flagged:
        print(
            f"netdesk: {len(flagged)} follow-up(s) had text that looks like patient data; "
            "it was redacted (use --allow-sensitive to include it).",
            file=sys.stderr,
        )
    return 0


def sync_caldav(args) -> int:
    from netdesk.services.progress import Progress
    from netdesk.services.sync import caldav_push as caldav_sync

    url, user, calendar = caldav_sync.load_config()
    url, user = args.url or url, args.user or user
    calendar = args.calendar if args.calendar is not None else calendar
    if not url or not user:
        raise InputError("Give --url and --user (they are saved for next time).")
    password = caldav_sync.get_password(user)
    caldav_sync.save_config(url, user, calendar)

    def show(done: int, total: int, message: str) -> None:
        if sys.stderr.isatty():
            print(f"\r{message:<60}", end="", file=sys.stderr, flush=True)

    started = utcnow()
    result = caldav_sync.sync_followups(url, user, password, calendar, Progress(show))
    if sys.stderr.isatty():
        print(file=sys.stderr)
    seconds = (utcnow() - started).total_seconds()
    print(f"{result.summary()} ({seconds:.1f} s)")
    return 1 if result.failed else 0
