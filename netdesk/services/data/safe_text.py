"""Text that leaves netdesk safely: CSV cells a spreadsheet will not run, files only the user reads.

A cell such as ``=HYPERLINK("http://evil","click")`` in an exported CSV is a formula
to Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Exports prefix such
cells with an apostrophe, which spreadsheets show as text; :func:`unescape_csv_cell`
undoes it exactly, so a netdesk CSV re-imports to the same values.
"""

import csv
import io
import os
from collections.abc import Iterable, Sequence
from pathlib import Path

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def escape_csv_cell(value: object) -> str:
    """``value`` as a CSV cell that no spreadsheet evaluates as a formula.

    Cells starting with ``= + - @``, tab or CR get a leading apostrophe; so do cells
    already starting with an apostrophe, which keeps the escape reversible.
    """
    text = "" if value is None else str(value)
    if text.startswith(FORMULA_TRIGGERS) or text.startswith(ESCAPE):
        return ESCAPE + text
    return text


def unescape_csv_cell(text: str) -> str:
    """The inverse of :func:`escape_csv_cell` (for files netdesk wrote)."""
    if text.startswith(ESCAPE) and text[1:2] and text[1:].startswith((*FORMULA_TRIGGERS, ESCAPE)):
        return text[1:]
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A whole CSV document with every cell escaped (quotes and newlines by ``csv``)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([escape_csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([escape_csv_cell(v) for v in row])
    return out.getvalue()


def read_csv_text(text: str) -> list[list[str]]:
    """Rows of a CSV netdesk wrote, unescaped."""
    return [[unescape_csv_cell(c) for c in row] for row in csv.reader(io.StringIO(text))]


def write_private(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, readable by the user only (0600).

    Exports carry contact data; other accounts on the machine should not read them.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_csv(
    path: str | os.PathLike, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> Path:
    """An escaped, user-only UTF-8 CSV (with BOM so Excel reads the accents)."""
    return write_private(path, ("\ufeff" + csv_text(header, rows)).encode("utf-8"))
