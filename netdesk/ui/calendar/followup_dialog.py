"""The dialog to plan or edit one follow-up: all-day or a timed slot with a duration."""

from datetime import date, time
from zoneinfo import available_timezones

from PySide6.QtCore import QDate, QStringListModel, Qt, QTime
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTimeEdit,
    QWidget,
)

from netdesk.models import FollowUp
from netdesk.services.calendar.followups import user_timezone
from netdesk.services.calendar.templates import TEMPLATES
from netdesk.services.clock import local_today
from netdesk.services.contacts.search import search_contacts
from netdesk.services.data.privacy import find_patient_identifiers


class ContactPicker(QLineEdit):
    """Type a name; pick from up to 20 matches (never loads every contact)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("Type a name, email or organization…")
        self._ids: dict[str, int] = {}
        self._model = QStringListModel(self)
        completer = QCompleter(self._model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.setCompleter(completer)
        self.textEdited.connect(self._search)

    def _search(self, text: str) -> None:
        if len(text.strip()) < 2:
            return
        self._ids = {}
        for c in search_contacts(text, limit=20):
            org = f" — {c.organization.name}" if c.organization_id else ""
            self._ids[f"{c.name}{org} (#{c.id})"] = c.id
        self._model.setStringList(list(self._ids))

    def set_contact(self, contact) -> None:
        org = f" — {contact.organization.name}" if contact.organization_id else ""
        label = f"{contact.name}{org} (#{contact.id})"
        self._ids = {label: contact.id}
        self.setText(label)

    def contact_id(self) -> int | None:
        return self._ids.get(self.text())


class FollowUpDialog(QDialog):
    """Plan (``followup=None``) or edit a follow-up; :meth:`values` returns the fields."""

    def __init__(self, parent: QWidget | None, followup: FollowUp | None = None, contact=None):
        super().__init__(parent)
        self.setWindowTitle("Edit follow-up" if followup else "New follow-up")
        self.followup = followup
        form = QFormLayout(self)

        self.contact = ContactPicker()
        if followup is not None:
            self.contact.set_contact(followup.contact)
            self.contact.setEnabled(False)
        elif contact is not None:
            self.contact.set_contact(contact)
        form.addRow("&Contact:", self.contact)

        self.title = QLineEdit(followup.title if followup else "Follow up")
        form.addRow("&Title:", self.title)

        self.date = QDateEdit(calendarPopup=True)
        self.date.setDisplayFormat("ddd d MMM yyyy")
        due = followup.due_date if followup else local_today()
        self.date.setDate(QDate(due.year, due.month, due.day))
        form.addRow("&Due:", self.date)

        self.all_day = QCheckBox("&All day")
        self.time = QTimeEdit()
        self.time.setDisplayFormat("HH:mm")
        self.duration = QSpinBox(suffix=" min", minimum=5, maximum=24 * 60, singleStep=5)
        slot = QHBoxLayout()
        slot.addWidget(self.all_day)
        slot.addWidget(QLabel("at"))
        slot.addWidget(self.time)
        slot.addWidget(QLabel("for"))
        slot.addWidget(self.duration)
        slot.addStretch()
        form.addRow("Time:", slot)
        timed = followup is not None and followup.due_time is not None
        self.all_day.setChecked(not timed)
        start = followup.due_time if timed else time(9, 0)
        self.time.setTime(QTime(start.hour, start.minute))
        self.duration.setValue(followup.duration_minutes if followup else 15)

        self.zone = QComboBox(editable=True)
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setCurrentText((followup.timezone if timed else "") or user_timezone())
        form.addRow("Time &zone:", self.zone)

        self.template = QComboBox()
        for t in TEMPLATES.values():
            self.template.addItem(t.label, t.key)
        current = followup.template if followup else "check-in"
        self.template.setCurrentIndex(max(0, self.template.findData(current)))
        form.addRow("Email te&mplate:", self.template)

        self.note = QPlainTextEdit(followup.note if followup else "")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(90)
        form.addRow("&Note:", self.note)
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet("color: #a33;")
        form.addRow(self.warning)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.buttons = buttons

        self.all_day.toggled.connect(self._update)
        self.note.textChanged.connect(self._update)
        self.title.textChanged.connect(self._update)
        self.contact.textChanged.connect(self._update)
        self._update()

    def _update(self) -> None:
        timed = not self.all_day.isChecked()
        for w in (self.time, self.duration, self.zone):
            w.setEnabled(timed)
        findings = find_patient_identifiers(self.note.toPlainText())
        self.warning.setText(
            "This note looks like it contains patient data ("
            + ", ".join(sorted({f.kind.upper() for f in findings}))
            + "). It is kept here but redacted from calendar exports unless you allow it."
            if findings
            else ""
        )
        self.warning.setVisible(bool(findings))
        ok = bool(self.title.text().strip()) and self.contact.contact_id() is not None
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(ok)

    def values(self) -> dict:
        """Fields for create_followup / change_followup."""
        d = self.date.date()
        timed = not self.all_day.isChecked()
        t = self.time.time()
        return {
            "contact_id": self.contact.contact_id(),
            "title": self.title.text().strip(),
            "due_date": date(d.year(), d.month(), d.day()),
            "due_time": time(t.hour(), t.minute()) if timed else None,
            "duration_minutes": self.duration.value(),
            "timezone": self.zone.currentText().strip() if timed else "",
            "template": self.template.currentData(),
            "note": self.note.toPlainText().strip(),
        }
