"""Several positions at scale: the list's first page with the organization filter and a
type-ahead search for a second appointment's organization, at 100,000 contacts of whom
one in ten holds a second appointment (and one in ten a past position).

Prints medians of RUNS runs as ``ms NAME VALUE`` lines and the filter's cost next to the
unfiltered first page as ``ratio org_filter_vs_all VALUE``. Never asserts.
Run: python benchmarks/bench_positions.py [contacts] [runs]
"""

import random
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datagen import ORGS, populate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
CONTACTS = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
RUNS = int(sys.argv[2]) if len(sys.argv) > 2 else 7
SECOND = "Northwestern Medicine"  # only ever a second appointment: found through positions


def build(path: Path) -> None:
    from netdesk.models import close_database, database, open_database

    base = OUT / f"positions{CONTACTS // 1000}k.sqlite3"
    if not base.exists():
        t = time.perf_counter()
        populate(base, CONTACTS)
        open_database(base)
        rng = random.Random(3)
        with database.atomic():
            org = database.execute_sql(
                "INSERT INTO organization (name, created_at) VALUES (?, '2026-01-01')", (SECOND,)
            ).lastrowid
            ids = [org, *(r[0] for r in database.execute_sql("SELECT id FROM organization"))]
            rows = []
            for cid in range(1, CONTACTS + 1):
                if rng.random() < 0.1:
                    rows.append((cid, rng.choice(ids), "Consultant", None))
                if rng.random() < 0.1:
                    rows.append((cid, rng.choice(ids), "Resident", "2019-06-30"))
            database.cursor().executemany(
                "INSERT INTO affiliation (contact_id, organization_id, title, department, "
                "end_date, is_primary, position, created_at) VALUES (?, ?, ?, '', ?, 0, 1, "
                "'2026-01-01')",
                rows,
            )
        close_database()
        print(f"built {base.name} in {time.perf_counter() - t:.1f} s ({len(rows):,} positions)")
    shutil.copy(base, path)


def median_ms(fn) -> float:
    times = []
    for _ in range(RUNS):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> None:
    OUT.mkdir(exist_ok=True)
    work = OUT / "positions-work.sqlite3"
    build(work)
    from netdesk.models import Contact, open_database
    from netdesk.services.contacts.search import ContactFilter, contact_page, count_matching

    open_database(work)
    columns = [Contact.id, Contact.display_name, Contact.sort_key]

    def first_page(f: ContactFilter) -> list:
        return list(contact_page(f, columns, 0, 100).tuples())

    everyone = ContactFilter()
    at_mayo = ContactFilter(organization=ORGS[1])
    at_second = ContactFilter(organization=SECOND)
    typed = ContactFilter(search="northwestern")
    assert first_page(at_second) and first_page(typed)
    results = {
        "first_page_all": median_ms(lambda: first_page(everyone)),
        "first_page_org_filter": median_ms(lambda: first_page(at_mayo)),
        "first_page_second_appointment_org": median_ms(lambda: first_page(at_second)),
        "first_page_search_second_appointment": median_ms(lambda: first_page(typed)),
        "count_org_filter": median_ms(lambda: count_matching(at_mayo)),
    }
    print(f"{CONTACTS:,} contacts; {count_matching(at_second):,} with a position at {SECOND}")
    for name, value in results.items():
        print(f"ms {name} {value:.1f}")
    ratio = results["first_page_org_filter"] / results["first_page_all"]
    print(f"ratio org_filter_vs_all {ratio:.2f}")


if __name__ == "__main__":
    main()
