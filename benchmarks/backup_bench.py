"""How long backups, restore checks and the daily-backup check take (prints; never asserts).

    python benchmarks/backup_bench.py [N_CONTACTS]

Compares netdesk's backup with the bare sqlite3 online backup of the same file in the
same run, and measures what the daily-backup check adds to every CLI start.
"""

import sqlite3
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datagen import populate  # noqa: E402
from netdesk.models import close_database, open_database  # noqa: E402
from netdesk.services.data import backup as backups  # noqa: E402


def timed(label: str, fn, repeat: int = 3) -> float:
    best = min(_once(fn) for _ in range(repeat))
    print(f"{label:<52} {best * 1000:9.1f} ms")
    return best


def _once(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        path = tmp / "bench.sqlite3"
        t = time.perf_counter()
        populate(path, n, interactions_per_contact=1)
        print(f"populated {n} contacts in {time.perf_counter() - t:.1f} s")
        db = open_database(path)
        size = path.stat().st_size / 1e6
        print(f"database size: {size:.1f} MB")

        def bare():
            src = sqlite3.connect(path)
            dst = sqlite3.connect(tmp / "bare.sqlite3")
            src.backup(dst)
            dst.close()
            src.close()

        timed("bare sqlite3 online backup", bare)
        timed(
            "netdesk backup() (atomic, 0600, DELETE journal)", lambda: backups.backup(db, tmp / "b")
        )
        timed("validate_file (integrity_check + schema)", lambda: backups.validate_file(tmp / "b"))
        backups.auto_backup(db)
        timed(
            "daily-backup check when today's exists (CLI start)",
            lambda: backups.auto_backup(db),
            20,
        )
        timed("open_database (already current schema)", lambda: open_database(path), 5)
        close_database()
        try:
            from netdesk.models.store.encryption import connect_raw, encryption_available

            if encryption_available():
                from netdesk.models.store import encryption

                enc = tmp / "enc.sqlite3"
                connect_raw(enc, "bench").execute("CREATE TABLE t(x)")

                def first_open():
                    encryption._derived_key.cache_clear()
                    connect_raw(enc, "bench").close()

                timed("encrypted file: first open (key derivation)", first_open)
                timed(
                    "encrypted file: next connections (key cached)",
                    lambda: connect_raw(enc, "bench").close(),
                    5,
                )
        except ImportError:
            pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
