import sqlite3

import pytest

from netdesk.models import Contact, ContactMethod, Organization, open_database
from netdesk.models.store.migrations import CURRENT_VERSION, MigrationError, schema_version


def test_new_database_is_wal_with_foreign_keys_and_current_schema(db, db_path):
    assert db.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert schema_version(db) == CURRENT_VERSION
    assert db_path.stat().st_mode & 0o077 == 0  # user-only


def test_deleting_a_contact_cascades_to_methods(db):
    c = Contact.create(given_name="Ana", family_name="Silva")
    ContactMethod.create(contact=c, kind="email", value="a@x.org", normalized="a@x.org")
    c.delete_instance()
    assert ContactMethod.select().count() == 0


def test_contact_name_falls_back_to_parts():
    c = Contact(given_name="Jane", family_name="Doe", prefix="Dr", suffix="MD")
    assert c.name == "Dr Jane Doe, MD"


def test_v1_file_upgrades_without_data_loss(tmp_path, fixtures):
    path = tmp_path / "old.sqlite3"
    path.write_bytes((fixtures / "schema_v1.sqlite3").read_bytes())
    db = open_database(path)
    assert schema_version(db) == CURRENT_VERSION
    names = sorted(c.name for c in Contact.select())
    assert names == ["Ana Silva", "Ben Okafor", "Zoë Müller"]
    assert Organization.get().name == "Hôpital Saint-Éloi"
    # the v2 search index was populated from the old rows
    from netdesk.services.contacts.search import search_contacts

    assert [c.family_name for c in search_contacts("zoe")] == ["Müller"]
    assert [c.family_name for c in search_contacts("eloi")] != []
    db.close()


def test_failed_migration_leaves_file_untouched(tmp_path, fixtures, monkeypatch):
    from netdesk.models.store import migrations

    path = tmp_path / "old.sqlite3"
    original = (fixtures / "schema_v1.sqlite3").read_bytes()
    path.write_bytes(original)

    def broken(db):
        db.execute_sql("CREATE TABLE half_done(x)")
        raise RuntimeError("disk on fire")

    monkeypatch.setitem(migrations.STEPS, 2, broken)
    from netdesk.services.data.backup import install_pre_migration_backup

    install_pre_migration_backup()
    with pytest.raises(MigrationError, match="left as it was"):
        open_database(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1
    assert "half_done" not in {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert conn.execute("SELECT count(*) FROM contact").fetchone()[0] == 3
    # and a backup of the v1 file was taken before the step ran
    (copy,) = (tmp_path / "backups").glob(f"pre-migration-v1-to-v{CURRENT_VERSION}-*.sqlite3")
    backup = sqlite3.connect(copy)
    assert backup.execute("PRAGMA user_version").fetchone()[0] == 1
    assert backup.execute("SELECT count(*) FROM contact").fetchone()[0] == 3


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE contact(id)")
    conn.execute(f"PRAGMA user_version = {CURRENT_VERSION + 5}")
    conn.close()
    with pytest.raises(MigrationError, match="newer netdesk"):
        open_database(path)
