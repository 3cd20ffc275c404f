"""The contact list as a lazily fetched table: pages of rows, sorted and filtered in SQL.

Only the columns the table shows are selected, a page at a time (canFetchMore /
fetchMore), and rows are kept as small tuples, so a 100,000-contact database
costs only what the user has scrolled through. The total comes from a COUNT query.
"""

from dataclasses import replace
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from netdesk.models import Contact, Organization, database
from netdesk.models.contact import NAME_FIELDS, ORG_MARKER, format_name
from netdesk.services.clock import UserClock, user_clock
from netdesk.services.contacts.search import ContactFilter, contact_page, count_for_list

PAGE_SIZE = 200
# A search stops counting here: "2,000+" is as useful as 25,411 and much faster.
SEARCH_COUNT_CAP = 2_000
_ROOT = QModelIndex()
# (header, ContactFilter.sort key)
COLUMNS = (
    ("Name", "name"),
    ("Organization", "organization"),
    ("Role", "role"),
    ("Last contact", "last_contact"),
)
SELECTED = (
    Contact.id,
    *NAME_FIELDS,
    Contact.credentials,
    Organization.name,
    Contact.role,
    Contact.last_interaction_at,
    Contact.title,
    Contact.archived,
    Contact.sort_key,
    Contact.kind,
)


class Row(NamedTuple):
    id: int
    name: str
    organization: str
    role: str
    last_contact: str  # as SQLite stores it; formatted only when shown
    title: str
    archived: bool
    sort_key: str  # where the next page starts (keyset paging)


def _row(values: tuple) -> Row:
    """A raw result row (in SELECTED order) -> Row, without building a model instance."""
    names_end = 1 + len(NAME_FIELDS)
    cid, names = values[0], values[1:names_end]
    credentials, org, role, last, title, archived, sort_key, kind = values[names_end:]
    name = format_name(*names) or "(no name)"
    if credentials:
        name = f"{name}, {credentials}"
    if kind == "org":
        name += ORG_MARKER
    return Row(cid, name, org or "", role, last or "", title, bool(archived), sort_key)


def format_last_contact(stored: str, clock: UserClock) -> str:
    """ "2026-01-03 10:00:00" (UTC) -> "03 Jan 2026" (the user's day); "never" when none."""
    if not stored:
        return "never"
    try:
        return clock.date_of(stored).strftime("%d %b %Y")
    except ValueError:
        return stored


class ContactTableModel(QAbstractTableModel):
    """Contacts matching a :class:`ContactFilter`, fetched ``PAGE_SIZE`` rows at a time."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._filter = ContactFilter()
        self._rows: list[Row] = []
        self._total = 0
        self._exact = True
        self._index_matches: int | None = None
        self._positions: dict[int, int] = {}
        self._clock = UserClock(None)  # the user's zone, read on each reload

    # the query ------------------------------------------------------------
    @property
    def filter(self) -> ContactFilter:
        return self._filter

    def set_filter(self, f: ContactFilter) -> None:
        """Show the contacts matching ``f`` (sort included); reloads from the first page."""
        self._filter = f
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._clock = user_clock()
        self._rows = []
        self._positions: dict[int, int] = {}  # contact id -> row, filled as rows are looked up
        counted = count_for_list(self._filter, SEARCH_COUNT_CAP)
        self._total = counted.total if counted.exact else SEARCH_COUNT_CAP
        self._exact = counted.exact
        self._index_matches = counted.index_matches
        self._rows = self._fetch(0, PAGE_SIZE)
        if len(self._rows) < PAGE_SIZE:
            self._found_all()
        self.endResetModel()

    def _found_all(self) -> None:
        self._total, self._exact = len(self._rows), True

    def _fetch(self, offset: int, limit: int) -> list[Row]:
        after = None
        if offset and offset == len(self._rows):  # the next page: seek past the last row
            last = self._rows[-1]
            after = (last.sort_key, last.id)
        query = contact_page(self._filter, SELECTED, offset, limit, after, self._index_matches)
        cursor = database.execute(query)
        return [_row(values) for values in cursor.fetchall()]

    @property
    def total(self) -> int:
        """How many contacts match, fetched or not (at least this many if not exact)."""
        return self._total

    @property
    def total_is_exact(self) -> bool:
        """False while a search's count stopped at SEARCH_COUNT_CAP."""
        return self._exact

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:  # noqa: N802
        if parent.isValid():
            return False
        return len(self._rows) < self._total or not self._exact

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:  # noqa: N802
        if parent.isValid():
            return
        rows = self._fetch(len(self._rows), PAGE_SIZE)
        first = len(self._rows)
        if len(rows) < PAGE_SIZE:  # the end (or rows were deleted meanwhile)
            self._total, self._exact = first + len(rows), True
        elif not self._exact:
            self._total = max(self._total, first + len(rows))
        if rows:  # listeners of rowsInserted see the new total
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()

    def row_of(self, contact_id: int, max_rows: int = 10 * PAGE_SIZE) -> int:
        """The row of ``contact_id``, fetching up to ``max_rows``; -1 if not among them."""
        while True:
            if len(self._positions) != len(self._rows):
                for i in range(len(self._positions), len(self._rows)):
                    self._positions[self._rows[i].id] = i
            row = self._positions.get(contact_id, -1)
            if row >= 0 or not self.canFetchMore() or len(self._rows) >= max_rows:
                return row
            self.fetchMore()

    def contact_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    # Qt model API -----------------------------------------------------------
    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return row.name
            if column == 1:
                return row.organization
            if column == 2:
                return row.role.title() if row.role != "it" else "IT"
            return format_last_contact(row.last_contact, self._clock)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [row.name, row.title, row.organization]
            return "\n".join(p for p in parts if p) + ("\n(archived)" if row.archived else "")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and (
            row.archived or (column == 3 and not row.last_contact)
        ):
            return QColor(Qt.GlobalColor.gray)
        if role == Qt.ItemDataRole.FontRole and row.archived:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        descending = order == Qt.SortOrder.DescendingOrder
        key = COLUMNS[column][1]
        if (key, descending) != (self._filter.sort, self._filter.descending):
            self.set_filter(replace(self._filter, sort=key, descending=descending))
