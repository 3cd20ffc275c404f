"""Dialogs for timeline entries (interaction, milestone, resource) and relationships."""

from datetime import date, datetime, time
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QVBoxLayout,
)

from netdesk.models import CHANNELS, MILESTONE_KINDS, Event, utcnow
from netdesk.services.clock import local_date, local_today, user_clock
from netdesk.services.contacts.search import search_contacts
from netdesk.services.history.interactions import DIRECTIONS, RELATE_KINDS
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.privacy_prompt import text_to_save


def recent_events(limit: int = 200) -> list[Event]:
    """Events an interaction can be linked to, newest first (bounded for big bases)."""
    return list(
        Event.select(Event.id, Event.name)
        .order_by(Event.start_date.desc(nulls="LAST"), Event.id.desc())
        .limit(limit)
    )


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def when_from_date(day: date, keep: datetime | None = None) -> datetime:
    """A picked day (the user's) as a stored timestamp: now for today, the old time if
    the day is unchanged, else noon that day in the user's zone."""
    clock = user_clock()
    if keep is not None and clock.date_of(keep) == day:
        return keep
    if day == clock.today():
        return utcnow()
    return clock.stamp_at(day, time(12, 0))


class EntryDialog(QDialog):
    """Add or edit one timeline entry of ``kind`` (interaction, milestone, resource)."""

    def __init__(self, parent, kind: str, values: dict[str, Any] | None = None) -> None:
        super().__init__(parent)
        values = values or {}
        self.kind = kind
        self._keep = values.get("occurred_at")
        titles = {"interaction": "Interaction", "milestone": "Milestone", "resource": "Resource"}
        self.setWindowTitle(f"{'Edit' if values else 'Add'} {titles[kind].lower()}")
        form = QFormLayout()
        self.date = QDateEdit(calendarPopup=True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setDate(to_qdate(local_date(self._keep) if self._keep else local_today()))
        form.addRow("&Date:", self.date)
        self.choice = QComboBox()
        if kind == "interaction":
            self.choice.addItems(CHANNELS)
            self.choice.setCurrentText(values.get("channel") or "email")
            form.addRow("&Channel:", self.choice)
        elif kind == "milestone":
            self.choice.addItems(MILESTONE_KINDS)
            self.choice.setCurrentText(values.get("milestone_kind") or "promotion")
            form.addRow("&Milestone:", self.choice)
        else:
            self.choice.addItems(DIRECTIONS)
            self.choice.setCurrentText(values.get("direction") or "shared")
            self.resource = QLineEdit(values.get("resource", ""))
            self.resource.setPlaceholderText("https://… or a file name (never opened by netdesk)")
            form.addRow("&Shared or received:", self.choice)
            form.addRow("&Link or file:", self.resource)
        self.event = QComboBox()
        if kind == "interaction":
            self.event.addItem("—", None)
            for event in recent_events():
                self.event.addItem(event.name, event.id)
            self.event.setCurrentIndex(max(0, self.event.findData(values.get("event"))))
            form.addRow("At &event:", self.event)
        self.summary = QLineEdit(values.get("summary", ""))
        self.summary.setPlaceholderText(
            "e.g. Promoted to Chief Nursing Officer" if kind == "milestone" else "Short summary"
        )
        form.addRow("S&ummary:", self.summary)
        self.note = QPlainTextEdit(values.get("note", ""))
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(80)
        form.addRow("&Note:", self.note)
        self.congratulate = QCheckBox("Plan a “Congratulate …” follow-up for today")
        if kind == "milestone" and not values:
            self.congratulate.setChecked(True)
            form.addRow("", self.congratulate)
        buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.summary.setFocus()
        self._initial = {"summary": self.summary.text(), "note": self.note.toPlainText()}

    def accept(self) -> None:
        """OK: summary and note that look like patient data are redacted, kept or edited."""
        for what, edit in (("summary", self.summary), ("note", self.note)):
            text = edit.text() if what == "summary" else edit.toPlainText()
            if text == self._initial[what]:
                continue  # unchanged stored text was answered for when it was saved
            answer = text_to_save(self, text, what)
            if answer is None:
                edit.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            if answer != text and what == "summary":
                edit.setText(answer)
            elif answer != text:
                edit.setPlainText(answer)
        super().accept()

    def values(self) -> dict[str, Any]:
        """The fields as the history service names them."""
        fields = {
            "occurred_at": when_from_date(self.date.date().toPython(), self._keep),
            "summary": self.summary.text(),
            "note": self.note.toPlainText(),
        }
        key = {"interaction": "channel", "milestone": "milestone_kind"}.get(self.kind, "direction")
        fields[key] = self.choice.currentText()
        if self.kind == "resource":
            fields["resource"] = self.resource.text()
        if self.kind == "interaction":
            fields["event"] = self.event.currentData()
        return fields


class RelationshipDialog(QDialog):
    """Pick a kind and another contact (searched as you type, never all loaded)."""

    def __init__(self, parent, contact_id: int, contact_name: str) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add relationship")
        self.contact_id = contact_id
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItems(RELATE_KINDS)
        form.addRow(f"{contact_name} &is:", self.kind)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Type a name, organization or email")
        form.addRow("&Of:", self.search)
        self.results = QListWidget()
        self.results.setFixedHeight(140)
        form.addRow("", self.results)
        self.project = QLineEdit()
        self.project.setPlaceholderText("For collaborators: project or publication")
        form.addRow("&Project:", self.project)
        self.buttons = ok_cancel_buttons(self)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._timer = QTimer(self, singleShot=True, interval=150)
        self._timer.timeout.connect(self.run_search)
        self.search.textChanged.connect(lambda _: self._timer.start())
        self.search.returnPressed.connect(self.results.setFocus)
        self.results.currentItemChanged.connect(lambda *_: self._update_ok())
        self._update_ok()

    def run_search(self) -> None:
        self.results.clear()
        for contact in search_contacts(self.search.text(), limit=30):
            if contact.id == self.contact_id:
                continue
            org = f" — {contact.organization.name}" if contact.organization_id else ""
            item = QListWidgetItem(f"{contact.name}{org}")
            item.setData(Qt.ItemDataRole.UserRole, contact.id)
            self.results.addItem(item)
        if self.results.count():
            self.results.setCurrentRow(0)
        self._update_ok()

    def _update_ok(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setEnabled(self.results.currentItem() is not None)

    def other_id(self) -> int | None:
        item = self.results.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None
