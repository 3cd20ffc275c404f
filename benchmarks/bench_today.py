"""How long does the Today page take on a big base? (prints figures, asserts nothing)

    python benchmarks/bench_today.py [DB_PATH] [CONTACTS]

Builds 100,000 contacts with 5 interactions each (500,000) unless DB_PATH already
exists, adds follow-ups, milestones, cadence tags and an import batch, then times
``build_today`` against the bare cost of one SQLite scan of the contact table.
"""

import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datagen import _flush, populate  # noqa: E402

NOW = datetime(2026, 11, 25, 12, 0)


def add_today_data(n: int, seed: int = 11) -> None:
    """Follow-ups around today, recent milestones, a tag cadence and a fresh import."""
    from netdesk.models import (
        ContactTag,
        FollowUp,
        ImportBatch,
        ImportChange,
        Interaction,
        Tag,
        database,
    )

    rng = random.Random(seed)
    with database.atomic():
        followups, milestones, tags, changes = [], [], [], []
        for i in range(n // 10):  # 10,000 follow-ups, a month either side of today
            followups.append(
                {
                    "contact": rng.randint(1, n),
                    "title": "Follow up",
                    "due_date": NOW.date() + timedelta(days=rng.randint(-30, 30)),
                    "status": rng.choice(("open", "open", "done", "snoozed", "cancelled")),
                    "uid": f"bench-{i}@netdesk",
                }
            )
        for _ in range(n // 50):  # 2,000 milestones over the last 90 days
            milestones.append(
                {
                    "contact": rng.randint(1, n),
                    "kind": "milestone",
                    "milestone_kind": "promotion",
                    "summary": "Promoted",
                    "occurred_at": NOW - timedelta(days=rng.randint(0, 90)),
                }
            )
        board = Tag.create(name="Board", stay_in_touch_days=45).id
        for cid in rng.sample(range(1, n + 1), n // 20):
            tags.append({"contact": cid, "tag": board})
        batch = ImportBatch.create(file_names="aha-2026.vcf", created_at=NOW - timedelta(days=2))
        for cid in range(n - 300, n + 1):
            changes.append({"batch": batch.id, "contact": cid, "action": "created"})
        _flush(FollowUp, followups), _flush(Interaction, milestones)
        _flush(ContactTag, tags), _flush(ImportChange, changes)


def timed(fn, runs: int = 20) -> tuple[float, float]:
    fn()  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main() -> None:
    from netdesk.models import database, open_database
    from netdesk.services.calendar.today import build_today

    n = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp()) / "bench.sqlite3"
    if not path.exists():
        start = time.perf_counter()
        populate(path, n, interactions_per_contact=5)
        open_database(path)
        add_today_data(n)
        print(f"populated {n:,} contacts in {time.perf_counter() - start:.1f} s ({path})")
    open_database(path)
    counts = {
        t: database.execute_sql(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("contact", "interaction", "follow_up")
    }
    print("rows:", ", ".join(f"{t} {c:,}" for t, c in counts.items()))

    bare, _ = timed(
        lambda: database.execute_sql(
            "SELECT COUNT(*) FROM contact WHERE stay_in_touch_days IS NOT NULL"
        ).fetchone()
    )
    print(f"bare SQLite scan of contact (COUNT with a filter): {bare:6.1f} ms median")
    median, worst = timed(lambda: build_today(date(2026, 11, 25), NOW))
    result = build_today(date(2026, 11, 25), NOW)
    print(f"build_today: {median:6.1f} ms median, {worst:6.1f} ms worst (target < 50 ms)")
    print("totals:", ", ".join(f"{k} {v:,}" for k, v in result.totals.items()))
    import netdesk.services.calendar.today as parts

    day = NOW.date()
    shown = [item for items in result.sections.values() for item in items]
    for name, fn in (
        ("follow-ups", lambda: parts._followups(day, parts.SECTION_LIMIT)),
        ("lapsed cadences", lambda: parts._lapsed(NOW, parts.SECTION_LIMIT)),
        ("milestones", lambda: parts._milestones(NOW, parts.SECTION_LIMIT)),
        ("imports", lambda: parts._imports(NOW, parts.SECTION_LIMIT)),
        (f"names+emails ({len(shown)} rows)", lambda: parts._fill_people(shown)),
    ):
        print(f"  {name:<26} {timed(fn)[0]:6.1f} ms median")


if __name__ == "__main__":
    main()
