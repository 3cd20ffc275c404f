"""Organization and group vCards (issue 10 part 2), with real-shaped cards in fixtures/import."""

import json
import shutil

import pytest

from netdesk.cli import main
from netdesk.models import Contact, ContactTag, Tag, close_database, open_database
from netdesk.models.store.migrations import CURRENT_VERSION, schema_version
from netdesk.services.contacts.editing import form_values, save_contact
from netdesk.services.contacts.records import contact_to_dict
from netdesk.services.importing.drafts import ContactDraft, DraftGroup
from netdesk.services.importing.importer import commit_plan, plan_import, read_drafts, undo_import
from netdesk.services.importing.vcard_export import export_vcards

ORG_CARDS = [
    # file, the organization's name, its ORG
    ("org_4.0.vcf", "ACME Inc.", "ACME Inc."),
    ("apple_company_3.0.vcf", "Boston Scientific", "Boston Scientific"),
    ("outlook_company_2.1.vcf", "Medtronic Exhibit Booth", "Medtronic Exhibit Booth"),
    ("outlook_company_3.0.vcf", "Stryker Medical", "Stryker Medical"),
]


def parsed(path) -> list:
    return list(read_drafts(path)[1])


def by_name() -> dict[str, Contact]:
    return {c.name: c for c in Contact.select()}


def tags_of(contact: Contact) -> list[str]:
    query = Tag.select(Tag.name).join(ContactTag).where(ContactTag.contact == contact)
    return sorted(t.name for t in query)


@pytest.mark.parametrize(("file", "name", "org"), ORG_CARDS)
def test_organization_cards_arrive_named_and_marked(fixtures, file, name, org):
    draft = parsed(fixtures / "import" / file)[0]
    assert isinstance(draft, ContactDraft)
    assert draft.name == name and draft.display_name == name
    assert draft.kind == "org" and draft.organization == org
    assert draft.given_name == draft.family_name == ""  # the name is not split like a person's


def test_person_cards_stay_people(fixtures):
    _, maria = parsed(fixtures / "import/apple_company_3.0.vcf")
    assert maria.kind == "person" and maria.name == "Maria Reyes"
    assert (maria.given_name, maria.family_name, maria.organization) == (
        "Maria",
        "Reyes",
        "Boston Scientific",
    )
    for file in ("iphone_3.0.vcf", "outlook_2.1_qp_cp1252.vcf", "google_3.0.vcf"):
        assert {d.kind for d in parsed(fixtures / "import" / file)} == {"person"}, file


def test_the_issue_card_lists_with_its_name_and_kind(db_path, fixtures, capsys):
    card = str(fixtures / "import/org_4.0.vcf")
    assert main(["--db", str(db_path), "import", card]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "contacts", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["name"] == row["display_name"] == "ACME Inc."
    assert row["kind"] == "org" and row["organization"] == "ACME Inc."
    assert main(["--db", str(db_path), "contacts"]) == 0
    assert "ACME Inc. (organization)" in capsys.readouterr().out


def test_contacts_filter_by_kind_and_add_an_organization(db_path, fixtures, capsys):
    card = str(fixtures / "import/apple_company_3.0.vcf")
    assert main(["--db", str(db_path), "import", card]) == 0
    assert main(["--db", str(db_path), "add", "--name", "Mayo Clinic Labs", "--kind", "org"]) == 0
    capsys.readouterr()

    def names(kind: str) -> list[str]:
        assert main(["--db", str(db_path), "contacts", "--kind", kind, "--json"]) == 0
        return sorted(r["name"] for r in json.loads(capsys.readouterr().out))

    assert names("org") == ["Boston Scientific", "Mayo Clinic Labs"]
    assert names("person") == ["Maria Reyes"]
    assert main(["--db", str(db_path), "contacts", "--kind", "org", "--json"]) == 0
    labs = [r for r in json.loads(capsys.readouterr().out) if r["name"] == "Mayo Clinic Labs"]
    assert labs[0]["given_name"] == labs[0]["family_name"] == ""
    with pytest.raises(SystemExit) as exit_info:
        main(["--db", str(db_path), "contacts", "--kind", "company"])
    assert exit_info.value.code == 2


@pytest.mark.parametrize("version", ["3.0", "4.0"])
def test_organizations_round_trip_through_export(db, fixtures, tmp_path, version):
    for file, *_ in ORG_CARDS:
        commit_plan(plan_import([fixtures / "import" / file]))
    before = {c.name: contact_to_dict(c) for c in Contact.select()}
    out = tmp_path / "out.vcf"
    export_vcards(out, version=version)
    text = out.read_text(encoding="utf-8")
    marker = "KIND:org" if version == "4.0" else "X-ABShowAs:COMPANY"
    assert text.count(marker) == 4 and text.count("BEGIN:VCARD") == 5  # Maria is a person
    if version == "3.0":
        assert "KIND:" not in text  # 3.0 has no KIND property; Apple's is what readers know

    Contact.delete().execute()
    commit_plan(plan_import([out]))
    after = {c.name: contact_to_dict(c) for c in Contact.select()}
    assert set(after) == set(before)
    for name, row in before.items():
        keep = ("kind", "display_name", "given_name", "family_name", "organization", "emails")
        assert {k: after[name][k] for k in keep} == {k: row[k] for k in keep}, name
    assert after["ACME Inc."]["kind"] == "org" and after["Maria Reyes"]["kind"] == "person"


def test_kind_is_editable_and_validated(db):
    from netdesk.errors import InputError

    org = save_contact(None, {"display_name": "Cardiac Device Expo", "kind": "org"})
    assert org.kind == "org" and org.given_name == ""
    values = form_values(org)
    assert values["kind"] == "org"
    save_contact(org.id, {**values, "kind": "person"})
    assert Contact.get_by_id(org.id).kind == "person"
    with pytest.raises(InputError, match="Kind 'company'"):
        save_contact(org.id, {**values, "kind": "company"})


def test_group_card_tags_the_members_in_the_file_and_reports_the_rest(db, fixtures):
    path = fixtures / "import/group_4.0.vcf"
    group = next(r for r in parsed(path) if isinstance(r, DraftGroup))
    assert group.name == "Sepsis Working Group" and len(group.members) == 3

    plan = plan_import([path])
    assert [e.draft.name for e in plan.entries] == ["Ana Silva", "Ben Okafor"]  # not the group
    [g] = plan.groups
    assert [plan.entries[n].draft.name for n in g.members] == ["Ana Silva", "Ben Okafor"]
    assert g.missing == ["urn:uuid:7d1e5c0a-3f2b-4e6d-8a9c-1b2c3d4e5f60"]
    [problem] = plan.problems
    assert problem.card == 2 and problem.line == 8
    assert "Sepsis Working Group" in problem.message and g.missing[0] in problem.message

    batch = commit_plan(plan)
    assert {n: tags_of(c) for n, c in by_name().items()} == {
        "Ana Silva": ["Sepsis Working Group"],
        "Ben Okafor": ["Sepsis Working Group"],
    }
    undo_import(batch.id)
    assert Contact.select().count() == 0


def test_apple_group_tags_people_and_organizations(db, fixtures):
    plan = plan_import([fixtures / "import/apple_group_3.0.vcf"])
    [g] = plan.groups
    assert g.group.name == "Exhibitors 2026"
    assert g.missing == ["urn:uuid:11111111-2222-4333-8444-555555555555"]
    commit_plan(plan)
    contacts = by_name()
    assert sorted(contacts) == ["Boston Scientific", "Maria Reyes"]
    assert contacts["Boston Scientific"].kind == "org"
    assert all(tags_of(c) == ["Exhibitors 2026"] for c in contacts.values())


def test_group_of_contacts_already_in_netdesk_merges_the_tag_and_undoes(db, fixtures):
    commit_plan(plan_import([fixtures / "import/apple_company_3.0.vcf"]))
    plan = plan_import([fixtures / "import/apple_group_3.0.vcf"])
    # without the group both cards would be identical and skipped; the tag makes them merges
    assert {e.draft.name: (e.status, e.action) for e in plan.entries} == {
        "Maria Reyes": ("duplicate", "merge"),
        "Boston Scientific": ("duplicate", "merge"),
    }
    assert all(e.additions == ["tag Exhibitors 2026"] for e in plan.entries)
    batch = commit_plan(plan)
    assert Contact.select().count() == 2
    assert all(tags_of(c) == ["Exhibitors 2026"] for c in by_name().values())
    undo_import(batch.id)
    assert Contact.select().count() == 2
    assert all(tags_of(c) == [] for c in by_name().values())


def test_import_cli_reports_groups(db_path, fixtures, capsys):
    path = str(fixtures / "import/group_4.0.vcf")
    assert main(["--db", str(db_path), "import", path, "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["groups"] == [
        {
            "file": path,
            "card": 2,
            "line": 8,
            "tag": "Sepsis Working Group",
            "members": ["Ana Silva", "Ben Okafor"],
            "missing": ["urn:uuid:7d1e5c0a-3f2b-4e6d-8a9c-1b2c3d4e5f60"],
        }
    ]
    assert main(["--db", str(db_path), "import", path]) == 0
    captured = capsys.readouterr()
    assert (
        "Group 'Sepsis Working Group' (card 2): tag for 2 contact(s), 1 not in the file."
        in captured.out
    )
    assert "1 member(s) are not in this file" in captured.err


def test_group_name_on_one_line_and_members_counted_once(db, tmp_path):
    path = tmp_path / "groups.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nUID:urn:uuid:ABC\nFN:Lee Park\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nFN:Night\\nshift\x07 team\n"
        "MEMBER:urn:uuid:abc\nMEMBER:ABC\nEND:VCARD\n",
        encoding="utf-8",
    )
    plan = plan_import([path])
    [g] = plan.groups
    assert g.group.name == "Night shift team" and g.members == [0] and g.missing == []
    commit_plan(plan)
    assert tags_of(Contact.get()) == ["Night shift team"]


def test_group_card_without_a_name_or_members(db, tmp_path):
    path = tmp_path / "groups.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nUID:urn:uuid:1\r\nEND:VCARD\r\n"
        "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Lee Park\r\nEMAIL:lee@x.org\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    plan = plan_import([path])
    [g] = plan.groups
    assert g.group.name == "Group from card 1" and g.members == [] and g.missing == []
    assert plan.problems == []
    commit_plan(plan)
    assert Tag.select().count() == 0  # an empty group makes no tag


def test_existing_database_migrates_to_kind(tmp_path, fixtures):
    path = tmp_path / "old.sqlite3"
    shutil.copy(fixtures / "schema_v1.sqlite3", path)
    close_database()
    database = open_database(path)
    try:
        assert schema_version(database) == CURRENT_VERSION
        assert {c.kind for c in Contact.select()} == {"person"}
        assert Contact.select().count() == 3
        Contact.create(display_name="ACME Inc.", kind="org")
        assert [c.name for c in Contact.select().where(Contact.kind == "org")] == ["ACME Inc."]
    finally:
        close_database()


def test_group_inside_a_group_is_not_reported_missing(db, tmp_path):
    path = tmp_path / "nested.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nUID:urn:uuid:a\nFN:Lee Park\nEMAIL:lee@x.org\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nUID:urn:uuid:inner\nFN:ICU nurses\n"
        "MEMBER:urn:uuid:a\nEND:VCARD\n"
        "BEGIN:VCARD\nVERSION:4.0\nKIND:group\nUID:urn:uuid:outer\nFN:Critical care\n"
        "MEMBER:urn:uuid:inner\nMEMBER:urn:uuid:a\nEND:VCARD\n",
        encoding="utf-8",
    )
    plan = plan_import([path])
    assert [(g.group.name, len(g.members), g.missing) for g in plan.groups] == [
        ("ICU nurses", 1, []),
        ("Critical care", 1, []),
    ]
    commit_plan(plan)
    assert tags_of(Contact.get()) == ["Critical care", "ICU nurses"]


def test_org_card_matching_a_person_offers_the_kind_and_keeps_it_unless_chosen(db, tmp_path):
    from netdesk.services.contacts.records import create_contact

    person = create_contact(name="Acme Front Desk", uid="429A43AB-52F2-4714-AA62-077528A12464")
    path = tmp_path / "acme.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:4.0\nUID:429A43AB-52F2-4714-AA62-077528A12464\nKIND:org\n"
        "FN:ACME Inc.\nORG:ACME Inc.\nEND:VCARD\n",
        encoding="utf-8",
    )
    plan = plan_import([path])
    [entry] = plan.entries
    assert entry.action == "merge" and entry.target_id == person.id
    kind = next(c for c in entry.conflicts if c.field == "kind")
    assert (kind.existing, kind.incoming) == ("person", "org")
    commit_plan(plan)
    assert Contact.get_by_id(person.id).kind == "person"  # netdesk's value kept by default
    again = plan_import([path])
    next(c for c in again.entries[0].conflicts if c.field == "kind").use_incoming = True
    commit_plan(again)
    assert Contact.get_by_id(person.id).kind == "org"


def test_reimporting_fixes_an_organization_imported_nameless_before(db, fixtures):
    from netdesk.services.contacts.records import organization_named

    nameless = Contact.create(  # what netdesk before this fix made of the issue's card
        uid="429A43AB-52F2-4714-AA62-077528A12464", organization=organization_named("ACME Inc.")
    )
    plan = plan_import([fixtures / "import/org_4.0.vcf"])
    [entry] = plan.entries
    assert entry.fills == {"display_name": "ACME Inc."}
    next(c for c in entry.conflicts if c.field == "kind").use_incoming = True
    commit_plan(plan)
    fixed = Contact.get_by_id(nameless.id)
    assert (fixed.name, fixed.kind) == ("ACME Inc.", "org")


def test_a_version_2_database_gains_the_kind_column(tmp_path, fixtures):
    from peewee import SqliteDatabase

    from netdesk.models.store import migrations

    path = tmp_path / "v2.sqlite3"
    shutil.copy(fixtures / "schema_v1.sqlite3", path)
    raw = SqliteDatabase(str(path))
    migrations.STEPS[2](raw)  # the file as netdesk with schema 2 left it
    raw.execute_sql("PRAGMA user_version = 2")
    raw.close()
    close_database()
    database = open_database(path)
    try:
        assert schema_version(database) == CURRENT_VERSION
        columns = {c.name for c in database.get_columns("contact")}
        assert "kind" in columns
        assert "contact_kind" in {i.name for i in database.get_indexes("contact")}
        assert [c.kind for c in Contact.select()] == ["person"] * 3
    finally:
        close_database()
