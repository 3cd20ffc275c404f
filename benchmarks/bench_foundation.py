"""Foundation figures at 100,000 contacts: start-up, memory, type-ahead, scrolling.

    python benchmarks/bench_foundation.py [--contacts 100000] [--db PATH]

Prints, each beside the bare library cost measured in the same run:
- cold start to window shown (a fresh process, offscreen), on Today and on Contacts;
- RSS after opening the Contacts page, after scrolling, and after fetching every row;
- p50/p95 type-ahead latency (COUNT + first page, as the list does per keystroke)
  over realistic 1-4 letter prefixes;
- time to fetch one page of the list while scrolling.
Targets: window < 1 s, RSS < 250 MB, search p95 < 20 ms. Nothing is asserted.
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

T0 = time.perf_counter()  # in-process start (after the interpreter itself started)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

COLD_RUNS = 5
SEARCH_WORDS = 40
SEARCH_REPEATS = 3


def rss_mb() -> float:
    """Resident set size of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# children: each runs in a fresh process ------------------------------------------
def child_start(db: str, page: str) -> None:
    """Start like ``netdesk-gui`` does and print the seconds until the window is shown."""
    from PySide6.QtCore import QSettings, QTimer

    from netdesk.models import open_database
    from netdesk.ui.app import make_application

    app = make_application()
    QSettings().setValue("window/page", page)
    open_database(db)
    from netdesk.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    QTimer.singleShot(0, app.quit)  # the first turn of the event loop: painted and shown
    app.exec()
    print(f"{time.perf_counter() - T0:.4f}")


def child_bare_start() -> None:
    """The floor: Python + PySide6 + an empty QMainWindow, shown."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.resize(1100, 720)
    window.show()
    QTimer.singleShot(0, app.quit)
    app.exec()
    print(f"{time.perf_counter() - T0:.4f}")


def child_memory(db: str) -> None:
    """RSS: bare window, then the Contacts page, then scrolled, then every row fetched."""
    from PySide6.QtWidgets import QApplication

    from netdesk.models import open_database
    from netdesk.ui.app import make_application

    app = make_application()
    open_database(db)
    from netdesk.ui.main_window import MainWindow

    window = MainWindow()
    window.show()
    window.show_page("today")
    app.processEvents()
    figures = {"window shown (Today page)": rss_mb()}
    window.show_page("contacts")
    page = window.page("contacts")
    app.processEvents()
    figures["Contacts page open"] = rss_mb()
    bar = page.table.verticalScrollBar()
    for _ in range(50):  # scroll to the bottom 50 times: the view fetches a page each time
        bar.setValue(bar.maximum())
        QApplication.processEvents()
    figures[f"scrolled ({page.model.rowCount():,} rows fetched)"] = rss_mb()
    while page.model.canFetchMore():
        page.model.fetchMore()
    bar.setValue(bar.maximum())
    app.processEvents()
    figures[f"every row fetched ({page.model.rowCount():,})"] = rss_mb()
    for label, value in figures.items():
        print(f"{value:.1f}\t{label}")


def child_bare_memory() -> None:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication([])
    window = QMainWindow()
    window.show()
    app.processEvents()
    print(f"{rss_mb():.1f}\tbare PySide6 window")


def realistic_prefixes(seed: int = 11) -> list[str]:
    """1-4 letter prefixes of words people actually type: names, organisations, specialties."""
    import datagen

    words = [*datagen.GIVEN, *datagen.FAMILY, *datagen.ORGS, *datagen.SPECIALTIES]
    rng = random.Random(seed)
    chosen = rng.sample([w for w in words if w], SEARCH_WORDS)
    prefixes = []
    for word in chosen:
        first = word.split()[0]
        prefixes += [first[:n] for n in range(1, 5) if len(first) >= n]
    return prefixes


def child_search(db: str) -> None:
    """Type-ahead as the list runs it (COUNT + first page), beside the bare FTS5 match."""
    from PySide6.QtCore import QCoreApplication

    from netdesk.models import database, open_database
    from netdesk.services.contacts.search import ContactFilter, fts_expression
    from netdesk.ui.contacts.table_model import PAGE_SIZE, ContactTableModel

    QCoreApplication([])
    open_database(db)
    model = ContactTableModel()
    model.set_filter(ContactFilter())
    prefixes = realistic_prefixes()
    timings: dict[str, list[float]] = {p: [] for p in prefixes}
    bare: list[float] = []
    for _ in range(SEARCH_REPEATS):
        for prefix in prefixes:
            start = time.perf_counter()
            model.set_filter(ContactFilter(search=prefix))
            timings[prefix].append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            database.execute_sql(
                "SELECT rowid FROM contact_search WHERE contact_search MATCH ? LIMIT ?",
                (fts_expression(prefix), PAGE_SIZE),
            ).fetchall()
            bare.append((time.perf_counter() - start) * 1000)
    every = [t for values in timings.values() for t in values]
    print(f"all\t{len(prefixes)}\t{pct(every, 50):.1f}\t{pct(every, 95):.1f}\t{max(every):.1f}")
    for length in range(1, 5):
        values = [t for p, ts in timings.items() if len(p) == length for t in ts]
        if values:
            print(
                f"{length} letter(s)\t{len(values) // SEARCH_REPEATS}\t{pct(values, 50):.1f}\t"
                f"{pct(values, 95):.1f}\t{max(values):.1f}"
            )
    print(f"bare FTS5 first {PAGE_SIZE} rowids\t-\t{pct(bare, 50):.2f}\t{pct(bare, 95):.2f}\t-")
    slowest = sorted(timings, key=lambda p: -statistics.median(timings[p]))[:5]
    print("slowest\t" + ", ".join(f"{p!r} {statistics.median(timings[p]):.1f}" for p in slowest))


def child_scroll(db: str) -> None:
    """fetchMore per page while scrolling, by sort; plus OFFSET jumps (offset 50k, last page).

    In name order the list seeks past the last row it has (keyset); other sorts skip
    ``offset`` rows, so their deep pages show what scrolling far down costs.
    """
    from dataclasses import replace

    from PySide6.QtCore import QCoreApplication

    from netdesk.models import database, open_database
    from netdesk.ui.contacts.table_model import PAGE_SIZE, ContactTableModel

    QCoreApplication([])
    open_database(db)
    model = ContactTableModel()
    for sort, pages in (("name", 100), ("last_contact", 20), ("organization", 10)):
        model.set_filter(replace(model.filter, sort=sort))
        times = []
        for _ in range(pages):
            start = time.perf_counter()
            model.fetchMore()
            times.append((time.perf_counter() - start) * 1000)
        deep = []
        for offset in (50_000, model.total - PAGE_SIZE):
            start = time.perf_counter()
            model._fetch(offset, PAGE_SIZE)
            deep.append((time.perf_counter() - start) * 1000)
        print(
            f"{sort}\t{pct(times, 50):.1f}\t{pct(times, 95):.1f}\t{max(times):.1f}\t"
            + "/".join(f"{t:.1f}" for t in deep)
        )
    start = time.perf_counter()
    database.execute_sql("SELECT * FROM contact ORDER BY sort_key LIMIT 200").fetchall()
    print(f"bare\t{(time.perf_counter() - start) * 1000:.1f}")


# the parent ------------------------------------------------------------------------
def run_child(*args: str, settings_dir: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=settings_dir)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    done = subprocess.run(
        [sys.executable, __file__, "--child", *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def cold_start(db: str, settings_dir: str) -> None:
    print("\n== Cold start to window shown (fresh process each run, seconds) ==")
    print(f"{'':36}{'min':>8}{'median':>8}   (wall time in parent / in process)")
    for label, args in (
        ("bare PySide6 empty window", ("bare_start",)),
        ("netdesk, opens on Today", ("start", db, "today")),
        ("netdesk, opens on Contacts (100k)", ("start", db, "contacts")),
    ):
        wall, inside = [], []
        for _ in range(COLD_RUNS):
            start = time.perf_counter()
            out = run_child(*args, settings_dir=settings_dir)
            wall.append(time.perf_counter() - start)
            inside.append(float(out.strip()))
        print(
            f"{label:36}{min(wall):8.3f}{statistics.median(wall):8.3f}"
            f"   in-process median {statistics.median(inside):.3f}"
        )
    print("target: < 1 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--db", help="an existing database to measure (default: generated)")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        {
            "start": child_start,
            "bare_start": child_bare_start,
            "memory": child_memory,
            "bare_memory": child_bare_memory,
            "search": child_search,
            "scroll": child_scroll,
        }[kind](*rest)
        return 0

    db = args.db or str(Path(tempfile.gettempdir()) / f"netdesk-bench-{args.contacts}.sqlite3")
    if not Path(db).exists():
        import datagen

        start = time.perf_counter()
        datagen.populate(db, args.contacts, interactions_per_contact=0.5)
        print(f"generated {args.contacts:,} contacts in {time.perf_counter() - start:.1f} s: {db}")
    print(f"database: {db} ({Path(db).stat().st_size / 1e6:.0f} MB)")
    with tempfile.TemporaryDirectory() as settings_dir:
        cold_start(db, settings_dir)

        print("\n== Memory (RSS, MB) ==")
        print(run_child("bare_memory", settings_dir=settings_dir).rstrip())
        print(run_child("memory", db, settings_dir=settings_dir).rstrip())
        print("target: < 250 MB")

        print("\n== Type-ahead search: COUNT + first page per keystroke (ms) ==")
        print(f"{'prefixes':32}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}")
        for line in run_child("search", db, settings_dir=settings_dir).splitlines():
            cells = line.split("\t")
            if cells[0] == "slowest":
                print(f"slowest (median): {cells[1]}")
            else:
                print(f"{cells[0]:32}{cells[1]:>5}" + "".join(f"{c:>8}" for c in cells[2:]))
        print("target: p95 < 20 ms")

        print("\n== List scrolling: fetch one page of 200 rows (ms) ==")
        print(f"{'sort':16}{'p50':>8}{'p95':>8}{'max':>8}   OFFSET page at 50k / last")
        for line in run_child("scroll", db, settings_dir=settings_dir).splitlines():
            cells = line.split("\t")
            if cells[0] == "bare":
                print(f"bare SQLite, 200 rows by sort_key: {cells[1]} ms")
            else:
                print(f"{cells[0]:16}" + "".join(f"{c:>8}" for c in cells[1:4]) + f"   {cells[4]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
