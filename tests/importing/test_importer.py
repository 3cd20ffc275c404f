"""Planning, committing, merging, undoing and round-tripping imports on a real database."""

import json
import subprocess
import sys
from datetime import date

import pytest

from netdesk.errors import InputError, UserError
from netdesk.models import (
    Contact,
    ContactMethod,
    ContactTag,
    Event,
    EventAttendance,
    ImportBatch,
    ImportChange,
    ImportIssue,
)
from netdesk.services.contacts.records import contact_to_dict, create_contact
from netdesk.services.importing.importer import commit_plan, list_batches, plan_import, undo_import
from netdesk.services.importing.vcard_export import export_vcards
from netdesk.services.progress import Cancelled, Progress

ALL_VCARDS = [
    "iphone_3.0.vcf",
    "outlook_2.1_qp_cp1252.vcf",
    "android_2.1_qp.vcf",
    "google_3.0.vcf",
    "vcard_4.0.vcf",
    "outlook_utf16.vcf",
    "latin1.vcf",
    "utf8_bom.vcf",
]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def card(**props):
    lines = ["BEGIN:VCARD", "VERSION:3.0"]
    lines += [f"{k.replace('_', '-')}:{v}" for k, v in props.items()]
    return "\n".join([*lines, "END:VCARD", ""])


def comparable(contact: Contact) -> dict:
    d = contact_to_dict(contact)
    for key in ("id", "created_at", "updated_at", "events"):
        d.pop(key)
    methods = sorted((m.kind, m.value, m.label, m.preferred) for m in contact.methods)
    addresses = sorted(
        (a.label, a.street, a.locality, a.region, a.postal_code, a.country, a.po_box)
        for a in contact.addresses
    )
    return {
        **d,
        "methods": methods,
        "addresses": addresses,
        "photo": contact.photo,
        "photo_url": contact.photo_url,
        "uid": contact.uid,
        "anniversary": contact.anniversary,
        "additional_names": contact.additional_names,
    }


def test_commit_creates_contacts_event_tag_issues_in_one_batch(db, fixtures):
    files = [fixtures / "import/iphone_3.0.vcf", fixtures / "import/broken.vcf"]
    plan = plan_import(files)
    batch = commit_plan(
        plan,
        event_name="AHA Scientific Sessions 2026",
        event_kind="conference",
        event_date=date(2026, 11, 8),
        tag="AHA26",
    )
    assert ImportBatch.select().count() == 1
    assert (batch.created_count, batch.merged_count, batch.skipped_count) == (4, 0, 0)
    assert Contact.select().count() == 4
    event = Event.get()
    assert (event.name, event.kind, event.start_date) == (
        "AHA Scientific Sessions 2026",
        "conference",
        date(2026, 11, 8),
    )
    assert EventAttendance.select().where(EventAttendance.import_batch == batch).count() == 4
    chidi = Contact.get(Contact.family_name == "Okafor")
    d = contact_to_dict(chidi)
    assert d["tags"] == ["AHA26", "Cardiology", "Speakers"]
    assert d["events"][0]["name"] == "AHA Scientific Sessions 2026"
    assert d["organization"] == "Mayo Clinic" and chidi.photo.startswith(b"\x89PNG")
    issues = list(ImportIssue.select().where(ImportIssue.batch == batch).order_by(ImportIssue.card))
    assert [(i.card, i.line) for i in issues] == [(2, 6), (3, 10), (4, 14), (4, 14), (5, 21)]
    assert all(i.file.endswith("broken.vcf") for i in issues)
    assert ImportChange.select().where(ImportChange.action == "created").count() == 4
    # the same event name + date is reused, not duplicated
    commit_plan(
        plan_import([fixtures / "import/google_3.0.vcf"]),
        event_name="AHA Scientific Sessions 2026",
        event_date=date(2026, 11, 8),
    )
    assert Event.select().count() == 1


def test_reimport_is_identical_and_skipped(db, fixtures):
    files = [fixtures / "import" / n for n in ALL_VCARDS]
    commit_plan(plan_import(files))
    count = Contact.select().count()
    plan = plan_import(files)
    assert {e.status for e in plan.entries} == {"identical"}
    batch = commit_plan(plan)
    assert batch.skipped_count == len(plan.entries) and Contact.select().count() == count


def test_merge_fills_empty_fields_keeps_every_method_never_overwrites(db, tmp_path):
    existing = create_contact(
        name="Ana Silva",
        emails=["ana.silva@providence.example.org"],
        organization="Providence",
        title="Pharmacist",
        tags=["old"],
    )
    path = write(
        tmp_path,
        "ana.vcf",
        card(
            FN="Ana Silva",
            N="Silva;Ana;;;",
            EMAIL="ANA.SILVA@providence.example.org",
            TEL="+1 503 555 0142",
            TITLE="Director of Pharmacy",
            NOTE="Met at ASHP",
            CATEGORIES="ASHP",
            X_NETDESK_SPECIALTY="Oncology",
        ),
    )
    plan = plan_import([path])
    (entry,) = plan.entries
    assert (entry.status, entry.action, entry.target_id) == ("duplicate", "merge", existing.id)
    assert "same email" in entry.reason
    assert entry.conflicts == []  # a new title is a career move (tests/careers) ...
    assert entry.career.after.title == "Director of Pharmacy"
    entry.career.apply = False  # ... which the user may untick
    assert entry.fills["specialty"] == "Oncology"
    batch = commit_plan(plan, tag="ashp")
    contact = Contact.get_by_id(existing.id)
    d = contact_to_dict(contact)
    assert d["title"] == "Pharmacist"  # never overwritten without a choice
    assert d["specialty"] == "Oncology" and d["notes"] == "Met at ASHP"
    assert d["emails"] == ["ana.silva@providence.example.org"]
    assert d["phones"] == ["+1 503 555 0142"]
    assert d["tags"] == ["ashp", "ASHP"] or sorted(t.lower() for t in d["tags"]) == ["ashp", "old"]
    assert Contact.select().count() == 1 and batch.merged_count == 1
    # undo reverts exactly what the merge changed
    undo_import(batch.id)
    d = contact_to_dict(Contact.get_by_id(existing.id))
    assert (d["specialty"], d["notes"], d["phones"], d["tags"]) == ("", "", [], ["old"])
    assert ImportBatch.get_by_id(batch.id).undone_at is not None
    with pytest.raises(UserError, match="already undone"):
        undo_import(batch.id)


def test_field_choice_overwrites_only_when_chosen(db, tmp_path):
    # (a new title or organization is a career move instead: tests/careers)
    existing = create_contact(
        name="Ana Silva", emails=["ana@x.example.org"], specialty="Oncology pharmacy"
    )
    plan = plan_import(
        [
            write(
                tmp_path,
                "a.vcf",
                card(FN="Ana Silva", EMAIL="ana@x.example.org", X_NETDESK_SPECIALTY="Pediatrics"),
            )
        ]
    )
    plan.entries[0].conflicts[0].use_incoming = True
    batch = commit_plan(plan)
    assert Contact.get_by_id(existing.id).specialty == "Pediatrics"
    undo_import(batch.id)
    assert Contact.get_by_id(existing.id).specialty == "Oncology pharmacy"


def test_duplicates_within_the_file_and_by_uid_and_phone(db, tmp_path):
    create_contact(name="Ben Smith", phones=["(503) 555-0100"])
    create_contact(name="Someone Else", uid="uid-42")
    text = (
        card(FN="Jane Doe", EMAIL="jane@x.example.org")
        + card(FN="Jane Doe", EMAIL="JANE@x.example.org", TEL="+1 503 555 0199")
        + card(FN="B. Smith", TEL="+1 503-555-0100")
        + card(FN="Renamed", UID="uid-42")
    )
    plan = plan_import([write(tmp_path, "f.vcf", text)])
    statuses = [(e.status, e.target_entry, e.reason.split(" ")[1]) for e in plan.entries[1:]]
    assert statuses == [
        ("duplicate", 0, "email"),
        ("duplicate", None, "phone"),
        ("duplicate", None, "UID"),
    ]
    commit_plan(plan)
    jane = Contact.get(Contact.display_name == "Jane Doe")
    assert contact_to_dict(jane)["phones"] == ["+1 503 555 0199"]
    assert Contact.select().count() == 3


def test_possible_duplicate_by_fuzzy_name_and_org_is_created_by_default(db, tmp_path):
    existing = create_contact(name="Jürgen Müller", organization="Charité Berlin")
    plan = plan_import(
        [
            write(
                tmp_path,
                "j.vcf",
                card(
                    FN="Jurgen Muller",
                    N="Muller;Jurgen;;;",
                    ORG="Charite Berlin",
                    EMAIL="jm@charite.example.de",
                ),
            )
        ]
    )
    (entry,) = plan.entries
    assert (entry.status, entry.action, entry.target_id) == ("possible", "new", existing.id)
    commit_plan(plan)
    assert Contact.select().count() == 2
    other = plan_import(
        [
            write(
                tmp_path, "k.vcf", card(FN="Jurgen Muller", N="Muller;Jurgen;;;", ORG="Mayo Clinic")
            )
        ]
    )
    assert other.entries[0].status == "new"


def test_possible_duplicate_merged_when_user_chooses(db, tmp_path):
    existing = create_contact(name="Mei Chen", organization="UCSF Health")
    plan = plan_import(
        [
            write(
                tmp_path,
                "m.vcf",
                card(
                    FN="Mei Chen", N="Chen;Mei;;;", ORG="UCSF Health", EMAIL="mei@ucsf.example.edu"
                ),
            )
        ]
    )
    plan.entries[0].action = "merge"
    commit_plan(plan)
    assert contact_to_dict(Contact.get_by_id(existing.id))["emails"] == ["mei@ucsf.example.edu"]
    assert Contact.select().count() == 1


def test_undo_removes_created_contacts_attendance_and_event(db, fixtures):
    create_contact(name="Keep Me", emails=["keep@example.org"])
    batch = commit_plan(
        plan_import([fixtures / "import/iphone_3.0.vcf"]), event_name="ANA Summit", tag="ana"
    )
    assert Contact.select().count() == 3
    result = undo_import(batch.id)
    assert result == {"removed": 2, "reverted": 0}
    assert [c.display_name for c in Contact.select()] == ["Keep Me"]
    assert EventAttendance.select().count() == 0 and Event.select().count() == 0
    assert ContactMethod.select().count() == 1 and ContactTag.select().count() == 0
    assert list_batches()[0]["undone_at"]


def test_cancel_writes_nothing(db, tmp_path):
    text = "".join(card(FN=f"Person {i}", EMAIL=f"p{i}@example.org") for i in range(450))
    plan = plan_import([write(tmp_path, "many.vcf", text)])
    calls = []

    def cancel_midway(done, total, message):
        calls.append(done)
        if done > 0:
            progress.cancel()

    progress = Progress(cancel_midway)
    with pytest.raises(Cancelled):
        commit_plan(plan, event_name="X", progress=progress)
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0
    assert Event.select().count() == 0


def test_cancel_while_reading_writes_nothing(db, fixtures):
    progress = Progress()
    progress.cancel()
    big = [fixtures / "import/broken.vcf"]
    with pytest.raises(Cancelled):
        plan = plan_import(big, progress=progress)
        commit_plan(plan, progress=progress)
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0


def test_round_trip_import_export_import_changes_nothing(db, fixtures, tmp_path):
    files = [fixtures / "import" / n for n in ALL_VCARDS]
    commit_plan(plan_import(files))
    before = sorted((comparable(c) for c in Contact.select()), key=lambda d: d["name"])
    for version in ("3.0", "4.0"):
        out = tmp_path / f"all-{version}.vcf"
        assert export_vcards(out, version=version) == len(before)
        # back into the same database: every card is identical
        plan = plan_import([out])
        assert {e.status for e in plan.entries} == {"identical"}, [
            (
                e.draft.name,
                e.fills,
                [(c.field, c.existing, c.incoming) for c in e.conflicts],
                e.additions,
            )
            for e in plan.entries
            if e.status != "identical"
        ]
        # and into an empty database: the same contacts come out
        Contact.delete().execute()
        commit_plan(plan_import([out]))
        after = sorted((comparable(c) for c in Contact.select()), key=lambda d: d["name"])
        assert after == before


def test_split_export_and_escaping(db, tmp_path):
    create_contact(name="Semi; Colon, Person", notes="line1\nline2; with, commas\\")
    create_contact(name="Semi; Colon, Person", emails=["two@example.org"])
    out = tmp_path / "split"
    assert export_vcards(out, split=True, version="4.0") == 2
    files = sorted(p.name for p in out.iterdir())
    assert len(files) == 2 and all(f.endswith(".vcf") for f in files)
    text = "".join((out / f).read_text() for f in files)
    assert "NOTE:line1\\nline2\\; with\\, commas\\\\" in text
    assert "VERSION:4.0" in text


def test_commit_is_all_or_nothing_when_a_write_fails(db, fixtures):
    plan = plan_import([fixtures / "import/iphone_3.0.vcf"])
    plan.entries[1].action, plan.entries[1].target_entry = "merge", 7  # a bug mid-commit
    with pytest.raises(Exception):  # noqa: B017 — any failure must roll everything back
        commit_plan(plan, event_name="Fail Event")
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0
    assert Event.select().count() == 0


def test_bad_event_kind_is_an_input_error(db, fixtures):
    with pytest.raises(InputError, match="Event kind"):
        commit_plan(plan_import([fixtures / "import/latin1.vcf"]), event_kind="party")


# ----------------------------------------------------------------------------- CLI
def run(cli_env, db_path, *args):
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), *args],
        env=cli_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_cli_import_json_undo_and_list(cli_env, db_path, fixtures):
    r = run(
        cli_env,
        db_path,
        "import",
        str(fixtures / "import/broken.vcf"),
        str(fixtures / "import/Connections.csv"),
        "--event",
        "ANA 2026",
        "--event-kind",
        "symposium",
        "--event-date",
        "2026-10-01",
        "--tag",
        "ana",
        "--json",
    )
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert set(out) == {"batch", "created", "merged", "skipped", "problems"}
    assert (out["created"], out["merged"], out["skipped"]) == (5, 0, 0)
    assert {"file", "card", "line", "message"} == set(out["problems"][0])
    assert [p["card"] for p in out["problems"]] == [2, 3, 4, 4, 5]
    r = run(cli_env, db_path, "imports", "--json")
    assert json.loads(r.stdout)[0]["event"] == "ANA 2026"
    r = run(cli_env, db_path, "undo-import", str(out["batch"]))
    assert r.returncode == 0 and "removed 5" in r.stdout
    r = run(cli_env, db_path, "contacts", "--json")
    assert json.loads(r.stdout) == []


def test_cli_dry_run_writes_nothing(cli_env, db_path, fixtures):
    r = run(
        cli_env, db_path, "import", str(fixtures / "import/iphone_3.0.vcf"), "--dry-run", "--json"
    )
    assert r.returncode == 0 and json.loads(r.stdout)["batch"] is None
    assert json.loads(run(cli_env, db_path, "contacts", "--json").stdout) == []


@pytest.mark.parametrize("name", ["not_a_card.txt", "empty.vcf", "missing.vcf"])
def test_cli_unusable_input_exits_2_and_writes_nothing(cli_env, db_path, fixtures, name):
    r = run(
        cli_env,
        db_path,
        "import",
        str(fixtures / "import/latin1.vcf"),
        str(fixtures / "import" / name),
    )
    assert r.returncode == 2 and name in r.stderr and "Traceback" not in r.stderr
    assert json.loads(run(cli_env, db_path, "imports", "--json").stdout) == []


def test_cli_follow_up_flag_is_guarded(cli_env, db_path, fixtures):
    r = run(
        cli_env,
        db_path,
        "import",
        str(fixtures / "import/latin1.vcf"),
        "--event",
        "X",
        "--follow-up-after",
        "3",
    )
    from netdesk.commands.importing import _follow_up_scheduler

    if _follow_up_scheduler() is None:
        assert r.returncode == 1 and "not available" in r.stderr
        assert json.loads(run(cli_env, db_path, "imports", "--json").stdout) == []
    else:
        assert r.returncode == 0, r.stderr


def test_cli_export_vcard(cli_env, db_path, fixtures, tmp_path):
    run(cli_env, db_path, "import", str(fixtures / "import/Connections.csv"), "--tag", "li")
    out = tmp_path / "out.vcf"
    r = run(cli_env, db_path, "export-vcard", str(out), "--version", "4.0", "--tag", "li")
    assert r.returncode == 0 and "Exported 3" in r.stdout
    assert out.read_text().count("BEGIN:VCARD") == 3


def test_duplicate_lookups_use_indexes(db):
    """Matching must stay an indexed lookup at 100,000 contacts, never a scan per card."""
    plans = {
        "SELECT normalized, contact_id FROM contact_method WHERE kind = ? AND normalized IN (?)": (
            "email",
            "a@b.org",
        ),
        "SELECT uid, id FROM contact WHERE uid IN (?)": ("u",),
        "SELECT id, display_name, given_name, family_name FROM contact WHERE id IN (?)": (1,),
    }
    for sql, params in plans.items():
        detail = " ".join(row[-1] for row in db.execute_sql(f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING" in detail and "SCAN" not in detail, (sql, detail)
