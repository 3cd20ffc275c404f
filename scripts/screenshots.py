"""Build a demo database from resources/sample and save screenshots of every page.

Run offscreen: ``QT_QPA_PLATFORM=offscreen python scripts/screenshots.py [OUT_DIR]``.
The README's pictures come from here, so they always show the current windows.
"""

import os
import sys
import tempfile
from datetime import date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("XDG_CONFIG_HOME", tempfile.mkdtemp())


def build_demo(path: Path) -> None:
    from netdesk.models import Contact, open_database
    from netdesk.services.calendar.followups import create_followup
    from netdesk.services.history.interactions import add_milestone, log_interaction
    from netdesk.services.importing.importer import commit_plan, plan_import

    open_database(path)
    today = date.today()
    plan = plan_import([ROOT / "resources/sample/aha-2026-leads.vcf"])
    commit_plan(
        plan,
        event_name="AHA Scientific Sessions 2026",
        event_date=today - timedelta(days=18),
        tag="AHA 2026",
    )
    people = {c.given_name: c for c in Contact.select()}
    now = datetime.now().replace(microsecond=0)
    log_interaction(
        people["Jane"],
        channel="met",
        summary="Talked about remote HF monitoring at the poster session",
        occurred_at=now - timedelta(days=18),
    )
    log_interaction(
        people["Jane"],
        channel="email",
        summary="Sent our readmission dashboard deck",
        occurred_at=now - timedelta(days=12),
    )
    log_interaction(
        people["Jane"],
        channel="coffee",
        summary="Coffee: she may co-chair the sepsis committee",
        occurred_at=now - timedelta(days=4),
    )
    add_milestone(
        people["Jane"],
        "award",
        "ACC Distinguished Teacher Award",
        on=today - timedelta(days=3),
        congratulate=True,
    )
    log_interaction(
        people["Hiroshi"],
        channel="call",
        summary="Discharge planning pilot",
        occurred_at=now - timedelta(days=94),
    )
    Contact.update(stay_in_touch_days=60).where(Contact.id == people["Hiroshi"].id).execute()
    create_followup(
        people["Jane"],
        today + timedelta(days=2),
        "Send the co-chair invitation",
        due_time=time(9, 0),
        duration_minutes=15,
    )
    create_followup(
        people["Marcus"], today - timedelta(days=2), "Share the nurse residency syllabus"
    )
    create_followup(people["Priya"], today, "Coffee about antimicrobial stewardship")
    create_followup(
        people["Sofía"], today + timedelta(days=5), "Ask about the registry collaboration"
    )


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs/screenshots"
    out.mkdir(parents=True, exist_ok=True)
    from PySide6.QtTest import QTest

    from netdesk.ui.app import make_application

    app = make_application()
    build_demo(Path(tempfile.mkdtemp()) / "demo.sqlite3")
    from netdesk.models import Contact
    from netdesk.ui.main_window import MainWindow

    window = MainWindow()
    window.resize(1280, 800)
    window.show()

    def settle() -> None:
        for _ in range(20):
            app.processEvents()
            QTest.qWait(25)

    jane = Contact.get(Contact.given_name == "Jane")
    window.show_page("contacts")
    window.page("contacts").select_contact(jane.id)
    settle()
    window.grab().save(str(out / "main-window.png"))
    contacts = window.page("contacts")
    contacts.tabs.setCurrentIndex(1)
    settle()
    window.grab().save(str(out / "timeline.png"))
    for key in ("today", "events", "followups", "imports", "insights"):
        window.show_page(key)
        settle()
        window.grab().save(str(out / f"{key}.png"))
    window.close()
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
