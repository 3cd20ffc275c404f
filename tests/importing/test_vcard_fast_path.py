"""The hand-split property lines give exactly what vobject's parseLine gives.

Every vCard in tests/fixtures and resources/sample is imported twice, once with the
fast path and once with vobject's parser for every line, and the drafts compared
field by field; every logical line is compared on its own too, and generated lines
hunt for the odd ones (quotes, empty values, stray separators).
"""

import dataclasses
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from vobject.base import ParseError, parseLine

from netdesk.errors import InputError
from netdesk.services.importing import vcard
from netdesk.services.importing.textfile import detect_encoding

ROOT = Path(__file__).resolve().parents[2]
CORPUS = sorted(
    p
    for folder in (ROOT / "tests" / "fixtures", ROOT / "resources" / "sample")
    for p in folder.rglob("*")
    if p.is_file()
    and (p.suffix == ".vcf" or b"BEGIN:VCARD" in p.read_bytes().upper().replace(b"\x00", b""))
)


def test_the_corpus_is_all_there():
    names = {p.name for p in CORPUS}
    assert {"iphone_3.0.vcf", "android_2.1_qp.vcf", "aha-2026-leads.vcf", "truncated.vcf"} <= names
    assert len(CORPUS) >= 21


def results(path: Path) -> list:
    try:
        return list(vcard.parse_vcards(path))
    except InputError as exc:
        return [str(exc)]


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_file_imports_the_same_with_and_without_the_fast_path(path, monkeypatch):
    fast = results(path)
    monkeypatch.setattr(vcard, "split_line", parseLine)
    slow = results(path)
    assert len(fast) == len(slow)
    for ours, theirs in zip(fast, slow, strict=True):
        assert type(ours) is type(theirs)
        if not dataclasses.is_dataclass(ours):
            assert ours == theirs
            continue
        for field in dataclasses.fields(ours):
            assert getattr(ours, field.name) == getattr(theirs, field.name), (
                f"{path.name} card {getattr(ours, 'card', '?')}: {field.name} differs"
            )


def logical_lines_of(path: Path) -> list[str]:
    try:
        encoding = detect_encoding(path)
    except InputError:  # refused as a whole by the importer; its lines are still tried
        encoding = "latin-1"
    text = path.read_bytes().decode(encoding, errors="replace")
    return [line for line, _ in vcard.logical_lines(text)]


def same_as_vobject(line: str) -> None:
    try:
        expected = parseLine(line, 1)
    except ParseError:
        with pytest.raises(ParseError):
            vcard.split_line(line, 1)
        return
    assert vcard.split_line(line, 1) == expected, line


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_every_line_of_the_corpus_splits_like_vobject(path):
    for line in logical_lines_of(path):
        same_as_vobject(line)


HEAD = st.text(alphabet='ab_-1.;:,=" xTYPE', max_size=24)


@settings(max_examples=2000, deadline=None)
@given(HEAD, st.text(max_size=12))
@example("item1.EMAIL;type=INTERNET;type=pref", "a@b.org")
@example("TEL;TYPE=,,cell,;PREF=", "1")
@example("N;;", "x")
@example('ADR;LABEL="a;b:c",WORK', "x")
@example("X_LOTUS_NAME;a=b=c", "x")
@example("a.b.c", "x")
def test_generated_lines_split_like_vobject(head, value):
    same_as_vobject(f"{head}:{value}")
    same_as_vobject(head)  # no colon at all
