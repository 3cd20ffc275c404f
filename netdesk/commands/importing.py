"""``netdesk import``, ``undo-import``, ``imports`` and ``export-vcard``."""

import os
import sys
from pathlib import Path

from netdesk.commands.common import parse_date, print_json
from netdesk.errors import InputError, UserError
from netdesk.models import EVENT_KINDS


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "import", help="import contacts from .vcf / .csv files and badge or business-card pictures"
    )
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--event", default="", metavar="NAME", help="where you met them")
    p.add_argument(
        "--event-kind",
        default="conference",
        choices=EVENT_KINDS,
        metavar="KIND",
        help=f"one of: {', '.join(EVENT_KINDS)}",
    )
    p.add_argument("--event-date", type=parse_date, default=None, metavar="YYYY-MM-DD")
    p.add_argument("--tag", default="", metavar="T", help="tag every imported contact")
    p.add_argument("--dry-run", action="store_true", help="show what would happen; write nothing")
    p.add_argument(
        "--follow-up-after",
        type=int,
        default=None,
        metavar="N",
        help="schedule a follow-up N business days after the event",
    )
    p.add_argument(
        "--keep-sensitive-notes",
        action="store_true",
        help="keep notes that look like patient data as written (default: redact them)",
    )
    p.add_argument(
        "--skip-career-changes",
        action="store_true",
        help="keep known contacts' current title and organization (no past position, "
        "milestone or congratulate follow-up)",
    )
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=import_files)

    u = subparsers.add_parser("undo-import", help="undo one import batch")
    u.add_argument("batch", type=int, metavar="BATCH")
    u.add_argument("--json", action="store_true")
    u.set_defaults(handler=undo)

    i = subparsers.add_parser("imports", help="list import batches")
    i.add_argument("--json", action="store_true")
    i.set_defaults(handler=list_imports)

    e = subparsers.add_parser("export-vcard", help="export contacts as vCard")
    e.add_argument("out", metavar="OUT", help="a .vcf file, or a folder with --split")
    e.add_argument("--version", dest="vcard_version", default="3.0", choices=("3.0", "4.0"))
    e.add_argument("--split", action="store_true", help="one file per contact in folder OUT")
    e.add_argument("--tag", default="", metavar="T", help="only contacts with this tag")
    e.set_defaults(handler=export_vcard)


def _follow_up_scheduler():
    try:
        from netdesk.services.calendar import followups
    except ImportError:
        return None
    return getattr(followups, "schedule_after_event", None)


def import_files(args) -> int:
    from netdesk.services.importing.importer import commit_plan, plan_import

    schedule = None
    if args.follow_up_after is not None:
        if args.follow_up_after < 0:
            raise InputError("--follow-up-after needs a number of business days (0 or more).")
        if not args.event:
            raise InputError("--follow-up-after needs --event (follow-ups are counted from it).")
        schedule = _follow_up_scheduler()
        if schedule is None:
            raise UserError(
                "--follow-up-after is not available in this version (no follow-up scheduler); "
                "import without it and schedule follow-ups from the Follow-ups view."
            )
    workers = 2 if (os.cpu_count() or 1) > 1 else 1
    plan = plan_import([Path(f) for f in args.files], workers=workers)
    careers = plan.career_changes()
    for change in careers:
        change.apply = not args.skip_career_changes
    counts = plan.counts()
    problems = [
        {"file": p.file, "card": p.card, "line": p.line, "message": p.message}
        for p in plan.all_problems()
    ]
    batch_id = None
    if not args.dry_run:
        batch = commit_plan(
            plan,
            event_name=args.event,
            event_kind=args.event_kind,
            event_date=args.event_date,
            tag=args.tag,
            redact_notes=not args.keep_sensitive_notes,
        )
        batch_id = batch.id
        if schedule is not None and batch.event_id is not None:
            made = schedule(batch.event, batch.contact_ids, args.follow_up_after)
            if not args.json:
                print(
                    f"Scheduled {len(made or [])} follow-up(s) "
                    f"{args.follow_up_after} business day(s) after {args.event}."
                )
    if args.json:
        out = {
            "batch": batch_id,
            "created": counts["created"],
            "merged": counts["merged"],
            "skipped": counts["skipped"],
            "problems": problems,
        }
        if careers:  # known contacts with a new title or organization
            out["career_changes"] = [c.to_dict() for c in careers]
        if plan.groups:  # group cards: the tag each became, members found and not
            out["groups"] = [g.to_dict(plan) for g in plan.groups]
        if plan.privacy_warnings:  # an extra key, only when there is something to say
            redacted = not args.keep_sensitive_notes
            out["privacy"] = [{**w.to_dict(), "redacted": redacted} for w in plan.privacy_warnings]
        print_json(out)
        _warn_sensitive_notes(plan.privacy_warnings, args)
        return 0
    verb = "Would import" if args.dry_run else f"Imported (batch {batch_id})"
    print(
        f"{verb}: {counts['created']} new, {counts['merged']} merged, "
        f"{counts['skipped']} identical skipped, {len(problems)} problem(s)."
    )
    possible = plan.with_status("possible")
    if possible:
        print(
            f"{len(possible)} possible duplicate(s) were imported as new contacts; "
            "review them in the window to merge."
        )
    _print_career_changes(careers, args)
    for g in plan.groups:
        missing = f", {len(g.missing)} not in the file" if g.missing else ""
        tagged = f"tag for {len(g.members)} contact(s){missing}"
        print(f"Group {g.group.name!r} (card {g.group.card}): {tagged}.")
    for p in problems:
        print(f"  {p['file']}: card {p['card']}, line {p['line']}: {p['message']}", file=sys.stderr)
    _warn_sensitive_notes(plan.privacy_warnings, args)
    return 0


def _print_career_changes(careers, args) -> None:
    if not careers:
        return
    if args.skip_career_changes:
        print(f"{len(careers)} career change(s) left out (--skip-career-changes):")
    elif args.dry_run:
        print(f"{len(careers)} career change(s) would be recorded:")
    else:
        print(f"{len(careers)} career change(s) recorded (milestone + congratulate follow-up):")
    for change in careers:
        print(f"  {change.name}: {change.kind}, {change.summary()}")


def _warn_sensitive_notes(warnings, args) -> None:
    """One stderr line per card whose note looks like patient data; never the note itself."""
    if args.keep_sensitive_notes:
        outcome = "kept as written (--keep-sensitive-notes)"
    elif args.dry_run:
        outcome = "would be redacted — use --keep-sensitive-notes to keep it"
    else:
        outcome = "redacted — use --keep-sensitive-notes to keep it"
    several = len({w.file for w in warnings}) > 1
    for w in warnings:
        where = f"{Path(w.file).name}: card {w.card}" if several else f"card {w.card}"
        print(
            f"{where}: note looks like it holds patient data ({', '.join(w.kinds)}); {outcome}",
            file=sys.stderr,
        )


def undo(args) -> int:
    from netdesk.services.importing.importer import undo_import

    result = undo_import(args.batch)
    if args.json:
        print_json({"batch": args.batch, **result})
    else:
        print(
            f"Undid import {args.batch}: removed {result['removed']} contact(s), "
            f"reverted {result['reverted']} merged contact(s)."
        )
    return 0


def list_imports(args) -> int:
    from netdesk.services.importing.importer import list_batches

    batches = list_batches()
    if args.json:
        print_json(batches)
        return 0
    if not batches:
        print("No imports yet.")
    for b in batches:
        state = f"undone {b['undone_at']}" if b["undone_at"] else ""
        files = ", ".join(Path(f).name for f in b["files"])
        print(
            f"{b['id']}\t{b['created_at']}\t{files}\t{b['event']}\t"
            f"{b['created']} new, {b['merged']} merged, {b['skipped']} skipped, "
            f"{b['problems']} problems\t{state}".rstrip()
        )
    return 0


def export_vcard(args) -> int:
    from netdesk.services.importing.vcard_export import export_vcards

    count = export_vcards(
        Path(args.out), version=args.vcard_version, split=args.split, tag=args.tag
    )
    print(f"Exported {count} contact(s) to {args.out}.")
    return 0
