"""Careers that move: a re-import with a new title is one milestone and one follow-up."""

from netdesk.models import Affiliation, Contact, FollowUp, ImportChange, Interaction
from netdesk.services.clock import local_today
from netdesk.services.contacts.affiliations import affiliation_rows
from netdesk.services.contacts.records import create_contact
from netdesk.services.importing.importer import commit_plan, plan_import, undo_import


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def card(*lines):
    return "\n".join(["BEGIN:VCARD", "VERSION:3.0", *lines, "END:VCARD", ""])


def ana(tmp_path, name, title, org="Mayo Clinic"):
    text = card("FN:Ana Silva", "EMAIL:ana@x.example.org", f"ORG:{org}", f"TITLE:{title}")
    return write(tmp_path, name, text)


def milestones(contact_id):
    return list(
        Interaction.select().where(
            (Interaction.contact == contact_id) & (Interaction.kind == "milestone")
        )
    )


def test_reimport_with_new_title_is_one_milestone_and_one_followup_undo_removes_both(db, tmp_path):
    commit_plan(plan_import([ana(tmp_path, "a.vcf", "Associate Professor")]))
    contact = Contact.get(Contact.display_name == "Ana Silva")

    plan = plan_import([ana(tmp_path, "b.vcf", "Professor")])
    (change,) = plan.career_changes()
    assert (change.kind, change.before.title, change.after.title) == (
        "promotion",
        "Associate Professor",
        "Professor",
    )
    assert not plan.entries[0].conflicts  # a move, not a field to overwrite
    batch = commit_plan(plan)

    (milestone,) = milestones(contact.id)
    assert milestone.milestone_kind == "promotion"
    assert "Associate Professor" in milestone.note and "Professor" in milestone.summary
    (followup,) = FollowUp.select().where(FollowUp.contact == contact.id)
    assert followup.origin_key == f"milestone:{milestone.id}"
    assert followup.due_date == local_today()
    assert Contact.get_by_id(contact.id).title == "Professor"
    rows = affiliation_rows(contact.id)
    assert [(r["title"], r["primary"], r["end_date"]) for r in rows] == [
        ("Professor", True, None),
        ("Associate Professor", False, local_today()),
    ]
    assert rows[0]["start_date"] == local_today()

    # the same card again: nothing new happens
    again = plan_import([ana(tmp_path, "c.vcf", "Professor")])
    assert again.career_changes() == [] and again.entries[0].status == "identical"

    from netdesk.services.importing.importer import describe_undo

    assert "1 career change(s) it recorded" in describe_undo(batch.id)
    undo_import(batch.id)
    assert milestones(contact.id) == []
    assert FollowUp.select().where(FollowUp.contact == contact.id).count() == 0
    assert Contact.get_by_id(contact.id).title == "Associate Professor"
    assert [(r["title"], r["primary"], r["end_date"]) for r in affiliation_rows(contact.id)] == [
        ("Associate Professor", True, None)
    ]


def test_new_organization_is_a_new_position(db, tmp_path):
    create_contact(
        name="Ana Silva", emails=["ana@x.example.org"], organization="Mayo Clinic", title="RN"
    )
    plan = plan_import([ana(tmp_path, "b.vcf", "Nurse Manager", org="Cleveland Clinic")])
    (change,) = plan.career_changes()
    assert change.kind == "new position"
    assert change.summary() == "RN, Mayo Clinic → Nurse Manager, Cleveland Clinic"


def test_unticked_change_keeps_the_current_position(db, tmp_path):
    contact = create_contact(
        name="Ana Silva", emails=["ana@x.example.org"], organization="Mayo Clinic", title="RN"
    )
    plan = plan_import([ana(tmp_path, "b.vcf", "Nurse Manager")])
    plan.career_changes()[0].apply = False
    commit_plan(plan)
    assert Contact.get_by_id(contact.id).title == "RN"
    assert milestones(contact.id) == []
    assert ImportChange.select().where(ImportChange.action == "career").count() == 0


def test_filling_an_empty_title_is_not_a_move(db, tmp_path):
    contact = create_contact(
        name="Ana Silva", emails=["ana@x.example.org"], organization="Mayo Clinic"
    )
    plan = plan_import([ana(tmp_path, "b.vcf", "RN")])
    assert plan.career_changes() == []
    commit_plan(plan)
    assert Contact.get_by_id(contact.id).title == "RN"
    assert Affiliation.select().where(Affiliation.contact == contact.id).count() == 1


def run_cli(db_path, *args):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), *args],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_cli_import_prints_career_changes_and_can_skip_them(db_path, tmp_path):
    run_cli(db_path, "import", str(ana(tmp_path, "a.vcf", "RN")))
    newer = ana(tmp_path, "b.vcf", "Nurse Manager")
    out = run_cli(db_path, "import", "--skip-career-changes", str(newer))
    assert "1 career change(s) left out" in out and "RN, Mayo Clinic → Nurse Manager" in out
    out = run_cli(db_path, "import", str(newer))
    assert "1 career change(s) recorded" in out
    assert "Ana Silva: promotion, RN, Mayo Clinic → Nurse Manager, Mayo Clinic" in out
    history = run_cli(db_path, "history", "1")
    assert "Promotion: Nurse Manager" in history
    listed = run_cli(db_path, "followups", "list")
    assert "Congratulate Ana Silva" in listed


def test_cli_positions_add_and_move(db_path):
    run_cli(db_path, "add", "--name", "Ana Silva", "--org", "Mayo Clinic", "--title", "RN")
    run_cli(db_path, "positions", "1", "--add", "--org", "Rochester CC", "--title", "Instructor")
    out = run_cli(
        db_path, "positions", "1", "--move", "--org", "Cleveland Clinic", "--title", "CNO"
    )
    assert "Ana Silva: new position, RN, Mayo Clinic → CNO, Cleveland Clinic" in out
    rows = out.splitlines()[1:]
    assert rows[0].split("\t")[:3] == ["primary", "Cleveland Clinic", "CNO"]
    assert rows[1].split("\t")[:3] == ["also", "Rochester CC", "Instructor"]
    assert rows[2].split("\t")[:3] == ["past", "Mayo Clinic", "RN"]
    assert run_cli(db_path, "contacts", "--search", "rochester").startswith("1\tAna Silva")
    import subprocess
    import sys

    bad = subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), "positions", "1", "--move",
         "--title", "CNO"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert bad.returncode == 2 and "not a move" in bad.stderr


def test_linkedin_csv_a_month_later_brings_the_new_job(db, tmp_path, fixtures):
    """LinkedIn's export is how most people learn that a connection moved."""
    first = fixtures / "import/Connections.csv"
    commit_plan(plan_import([first]))
    text = first.read_text(encoding="utf-8").replace(
        'Cleveland Clinic,"Nurse Educator, Critical Care"', "Mayo Clinic,Nurse Manager"
    )
    later = write(tmp_path, "Connections.csv", text)
    plan = plan_import([later])
    (change,) = plan.career_changes()
    assert (change.name, change.kind, change.summary()) == (
        "Fatima Haddad",
        "new position",
        "Nurse Educator, Critical Care, Cleveland Clinic → Nurse Manager, Mayo Clinic",
    )
    commit_plan(plan)
    fatima = Contact.get(Contact.given_name == "Fatima")
    assert [(r["organization"], r["end_date"] is None) for r in affiliation_rows(fatima.id)] == [
        ("Mayo Clinic", True),
        ("Cleveland Clinic", False),
    ]


def test_an_organization_card_has_no_career(db, tmp_path):
    create_contact(
        name="Medtronic", kind="org", organization="Medtronic", title="Exhibitor",
        emails=["booth@medtronic.example.com"],
    )  # fmt: skip
    text = card(
        "FN:Medtronic", "X-ABShowAs:COMPANY", "ORG:Medtronic plc", "TITLE:Sponsor",
        "EMAIL:booth@medtronic.example.com",
    )  # fmt: skip
    plan = plan_import([write(tmp_path, "m.vcf", text)])
    assert plan.entries[0].action == "merge"
    assert plan.career_changes() == []
