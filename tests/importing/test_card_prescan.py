"""The card-count pre-scan agrees with the card splitter and never over-counts.

It decides whether a file is refused before parsing, so counting one line the splitter
would not count could refuse a legitimate file; chunk boundaries are exercised with a
tiny chunk size.
"""

import pytest

from netdesk.errors import InputError
from netdesk.services.importing import csv_import, textfile, vcard
from netdesk.services.importing.textfile import count_card_starts, detect_encoding
from netdesk.services.progress import NO_PROGRESS

CARD = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann {n}\r\nEND:VCARD\r\n"
TRICKY = (
    "begin:vcard\nFN:lower\nend:vcard\n"  # any case counts
    "BEGIN:VCARD  \rFN:old Mac line ends\rEND:VCARD\r"  # lone CR, trailing blanks
    "NOTE:BEGIN:VCARD\n"  # not at a line start
    "X-BEGIN:VCARD\n"
    "BEGIN:VCARDS\n"  # not the keyword
    "Begin:VCard\r\nFN:mixed\r\nEND:VCARD"  # no final line end
)


def _splitter_count(path) -> int:
    return sum(1 for c in vcard.iter_card_chunks(path) if not isinstance(c, str))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
@pytest.mark.parametrize("chunk", [1, 3, 7, 1024 * 1024])
def test_count_matches_the_splitter(tmp_path, monkeypatch, encoding, chunk):
    monkeypatch.setattr(textfile, "_SCAN_CHARS", chunk)
    path = tmp_path / "cards.vcf"
    path.write_text("".join(CARD.format(n=n) for n in range(5)) + TRICKY, encoding=encoding)
    assert count_card_starts(path, detect_encoding(path), stop_after=100) == 8
    assert _splitter_count(path) == 8


def test_stops_counting_past_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "_SCAN_CHARS", 64)
    path = tmp_path / "cards.vcf"
    path.write_text(CARD.format(n=1) * 1000)
    assert 4 <= count_card_starts(path, "utf-8", stop_after=3) < 1000


def test_a_long_line_is_not_a_card_start(tmp_path, monkeypatch):
    monkeypatch.setattr(textfile, "_SCAN_CHARS", 16)
    path = tmp_path / "cards.vcf"
    path.write_text("NOTE:" + "x" * 10_000 + "BEGIN:VCARD\n" + CARD.format(n=1))
    assert count_card_starts(path, "utf-8", stop_after=10) == 1


def test_too_many_cards_is_refused_before_any_card_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(vcard, "MAX_CARDS", 3)
    path = tmp_path / "four.vcf"
    path.write_text(CARD.format(n=1) * 4)
    with pytest.raises(InputError, match=r"four\.vcf: more than 3 cards"):
        next(vcard.iter_card_chunks(path))


def _csv(path, rows: int) -> None:
    body = "".join(
        f'Ann{n},Lee,a{n}@x.org,"line one\nline two\r\nline three"\r\n' for n in range(rows)
    )
    path.write_text("First Name,Last Name,E-mail Address,Notes\r\n" + body, newline="")


def test_csv_rows_with_line_breaks_in_quotes_are_not_over_counted(db, tmp_path, monkeypatch):
    monkeypatch.setattr(csv_import, "MAX_CARDS", 3)
    ok, over = tmp_path / "three.csv", tmp_path / "four.csv"
    _csv(ok, 3)
    _csv(over, 4)
    assert csv_import.count_line_ends(ok) > 3  # the cheap bound alone would refuse it
    drafts = list(csv_import._rows(csv_import.read_layout(ok), NO_PROGRESS))
    assert [d.given_name for d in drafts] == ["Ann0", "Ann1", "Ann2"]
    rows = csv_import._rows(csv_import.read_layout(over), NO_PROGRESS)
    with pytest.raises(InputError, match=r"four\.csv: more than 3 rows"):
        next(rows)  # refused before the first row is parsed
