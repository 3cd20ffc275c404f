"""Foundation figures at 100,000 contacts: start-up, memory, type-ahead, scrolling.

    python benchmarks/bench_foundation.py [--contacts 100000] [--db PATH] [--only search,scroll]

Prints, each beside the bare library cost measured in the same run:
- cold start to window shown (a fresh process, offscreen), on Today and on Contacts;
- RSS after opening the Contacts page, after scrolling, and after fetching every row;
- p50/p95 type-ahead latency (the first page, as the list shows it per keystroke;
  the capped count that follows once it is painted is timed on its own) over
  realistic 1-4 letter prefixes;
- time to fetch one page of the list while scrolling.
Targets: window < 1 s, RSS < 250 MB, search p95 < 20 ms. Nothing is asserted.

The last lines are one ``ratio NAME VALUE`` / ``ms NAME VALUE`` / ``mb NAME VALUE`` per
figure of issue 16's table (medians of COLD_RUNS / SEARCH_REPEATS runs), names ending in
the database size (``_100k``, ``_1m``), so runs can be compared by a script.
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
SEARCH_REPEATS = 5
SCROLL_RUNS = 5


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
    print(f"figure\tmb\trss_scrolled_to_end\t{rss_mb():.0f}")


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
    """Type-ahead as the list runs it (first page; then the count), beside bare FTS5."""
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
    run_p95, bare_run_p95, count_p95 = [], [], []  # p95 over the prefixes, per run
    for _ in range(SEARCH_REPEATS):
        ours_run, bare_run, count_run = [], [], []
        for prefix in prefixes:
            start = time.perf_counter()
            model.set_filter(ContactFilter(search=prefix))
            ours_run.append((time.perf_counter() - start) * 1000)
            timings[prefix].append(ours_run[-1])
            start = time.perf_counter()
            model.count_total()  # runs after the page is painted, not per keystroke
            count_run.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            database.execute_sql(
                "SELECT rowid FROM contact_search WHERE contact_search MATCH ? LIMIT ?",
                (fts_expression(prefix), PAGE_SIZE),
            ).fetchall()
            bare_run.append((time.perf_counter() - start) * 1000)
        bare += bare_run
        run_p95.append(pct(ours_run, 95))
        bare_run_p95.append(pct(bare_run, 95))
        count_p95.append(pct(count_run, 95))
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
    print(f"figure\tms\ttype_ahead_p95\t{statistics.median(run_p95):.2f}")
    print(f"figure\tms\tbare_fts_first_page_p95\t{statistics.median(bare_run_p95):.2f}")
    print(f"figure\tms\tdeferred_count_p95\t{statistics.median(count_p95):.2f}")


def child_scroll(db: str) -> None:
    """fetchMore per page while scrolling, by sort; an OFFSET read at 50k; Ctrl+End.

    Each sort is measured SCROLL_RUNS times from a fresh filter; the figures are the
    median over the runs of each run's p95.
    """
    from dataclasses import replace

    from PySide6.QtCore import QCoreApplication

    from netdesk.models import database, open_database
    from netdesk.ui.contacts.table_model import PAGE_SIZE, ContactTableModel

    QCoreApplication([])
    open_database(db)
    model = ContactTableModel()
    figures = {}
    for sort, pages in (("name", 100), ("last_contact", 20), ("organization", 10)):
        every, run_p95, deep_runs = [], [], []
        for _ in range(SCROLL_RUNS):
            model.set_filter(replace(model.filter, sort=sort, descending=True))
            model.set_filter(replace(model.filter, sort=sort, descending=False))
            times = []
            for _ in range(pages):
                start = time.perf_counter()
                model.fetchMore()
                times.append((time.perf_counter() - start) * 1000)
            every += times
            run_p95.append(pct(times, 95))
            model.count_total()  # the list counts once its first page is painted
            start = time.perf_counter()
            model._fetch(min(50_000, model.total // 2), PAGE_SIZE)  # OFFSET, for reference
            deep = [(time.perf_counter() - start) * 1000]
            start = time.perf_counter()
            model.jump_to_end()  # Ctrl+End: the last page from the end of the index
            deep.append((time.perf_counter() - start) * 1000)
            deep_runs.append(deep)
        deep = [statistics.median(d[i] for d in deep_runs) for i in range(2)]
        print(
            f"{sort}\t{pct(every, 50):.1f}\t{pct(every, 95):.1f}\t{max(every):.1f}\t"
            + "/".join(f"{t:.1f}" for t in deep)
        )
        figures[sort] = (statistics.median(run_p95), deep[1])
    bare = []
    for _ in range(SCROLL_RUNS):
        start = time.perf_counter()
        database.execute_sql("SELECT * FROM contact ORDER BY sort_key LIMIT 200").fetchall()
        bare.append((time.perf_counter() - start) * 1000)
    print(f"bare\t{statistics.median(bare):.1f}")
    print(f"figure\tms\tname_page_p95\t{figures['name'][0]:.2f}")
    print(f"figure\tms\torg_page_p95\t{figures['organization'][0]:.2f}")
    print(f"figure\tms\tlast_page\t{figures['name'][1]:.2f}")
    print(f"figure\tms\tlast_page_by_org\t{figures['organization'][1]:.2f}")


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


def cold_start(db: str, settings_dir: str) -> list[tuple[str, str, float]]:
    """Fresh processes, the three kinds in turn each run (so load hits them alike)."""
    print("\n== Cold start to window shown (fresh process each run, seconds) ==")
    print(f"{'':36}{'min':>8}{'median':>8}   (wall time in parent / in process)")
    kinds = {
        "bare PySide6 empty window": ("bare_start",),
        "netdesk, opens on Today": ("start", db, "today"),
        "netdesk, opens on Contacts": ("start", db, "contacts"),
    }
    wall = {label: [] for label in kinds}
    inside = {label: [] for label in kinds}
    for _ in range(COLD_RUNS):
        for label, args in kinds.items():
            start = time.perf_counter()
            out = run_child(*args, settings_dir=settings_dir)
            wall[label].append(time.perf_counter() - start)
            inside[label].append(float(out.strip()))
    for label in kinds:
        print(
            f"{label:36}{min(wall[label]):8.3f}{statistics.median(wall[label]):8.3f}"
            f"   in-process median {statistics.median(inside[label]):.3f}"
        )
    print("target: < 1 s")
    bare, today, contacts = (statistics.median(wall[label]) for label in kinds)
    bare_in, today_in, contacts_in = (statistics.median(inside[label]) for label in kinds)
    return [
        ("ratio", "cold_start_vs_bare_qt", today / bare),
        ("ratio", "cold_start_contacts_vs_bare_qt", contacts / bare),
        ("ratio", "cold_start_in_process_vs_bare_qt", today_in / bare_in),
        ("ratio", "cold_start_contacts_in_process_vs_bare_qt", contacts_in / bare_in),
    ]


def figure_lines(output: str) -> tuple[list[str], list[tuple[str, str, float]]]:
    """A child's output -> (its table lines, its ``figure`` lines as (unit, name, value))."""
    lines, figures = [], []
    for line in output.splitlines():
        cells = line.split("\t")
        if cells[0] == "figure":
            figures.append((cells[1], cells[2], float(cells[3])))
        else:
            lines.append(line)
    return lines, figures


def size_label(contacts: int) -> str:
    """100000 -> "100k", 1000000 -> "1m"."""
    if contacts >= 1_000_000 and contacts % 1_000_000 == 0:
        return f"{contacts // 1_000_000}m"
    return f"{contacts // 1000}k" if contacts % 1000 == 0 else str(contacts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--db", help="an existing database to measure (default: generated)")
    parser.add_argument("--only", help="comma-separated parts: start,memory,search,scroll")
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
    parts = set(args.only.split(",")) if args.only else {"start", "memory", "search", "scroll"}
    figures: list[tuple[str, str, float]] = []
    with tempfile.TemporaryDirectory() as settings_dir:
        if "start" in parts:
            figures += cold_start(db, settings_dir)

        if "memory" in parts:
            print("\n== Memory (RSS, MB) ==")
            print(run_child("bare_memory", settings_dir=settings_dir).rstrip())
            lines, found = figure_lines(run_child("memory", db, settings_dir=settings_dir))
            print("\n".join(lines))
            figures += found
            print("target: < 250 MB")

        if "search" in parts:
            print("\n== Type-ahead search: first page per keystroke (ms) ==")
            print(f"{'prefixes':32}{'n':>5}{'p50':>8}{'p95':>8}{'max':>8}")
            lines, found = figure_lines(run_child("search", db, settings_dir=settings_dir))
            figures += found
            for line in lines:
                cells = line.split("\t")
                if cells[0] == "slowest":
                    print(f"slowest (median): {cells[1]}")
                else:
                    print(f"{cells[0]:32}{cells[1]:>5}" + "".join(f"{c:>8}" for c in cells[2:]))
            print("target: p95 < 20 ms")

        if "scroll" in parts:
            print("\n== List scrolling: fetch one page of 200 rows (ms) ==")
            print(f"{'sort':16}{'p50':>8}{'p95':>8}{'max':>8}   OFFSET 50k / jump to end")
            lines, found = figure_lines(run_child("scroll", db, settings_dir=settings_dir))
            figures += found
            for line in lines:
                cells = line.split("\t")
                if cells[0] == "bare":
                    print(f"bare SQLite, 200 rows by sort_key: {cells[1]} ms")
                else:
                    print(
                        f"{cells[0]:16}" + "".join(f"{c:>8}" for c in cells[1:4]) + f"   {cells[4]}"
                    )
    print()
    size = size_label(args.contacts)
    for unit, name, value in figures:
        print(f"{unit} {name}_{size} {value:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
