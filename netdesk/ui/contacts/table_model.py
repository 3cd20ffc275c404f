"""The contact list as a lazily fetched table: pages of rows, sorted and filtered in SQL.

Only the columns the table shows are selected, a page at a time (canFetchMore /
fetchMore), and rows are kept as small tuples in a window of recently used pages,
so a 1,000,000-contact list costs the same memory scrolled or not. The first page is shown without
counting; the (capped) COUNT runs once typing pauses (COUNT_DELAY_MS) and
announces itself with ``totalChanged``, so typing never waits for it.
"""

from collections import OrderedDict
from dataclasses import replace
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont

from netdesk.models import Contact, Organization, database
from netdesk.models.contact import NAME_FIELDS, ORG_MARKER, format_name
from netdesk.services.clock import UserClock, user_clock
from netdesk.services.contacts.search import (
    KEYSET_SORTS,
    ContactFilter,
    contact_page,
    count_for_list,
    plan_matches,
    sort_columns,
)

PAGE_SIZE = 200
KEEP_PAGES = 25  # 5,000 rows: a screenful many times over, a few MB
COUNT_DELAY_MS = 250  # after the first page, and after the last keystroke
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
    key: tuple  # the sort's columns: where the next page starts (keyset paging)


def _row(values: tuple) -> Row:
    """A raw result row (SELECTED, then the sort's columns) -> Row, without a model instance."""
    names_end = 1 + len(NAME_FIELDS)
    cid, names = values[0], values[1:names_end]
    credentials, org, role, last, title, archived, kind = values[names_end : len(SELECTED)]
    name = format_name(*names) or "(no name)"
    if credentials:
        name = f"{name}, {credentials}"
    if kind == "org":
        name += ORG_MARKER
    key = values[len(SELECTED) :]
    return Row(cid, name, org or "", role, last or "", title, bool(archived), key)


def format_last_contact(stored: str, clock: UserClock) -> str:
    """ "2026-01-03 10:00:00" (UTC) -> "03 Jan 2026" (the user's day); "never" when none."""
    if not stored:
        return "never"
    try:
        return clock.date_of(stored).strftime("%d %b %Y")
    except ValueError:
        return stored


class ContactTableModel(QAbstractTableModel):
    """Contacts matching a :class:`ContactFilter`, fetched ``PAGE_SIZE`` rows at a time.

    Rows live in pages; only the KEEP_PAGES pages used last are held, so memory stays
    flat however far the list is scrolled. A page that was dropped is read again
    when shown, seeking from its neighbour's first or last sort key (each page's
    edge keys are kept, a few bytes a page), never by skipping rows with OFFSET.
    :meth:`jump_to_end` reads the last page from the end of the index.
    """

    totalChanged = Signal()  # noqa: N815 (Qt spelling): the deferred count arrived

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._filter = ContactFilter()
        self._pages: OrderedDict[int, list[Row]] = OrderedDict()  # least recently used first
        self._edges: dict[int, tuple[tuple, tuple]] = {}  # page -> (first key, last key)
        self._count = 0  # rows the view knows about (rowCount)
        self._total = 0
        self._exact = True
        self._counted = True
        self._index_matches: int | None = None
        # The count waits until typing pauses: at a million contacts it takes a while.
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_DELAY_MS)
        self._count_timer.timeout.connect(self.count_total)
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
        self._pages.clear()
        self._edges.clear()
        self._index_matches = plan_matches(self._filter)
        first = self._page(0)
        self._count = self._total = len(first)
        self._exact = self._counted = len(first) < PAGE_SIZE
        self.endResetModel()
        if not self._counted:  # once the page is painted and the typing paused
            self._count_timer.start()

    def count_total(self, exact: bool = False) -> None:
        """Count the matches (a search up to SEARCH_COUNT_CAP unless ``exact``).

        Counts for the current filter, so a count scheduled before the user typed on
        counts what is shown now, and the later ones find nothing to do.
        """
        if self._exact or (self._counted and not exact):
            return
        cap = 2**62 if exact else SEARCH_COUNT_CAP
        counted = count_for_list(self._filter, cap)
        self._counted = True
        self._total = max(self._count, counted.total if counted.exact else cap)
        self._exact = counted.exact
        self.totalChanged.emit()

    def _query(self, f: ContactFilter, offset: int, limit: int, after: tuple | None) -> list[Row]:
        columns = (*SELECTED, *sort_columns(f))
        query = contact_page(f, columns, offset, limit, after, self._index_matches)
        return [_row(values) for values in database.execute(query).fetchall()]

    def _fetch_page(self, page: int) -> list[Row]:
        """Read one page: seek from a neighbour's edge key when one is known."""
        f = self._filter
        keyset = f.sort in KEYSET_SORTS
        reverse = replace(f, descending=not f.descending)
        if page == 0:
            return self._query(f, 0, PAGE_SIZE, None)
        if keyset and page - 1 in self._edges:
            return self._query(f, 0, PAGE_SIZE, self._edges[page - 1][1])
        if keyset and page + 1 in self._edges:
            return self._query(reverse, 0, PAGE_SIZE, self._edges[page + 1][0])[::-1]
        if keyset and self._exact and page == (self._total - 1) // PAGE_SIZE:  # the last
            return self._query(reverse, 0, self._total - page * PAGE_SIZE, None)[::-1]
        return self._query(f, page * PAGE_SIZE, PAGE_SIZE, None)

    def _page(self, page: int) -> list[Row]:
        rows = self._pages.get(page)
        if rows is not None:
            self._pages.move_to_end(page)
            return rows
        rows = self._fetch_page(page)
        self._pages[page] = rows
        if rows:
            self._edges[page] = (rows[0].key, rows[-1].key)
        while len(self._pages) > KEEP_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _row(self, row: int) -> Row | None:
        """The row at ``row`` (reading its page if it was dropped); None past the end."""
        if not 0 <= row < self._count:
            return None
        rows = self._page(row // PAGE_SIZE)
        i = row % PAGE_SIZE
        return rows[i] if i < len(rows) else None  # rows deleted since the page was read

    def _fetch(self, offset: int, limit: int) -> list[Row]:
        """Rows ``offset`` .. ``offset + limit`` by OFFSET (the benchmark's reference)."""
        return self._query(self._filter, offset, limit, None)

    @property
    def total(self) -> int:
        """How many contacts match, fetched or not (at least this many if not exact)."""
        return self._total

    @property
    def total_is_exact(self) -> bool:
        """False until counted, and while a search's count stopped at SEARCH_COUNT_CAP."""
        return self._exact

    @property
    def counted(self) -> bool:
        """False between showing the first page and the deferred count."""
        return self._counted

    @property
    def pages_held(self) -> int:
        """Pages of rows in memory now (at most KEEP_PAGES)."""
        return len(self._pages)

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:  # noqa: N802
        if parent.isValid():
            return False
        return self._count < self._total or not self._exact

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:  # noqa: N802
        if parent.isValid() or not self.canFetchMore():
            return
        first = self._count
        page = first // PAGE_SIZE
        self._pages.pop(page, None)  # a short last page may have grown
        rows = self._page(page)[first % PAGE_SIZE :]
        if first % PAGE_SIZE + len(rows) < PAGE_SIZE:  # the end (or rows deleted meanwhile)
            self._total, self._exact = first + len(rows), True
            self._counted = True
        elif not self._exact:
            self._total = max(self._total, first + len(rows))
        if rows:  # listeners of rowsInserted see the new total
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._count += len(rows)
            self.endInsertRows()

    def jump_to_end(self) -> int:
        """Make every row known (counting exactly) and read the last page; its last row.

        The last page comes from the end of the sort order, not by skipping rows.
        """
        self.count_total(exact=True)
        if self._count < self._total:
            self.beginInsertRows(QModelIndex(), self._count, self._total - 1)
            self._count = self._total
            self.endInsertRows()
        if self._count:
            self._row(self._count - 1)
        return self._count - 1

    def row_of(self, contact_id: int, max_rows: int = 10 * PAGE_SIZE) -> int:
        """The row of ``contact_id`` among the pages held, else fetching up to ``max_rows``;
        -1 if not found."""
        for page, rows in self._pages.items():
            for i, row in enumerate(rows):
                if row.id == contact_id:
                    return page * PAGE_SIZE + i
        start = 0
        while start < min(self._count, max_rows) or (self.canFetchMore() and start < max_rows):
            if start >= self._count:
                self.fetchMore()
                if start >= self._count:
                    return -1
            for i, row in enumerate(self._page(start // PAGE_SIZE)):
                if row.id == contact_id:
                    return start + i
            start += PAGE_SIZE
        return -1

    def contact_id(self, row: int) -> int | None:
        found = self._row(row)
        return found.id if found is not None else None

    def row_at(self, row: int) -> Row:
        found = self._row(row)
        if found is None:
            raise IndexError(row)
        return found

    # Qt model API -----------------------------------------------------------
    def rowCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else self._count

    def columnCount(self, parent: QModelIndex = _ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation, role=Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index: QModelIndex, role=Qt.ItemDataRole.DisplayRole) -> Any:
        row = self._row(index.row()) if index.isValid() else None
        if row is None:
            return None
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
