import json
import subprocess
import sys

from netdesk.cli import main


def test_add_then_list_as_json(db_path, capsys):
    assert (
        main(
            [
                "--db",
                str(db_path),
                "add",
                "--name",
                "Jane Doe",
                "--email",
                "jane@x.org",
                "--phone",
                "(212) 555-0100",
                "--org",
                "St Mary's",
                "--title",
                "CNO",
                "--role",
                "nurse",
                "--tag",
                "AHA26",
            ]
        )
        == 0
    )
    contact_id = int(capsys.readouterr().out)
    assert main(["--db", str(db_path), "contacts", "--search", "jane", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["id"] == contact_id
    assert row["given_name"] == "Jane" and row["family_name"] == "Doe"
    assert row["emails"] == ["jane@x.org"] and row["phones"] == ["(212) 555-0100"]
    assert row["organization"] == "St Mary's" and row["title"] == "CNO"
    assert row["role"] == "nurse" and row["tags"] == ["AHA26"] and row["events"] == []
    for key in ("specialty", "credentials"):
        assert key in row


def test_bad_email_is_one_line_on_stderr_and_nonzero(db_path, capsys):
    assert main(["--db", str(db_path), "add", "--name", "X", "--email", "not-an-email"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not a valid email" in err


def test_not_a_database_is_a_clear_error(tmp_path, capsys):
    bogus = tmp_path / "bogus.sqlite3"
    bogus.write_bytes(b"this is not sqlite" * 100)
    assert main(["--db", str(bogus), "contacts"]) == 4
    assert "database" in capsys.readouterr().err


def test_python_dash_m_and_version(tmp_path):
    out = subprocess.run(
        [sys.executable, "-m", "netdesk", "--version"], capture_output=True, text=True, check=True
    )
    assert out.stdout.startswith("netdesk ")
