"""Import speed: 10,000 cards into a database that already holds 100,000 contacts.

Prints the end-to-end time (parse + match + commit) next to the time vobject alone
takes to parse the same file, interleaved over RUNS runs, and the ratio of the medians
as the last line, ``ratio import_vs_vobject VALUE`` (target <= 1.0x).
Never asserts. Run: python benchmarks/bench_import.py [cards] [contacts] [runs]
"""

import gc
import io
import os
import random
import resource
import shutil
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.datagen import ORGS, people, populate  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"
WORKERS = int(os.environ.get("NETDESK_BENCH_WORKERS", "1"))
RUNS = int(sys.argv[3]) if len(sys.argv) > 3 else 5


def _qp(text: str) -> str:
    import quopri

    return quopri.encodestring(text.encode("utf-8")).decode("ascii").replace("=\n", "=\r\n")


def write_cards(path: Path, n: int, existing: int, seed: int = 11) -> None:
    """Cards shaped like real exports: iPhone 3.0 groups, Android 2.1 QP, Outlook, 4.0;
    ~10% share an email with a contact already in the database, ~2% repeat an earlier
    card, ~0.5% are broken (still readable by vobject, so the baseline runs)."""
    rng = random.Random(seed)
    base = list(people(existing))
    fresh = people(n, seed=seed + 1)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        for i, p in enumerate(fresh):
            roll = rng.random()
            email = p["email"].replace("@", f".new{i}@")
            if roll < 0.10:
                p = base[rng.randrange(existing)]
                email = p["email"]
            name = f"{p['given_name']} {p['family_name']}"
            creds = p["credentials"]
            fn = f"{name}, {creds}" if creds else name
            style = i % 4
            if roll > 0.995:
                # broken: a line that is not a property, and nothing to import
                fh.write(
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nthis line has no colon\r\n"
                    f"NOTE:card {i} lost its name\r\nEND:VCARD\r\n"
                )
                continue
            if style == 0:  # iPhone 3.0
                fh.write(
                    "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
                    f"N:{p['family_name']};{p['given_name']};;;\r\nFN:{fn}\r\n"
                    f"ORG:{p['organization']};{p['specialty']}\r\nTITLE:{p['title']}\r\n"
                    f"item1.EMAIL;type=INTERNET;type=pref:{email}\r\n"
                    "item1.X-ABLabel:_$!<Other>!$_\r\n"
                    f"TEL;type=CELL;type=VOICE;type=pref:{p['phone']}\r\n"
                    f"item2.ADR;type=WORK:;;{i} Main St;Springfield;IL;62701;United States\r\n"
                    f"NOTE:{p['notes']} Card {i}\\, met at booth {i % 300}.\r\n"
                    "CATEGORIES:AHA 2026,Leads\r\n"
                    f"UID:bench-{i}\r\nEND:VCARD\r\n"
                )
            elif style == 1:  # Android 2.1 with QUOTED-PRINTABLE soft line breaks
                note = f"{p['notes']} Sehr lange Notiz über das Gespräch {i} " * 2
                fh.write(
                    "BEGIN:VCARD\r\nVERSION:2.1\r\n"
                    f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p['family_name'])};"
                    f"{_qp(p['given_name'])};;;\r\n"
                    f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(fn)}\r\n"
                    f"TEL;CELL:{p['phone']}\r\nEMAIL;WORK:{email}\r\n"
                    f"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p['organization'])}\r\n"
                    f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(note)}\r\n"
                    "END:VCARD\r\n"
                )
            elif style == 2:  # Outlook-ish 3.0 with a long folded note
                note = (
                    f"Discussed {p['specialty'] or 'care'} pathways and the sepsis bundle; "
                    f"wants slides. Ref {i}. "
                ) * 3
                folded = "\r\n ".join(note[j : j + 70] for j in range(0, len(note), 70))
                fh.write(
                    f"BEGIN:VCARD\r\nVERSION:3.0\r\nN:{p['family_name']};{p['given_name']};;;"
                    f"{creds.replace(',', chr(92) + ',')}\r\nFN:{name}\r\n"
                    f"ORG:{rng.choice(ORGS)}\r\nTITLE:{p['title']}\r\n"
                    f"TEL;TYPE=WORK,VOICE:{p['phone']}\r\nEMAIL;TYPE=INTERNET,WORK:{email}\r\n"
                    f"NOTE:{folded}\r\nEND:VCARD\r\n"
                )
            else:  # vCard 4.0
                fh.write(
                    f"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:{fn}\r\n"
                    f"N:{p['family_name']};{p['given_name']};;;\r\n"
                    f"EMAIL;TYPE=work;PREF=1:{email}\r\n"
                    f'TEL;VALUE=uri;TYPE="voice,cell":tel:{p["phone"].replace(" ", "-")}\r\n'
                    f"ORG:{p['organization']}\r\nBDAY:--{1 + i % 12:02d}{1 + i % 28:02d}\r\n"
                    f"X-SOCIALPROFILE;TYPE=linkedin:https://www.linkedin.com/in/p{i}\r\n"
                    "END:VCARD\r\n"
                )


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    cards = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    existing = int(sys.argv[2]) if len(sys.argv) > 2 else 100_000
    OUT.mkdir(exist_ok=True)
    base = OUT / f"base{existing // 1000}k.sqlite3"
    if not base.exists():
        t = time.perf_counter()
        populate(base, existing)
        print(f"built {base.name} ({existing:,} contacts) in {time.perf_counter() - t:.1f} s")
    vcf = OUT / f"cards{cards // 1000}k.vcf"
    if not vcf.exists():
        write_cards(vcf, cards, existing)
    work = OUT / "work.sqlite3"
    print(
        f"file: {vcf.name}, {vcf.stat().st_size / 1e6:.1f} MB, {cards:,} cards; "
        f"database: {existing:,} contacts"
    )

    import logging

    import vobject

    logging.getLogger("vobject.base").setLevel(logging.CRITICAL)  # broken cards on purpose

    from netdesk.models import Contact, close_database, open_database
    from netdesk.services.importing.importer import commit_plan, plan_import

    def vobject_alone(transform: bool = True) -> float:
        text = vcf.read_text(encoding="utf-8")
        gc.collect()
        t = time.perf_counter()
        cards = vobject.readComponents(
            io.StringIO(text), allowQP=True, ignoreUnreadable=True, transform=transform
        )
        n = sum(1 for _ in cards)
        elapsed = time.perf_counter() - t
        print(f"  vobject alone (transform={transform}): {elapsed:6.2f} s ({n:,} cards)")
        return elapsed

    def netdesk_end_to_end() -> float:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{work}{suffix}").unlink(missing_ok=True)
        shutil.copy(base, work)
        open_database(work)
        gc.collect()
        t0 = time.perf_counter()
        plan = plan_import([vcf], workers=WORKERS)
        t1 = time.perf_counter()
        batch = commit_plan(plan, event_name="Bench Conference", tag="bench")
        t2 = time.perf_counter()
        counts = plan.counts()
        print(
            f"  netdesk end to end ({WORKERS} process(es)): {t2 - t0:6.2f} s = parse+match "
            f"{t1 - t0:.2f} s + commit {t2 - t1:.2f} s; created {counts['created']:,}, merged "
            f"{counts['merged']:,}, skipped {counts['skipped']:,}, problems "
            f"{counts['problems']:,}; batch {batch.id}; contacts now {Contact.select().count():,}"
        )
        close_database()
        return t2 - t0

    ours, theirs, raw = [], [], []
    for run in range(RUNS):  # interleaved, so machine load hits both alike
        print(f"run {run + 1} of {RUNS}")
        theirs.append(vobject_alone())
        raw.append(vobject_alone(transform=False))
        ours.append(netdesk_end_to_end())
    median = statistics.median
    print(
        f"medians: netdesk {median(ours):.2f} s, vobject {median(theirs):.2f} s, "
        f"vobject transform=False {median(raw):.2f} s; peak RSS {rss_mb():.0f} MB"
    )
    print(f"ratio import_vs_vobject_raw {median(ours) / median(raw):.2f}")
    print(f"ratio import_vs_vobject {median(ours) / median(theirs):.2f}")


if __name__ == "__main__":
    main()
