"""Imported NOTE fields that look like patient data are flagged and redacted by default."""

import json
import subprocess
import sys

from netdesk.models import Contact
from netdesk.services.contacts.records import create_contact
from netdesk.services.importing.importer import commit_plan, plan_import

CARD_NOTE = "Asked about a consult: pt John Smith MRN 00482913 DOB 03/04/1961\nCall back Tue."
REDACTED = "Asked about a consult: pt John Smith [redacted mrn] [redacted dob]\nCall back Tue."
SAFETY = "Met at the patient safety summit 3/4/2025, wants our outcomes data."


def notes_of(email_part: str) -> str:
    return next(c.notes for c in Contact.select() if c.name.startswith(email_part))


def test_plan_flags_only_the_patient_note_by_card_and_kind(db, fixtures):
    path = fixtures / "privacy/patient_note.vcf"
    plan = plan_import([path])
    assert [(w.file, w.card, w.kinds) for w in plan.privacy_warnings] == [
        (str(path), 3, ("mrn", "dob"))
    ]
    warning = plan.privacy_warnings[0]
    assert plan.entries[warning.entry].draft.notes == CARD_NOTE
    assert warning.describe() == "a medical record / chart number, a date of birth"
    assert "00482913" not in json.dumps(warning.to_dict())


def test_commit_redacts_flagged_notes_by_default(db, fixtures):
    plan = plan_import([fixtures / "privacy/patient_note.vcf"])
    commit_plan(plan)
    assert notes_of("Grace") == REDACTED
    assert notes_of("Chidi") == SAFETY  # a meeting date is not a birth date
    assert plan.entries[plan.privacy_warnings[0].entry].draft.notes == CARD_NOTE  # plan intact


def test_commit_keeps_flagged_notes_when_asked(db, fixtures):
    commit_plan(plan_import([fixtures / "privacy/patient_note.vcf"]), redact_notes=False)
    assert notes_of("Grace") == CARD_NOTE


def test_merged_note_is_redacted_too(db, fixtures):
    create_contact(name="Grace Lee", emails=["grace.lee@stmarys.example.org"], notes="Mentor.")
    plan = plan_import([fixtures / "privacy/patient_note.vcf"])
    entry = plan.entries[plan.privacy_warnings[0].entry]
    assert entry.action == "merge"
    commit_plan(plan)
    assert notes_of("Grace") == f"Mentor.\n\n{REDACTED}"


# ----------------------------------------------------------------------------- CLI
def run(cli_env, db_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), "import", *args],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def stored_notes(db_path) -> dict[str, str]:
    import sqlite3

    with sqlite3.connect(db_path) as conn:
        return dict(conn.execute("SELECT family_name, notes FROM contact"))


def test_cli_redacts_by_default_and_warns_one_line_per_card(cli_env, db_path, fixtures):
    r = run(cli_env, db_path, str(fixtures / "privacy/patient_note.vcf"))
    assert r.returncode == 0, r.stderr
    assert r.stderr.splitlines() == [
        "card 3: note looks like it holds patient data (mrn, dob); "
        "redacted — use --keep-sensitive-notes to keep it"
    ]
    assert "00482913" not in r.stdout + r.stderr and "John Smith" not in r.stdout + r.stderr
    assert stored_notes(db_path)["Lee"] == REDACTED


def test_cli_keep_sensitive_notes(cli_env, db_path, fixtures):
    r = run(cli_env, db_path, str(fixtures / "privacy/patient_note.vcf"), "--keep-sensitive-notes")
    assert r.returncode == 0, r.stderr
    assert "card 3: note looks like it holds patient data (mrn, dob); kept as written" in r.stderr
    assert stored_notes(db_path)["Lee"] == CARD_NOTE


def test_cli_json_keeps_the_required_keys_and_adds_privacy(cli_env, db_path, fixtures):
    path = fixtures / "privacy/patient_note.vcf"
    r = run(cli_env, db_path, str(path), "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert {"batch", "created", "merged", "skipped", "problems"} <= set(out)
    assert out["created"] == 3 and out["problems"] == []
    assert out["privacy"] == [
        {"file": str(path), "card": 3, "line": 15, "kinds": ["mrn", "dob"], "redacted": True}
    ]
    assert "00482913" not in r.stdout


def test_cli_clean_import_has_exactly_the_required_json_keys(cli_env, db_path, fixtures):
    r = run(cli_env, db_path, str(fixtures / "import/iphone_3.0.vcf"), "--json", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert set(json.loads(r.stdout)) == {"batch", "created", "merged", "skipped", "problems"}


def test_card_text_kept_with_a_problem_is_redacted_too(db, fixtures):
    from netdesk.models import ImportIssue

    plan = plan_import([fixtures / "privacy/patient_note_bad_photo.vcf"])
    assert plan.privacy_warnings and plan.all_problems()
    assert "MRN 00482913" in plan.all_problems()[0].original  # shown in the review as is
    commit_plan(plan)
    stored = ImportIssue.get().original
    assert "NOTE:pt John Smith [redacted mrn] [redacted dob]" in stored
    assert "00482913" not in stored


def test_card_text_kept_with_a_problem_is_kept_when_asked(db, fixtures):
    from netdesk.models import ImportIssue

    commit_plan(plan_import([fixtures / "privacy/patient_note_bad_photo.vcf"]), redact_notes=False)
    assert "MRN 00482913" in ImportIssue.get().original
