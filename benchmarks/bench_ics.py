"""Exporting 1,000 follow-ups: netdesk's build_calendar vs icalendar alone, same run.

The baseline gets every value precomputed (summary, description, times, categories,
the VTIMEZONE blocks) and only builds and serialises the same VCALENDAR with icalendar; netdesk also
reads contacts, emails, tags, events and the last interaction from SQLite, fills
the suggested message and runs the patient-data guard. Target: <= 1.2x.

    python benchmarks/bench_ics.py [N]
"""

import statistics
import sys
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from icalendar import Alarm, Calendar  # noqa: E402
from icalendar import Event as VEvent  # noqa: E402

from netdesk.models import (  # noqa: E402
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    FollowUp,
    Interaction,
    Organization,
    Tag,
    database,
    open_database,
)
from netdesk.services.calendar import ics  # noqa: E402
from netdesk.services.calendar.followups import new_uid  # noqa: E402
from netdesk.services.calendar.vtimezone import timezone_component  # noqa: E402

ZONES = ("America/New_York", "Europe/Berlin", "America/Los_Angeles")


def populate(n: int) -> None:
    """n contacts, each with an email, phone, tag, event and interaction, and one follow-up."""
    from netdesk.models import Contact

    start = date(2026, 12, 1)
    with database.atomic():
        orgs = [Organization.create(name=f"Hospital {i}") for i in range(50)]
        tags = [Tag.create(name=t) for t in ("cardiology", "nursing", "informatics", "board")]
        events = [
            Event.create(name=f"Conference {i}", start_date=start - timedelta(days=30 + i))
            for i in range(20)
        ]
        for i in range(n):
            c = Contact.create(
                given_name=f"Given{i}",
                family_name=f"Family{i}",
                prefix="Dr" if i % 3 == 0 else "",
                organization=orgs[i % 50],
                title="Clinical Director",
            )
            ContactMethod.create(contact=c, kind="email", value=f"p{i}@example.org")
            ContactMethod.create(contact=c, kind="phone", value=f"+1617555{i:04d}")
            ContactTag.create(contact=c, tag=tags[i % 4])
            EventAttendance.create(contact=c, event=events[i % 20])
            Interaction.create(
                contact=c,
                channel="met",
                summary="Talked about discharge planning",
                occurred_at=datetime(2026, 11, 1, 12) + timedelta(hours=i),
            )
            timed = i % 2 == 0
            FollowUp.create(
                contact=c,
                title="Follow up",
                note="Send the readmission paper" if i % 5 == 0 else "",
                due_date=start + timedelta(days=i % 60),
                due_time=time(9, 0) if timed else None,
                timezone=ZONES[i % 3] if timed else "",
                uid=new_uid(),
            )


def plain_rows(followups):
    """What the baseline gets for free: every value already computed."""
    contexts = ics.gather_contexts(f.contact_id for f in followups)
    rows = []
    for f in followups:
        ctx = contexts[f.contact_id]
        start, end = ics.event_times(f)
        rows.append(
            {
                "uid": f.uid,
                "sequence": f.sequence,
                "created": f.created_at.replace(tzinfo=UTC),
                "modified": f.updated_at.replace(tzinfo=UTC),
                "summary": ics.summary_for(f, ctx),
                "description": ics.description_for(f, ctx, ""),
                "start": start,
                "end": end,
                "categories": [ics.ORIGIN_CATEGORIES[f.origin], *ctx.tags],
                "timed": f.due_time is not None,
                "tzid": f.timezone,
                "day": f.due_date,
            }
        )
    return rows


def icalendar_alone(rows, zones, stamp) -> bytes:
    cal = Calendar()
    for key, value in (("prodid", ics.PRODID), ("version", "2.0"), ("calscale", "GREGORIAN"),
                       ("method", "PUBLISH"), ("x-wr-calname", ics.CALENDAR_NAME)):  # fmt: skip
        cal.add(key, value)
    for component in zones:
        cal.add_component(component)
    for r in rows:
        ev = VEvent()
        ev.add("uid", r["uid"])
        ev.add("dtstamp", stamp)
        ev.add("sequence", r["sequence"])
        ev.add("created", r["created"])
        ev.add("last-modified", r["modified"])
        ev.add("summary", r["summary"])
        ev.add("description", r["description"])
        ev.add("dtstart", r["start"])
        ev.add("dtend", r["end"])
        ev.add("categories", r["categories"])
        ev.add("class", "PRIVATE")
        ev.add("transp", "OPAQUE" if r["timed"] else "TRANSPARENT")
        ev.add("status", "CONFIRMED")
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", "Follow-up reminder")
        alarm.add("trigger", timedelta(minutes=-15) if r["timed"] else timedelta(hours=9))
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def interleaved(fns, repeats: int) -> list[tuple[float, float, object]]:
    """Run the candidates in turn ``repeats`` times (so machine load hits both alike);
    (best, median, last result) for each."""
    times = [[] for _ in fns]
    results = [None] * len(fns)
    for _ in range(repeats):
        for i, fn in enumerate(fns):
            t0 = clock.perf_counter()
            results[i] = fn()
            times[i].append(clock.perf_counter() - t0)
    return [(min(t), statistics.median(t), r) for t, r in zip(times, results, strict=True)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    repeats = 7
    with tempfile.TemporaryDirectory() as tmp:
        open_database(Path(tmp) / "bench.sqlite3")
        populate(n)
        followups = list(FollowUp.select())
        rows = plain_rows(followups)
        zones = [  # the VTIMEZONE blocks, precomputed for the baseline too
            timezone_component(z, 2026, 2027)
            for z in sorted({r["tzid"] for r in rows if r["timed"]})
        ]
        stamp = datetime.now(UTC)
        (base_best, base_med, base), (ours_best, ours_med, ours) = interleaved(
            [
                lambda: icalendar_alone(rows, zones, stamp),
                lambda: ics.build_calendar(followups).to_ical(),
            ],
            repeats,
        )
        print(f"{n} follow-ups, {repeats} interleaved runs (best / median)")
        print(
            f"  icalendar alone (values precomputed): {base_best * 1000:7.0f} / "
            f"{base_med * 1000:7.0f} ms  {len(base):,} bytes"
        )
        print(
            f"  netdesk build_calendar + to_ical:     {ours_best * 1000:7.0f} / "
            f"{ours_med * 1000:7.0f} ms  {len(ours):,} bytes"
        )
        print(
            f"  ratio: {ours_best / base_best:.2f}x best, {ours_med / base_med:.2f}x median "
            "(target <= 1.2x)"
        )


if __name__ == "__main__":
    main()
