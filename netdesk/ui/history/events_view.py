"""The Events page: where people were met, how many were followed up, who still waits."""

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.models import EVENT_KINDS
from netdesk.services.clock import local_today
from netdesk.services.history.events import (
    EventSummary,
    create_event,
    delete_event,
    event_people,
    get_event,
    list_events,
    restore_event,
    update_event,
)
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.page import Page, empty_state
from netdesk.ui.common.undo import run_undoable
from netdesk.ui.history.dialogs import to_qdate

COLUMNS = ("Event", "Date", "Met", "Followed up", "Waiting", "Kind", "Where")


class OptionalDate(QWidget):
    """A date that may be left empty (undated events, open-ended rotations)."""

    def __init__(self, label: str, value: date | None) -> None:
        super().__init__()
        self.enabled = QCheckBox(label)
        self.edit = QDateEdit(calendarPopup=True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setDate(to_qdate(value or local_today()))
        self.enabled.setChecked(value is not None)
        self.edit.setEnabled(value is not None)
        self.enabled.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled)
        layout.addWidget(self.edit, 1)

    def value(self) -> date | None:
        return self.edit.date().toPython() if self.enabled.isChecked() else None


class EventDialog(QDialog):
    def __init__(self, parent, values: dict | None = None) -> None:
        super().__init__(parent)
        values = values or {}
        self.setWindowTitle("Edit event" if values else "New event")
        form = QFormLayout()
        self.name = QLineEdit(values.get("name", ""))
        self.name.setPlaceholderText("e.g. AHA Scientific Sessions 2026")
        self.kind = QComboBox()
        self.kind.addItems(EVENT_KINDS)
        self.kind.setCurrentText(values.get("kind", "conference"))
        self.start = OptionalDate("Starts", values.get("start_date"))
        self.end = OptionalDate("Ends", values.get("end_date"))
        self.location = QLineEdit(values.get("location", ""))
        self.location.setPlaceholderText("City, venue or room")
        self.url = QLineEdit(values.get("url", ""))
        self.url.setPlaceholderText("https://… (webinars, virtual summits)")
        self.notes = QPlainTextEdit(values.get("notes", ""))
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)
        form.addRow("&Name:", self.name)
        form.addRow("&Kind:", self.kind)
        form.addRow("&Dates:", self.start)
        form.addRow("", self.end)
        form.addRow("&Location:", self.location)
        form.addRow("&URL:", self.url)
        form.addRow("N&otes:", self.notes)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def values(self) -> dict:
        return {
            "name": self.name.text(),
            "kind": self.kind.currentText(),
            "start_date": self.start.value(),
            "end_date": self.end.value(),
            "location": self.location.text(),
            "url": self.url.text(),
            "notes": self.notes.toPlainText(),
        }


class EventsPage(Page):
    key = "events"
    title = "Events"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.events: list[EventSummary] = []
        new = QPushButton("&New event…")
        self.edit_button = QPushButton("&Edit event…")
        new.clicked.connect(self.new_event)
        self.edit_button.clicked.connect(self.edit_event)
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Events</b> — where you met people, and who still waits"), 1)
        top.addWidget(new)
        top.addWidget(self.edit_button)

        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.itemSelectionChanged.connect(self.show_selected)
        self.table.itemActivated.connect(lambda _: self.edit_event())
        self.empty = empty_state(
            "No events yet. Events appear when you import contacts met at a conference, "
            "or create one with New event…"
        )
        self.list_stack = QStackedLayout()
        holder = QWidget()
        holder.setLayout(self.list_stack)
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)

        self.detail = QLabel("Select an event to see who you met there.")
        self.detail.setWordWrap(True)
        self.people = QTreeWidget()
        self.people.setHeaderLabels(["Person", "Organization", "Status"])
        self.people.setRootIsDecorated(False)
        self.people.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.people.header().setStretchLastSection(True)
        self.people.itemActivated.connect(self.open_person)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.detail)
        right_layout.addWidget(self.people, 1)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(holder)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([300, 260])
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def refresh(self) -> None:
        selected = self.selected_event_id()
        self.events = list_events()
        self.table.setRowCount(len(self.events))
        for row, event in enumerate(self.events):
            when = event.start_date.isoformat() if event.start_date else "—"
            if event.end_date and event.end_date != event.start_date:
                when += f" → {event.end_date.isoformat()}"
            cells = (
                event.name,
                when,
                event.people,
                event.followed_up,
                event.waiting,
                event.kind,
                event.location or event.url,
            )
            for col, value in enumerate(cells):
                item = QTableWidgetItem(str(value))
                if isinstance(value, int):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                item.setData(Qt.ItemDataRole.UserRole, event.id)
                self.table.setItem(row, col, item)
        self.list_stack.setCurrentWidget(self.table if self.events else self.empty)
        if selected is not None:
            self.select_event(selected)
        self.show_selected()

    def selected_event_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select_event(self, event_id: int) -> None:
        for row, event in enumerate(self.events):
            if event.id == event_id:
                self.table.selectRow(row)
                return

    def show_selected(self) -> None:
        event_id = self.selected_event_id()
        self.edit_button.setEnabled(event_id is not None)
        self.people.clear()
        if event_id is None:
            self.detail.setText("Select an event to see who you met there.")
            return
        summary = next(e for e in self.events if e.id == event_id)
        self.detail.setText(
            f"<b>{summary.name}</b><br>{summary.people} met · {summary.followed_up} followed up"
            f" · <b>{summary.waiting} still waiting</b>"
        )
        for person in event_people(event_id):
            if person.followed_up:
                status = "followed up"
            elif person.open_followup:
                status = "waiting · planned"
            else:
                status = "waiting"
            item = QTreeWidgetItem([person.name, person.organization, status])
            item.setData(0, Qt.ItemDataRole.UserRole, person.contact_id)
            self.people.addTopLevelItem(item)

    def open_person(self, item: QTreeWidgetItem) -> None:
        contact_id = item.data(0, Qt.ItemDataRole.UserRole)
        self.window_.show_page("contacts")
        page = self.window_.page("contacts")
        if hasattr(page, "select_contact"):
            page.select_contact(contact_id)

    # create / edit ----------------------------------------------------------
    def new_event(self) -> None:
        dialog = EventDialog(self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.create(dialog.values())

    def create(self, values: dict) -> int | None:
        event_id = run_undoable(
            self.window_,
            self,
            f"New event {values.get('name', '')}",
            lambda: create_event(**values).id,
            delete_event,
            restore_event,
        )
        if event_id:
            self.refresh()
            self.select_event(event_id)
        return event_id

    def edit_event(self) -> None:
        event_id = self.selected_event_id()
        if event_id is None:
            return
        event = get_event(event_id)
        values = {k: getattr(event, k) for k in EventDialog(self).values()}
        dialog = EventDialog(self, values)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            changed = {k: v for k, v in dialog.values().items() if values[k] != v}
            if changed:
                self.apply_edit(event_id, changed)

    def apply_edit(self, event_id: int, changed: dict) -> None:
        run_undoable(
            self.window_,
            self,
            "Edit event",
            lambda: update_event(event_id, **changed),
            lambda before: update_event(event_id, **before),
        )
