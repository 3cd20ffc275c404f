"""The contact list as a lazily fetched table: pages of rows, sorted and filtered in SQL.

Only the columns the table shows are selected, a page at a time (canFetchMore /
fetchMore), and rows are kept as small tuples, so a 100,000-contact database
costs only what the user has scrolled through. The total comes from a COUNT query.
"""

from dataclasses import replace
from datetime import datetime
from typing import Any, NamedTuple

from peewee import fn
from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from netdesk.models import Contact, Organization
from netdesk.services.search import ContactFilter, contact_query

PAGE_SIZE = 200
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
    Contact.display_name,
    Contact.given_name,
    Contact.family_name,
    Contact.additional_names,
    Contact.prefix,
    Contact.suffix,
    Contact.credentials,
    Contact.role,
    Contact.title,
    Contact.last_interaction_at,
    Contact.archived,
    Organization.name.alias("org_name"),
)


class Row(NamedTuple):
    id: int
    name: str
    organization: str
    role: str
    last_contact: datetime | None
    title: str
    archived: bool


def _row(contact: Contact) -> Row:
    name = contact.name or "(no name)"
    if contact.credentials:
        name = f"{name}, {contact.credentials}"
    return Row(
        contact.id,
        name,
        contact.org_name or "",
        contact.role,
        contact.last_interaction_at,
        contact.title,
        bool(contact.archived),
    )


def format_last_contact(when: datetime | None) -> str:
    return when.strftime("%d %b %Y") if when else "never"


class ContactTableModel(QAbstractTableModel):
    """Contacts matching a :class:`ContactFilter`, fetched ``PAGE_SIZE`` rows at a time."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._filter = ContactFilter()
        self._rows: list[Row] = []
        self._total = 0

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
        self._rows = []
        self._total = contact_query(self._filter, [fn.COUNT(Contact.id)]).order_by().scalar() or 0
        self._rows = self._fetch(0, PAGE_SIZE)
        self.endResetModel()

    def _fetch(self, offset: int, limit: int) -> list[Row]:
        query = contact_query(self._filter, SELECTED).limit(limit).offset(offset)
        return [_row(c) for c in query.objects()]

    @property
    def total(self) -> int:
        """How many contacts match, fetched or not."""
        return self._total

    def canFetchMore(self, parent: QModelIndex = _ROOT) -> bool:  # noqa: N802
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: QModelIndex = _ROOT) -> None:  # noqa: N802
        if parent.isValid():
            return
        rows = self._fetch(len(self._rows), PAGE_SIZE)
        if not rows:
            self._total = len(self._rows)  # someone deleted rows meanwhile
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def row_of(self, contact_id: int, max_rows: int = 10 * PAGE_SIZE) -> int:
        """The row of ``contact_id``, fetching up to ``max_rows``; -1 if not among them."""
        while True:
            for i, row in enumerate(self._rows):
                if row.id == contact_id:
                    return i
            if not self.canFetchMore() or len(self._rows) >= max_rows:
                return -1
            self.fetchMore()

    def contact_id(self, row: int) -> int | None:
        return self._rows[row].id if 0 <= row < len(self._rows) else None

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
            return format_last_contact(row.last_contact)
        if role == Qt.ItemDataRole.ToolTipRole:
            parts = [row.name, row.title, row.organization]
            return "\n".join(p for p in parts if p) + ("\n(archived)" if row.archived else "")
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        if role == Qt.ItemDataRole.ForegroundRole and (
            row.archived or (column == 3 and row.last_contact is None)
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
