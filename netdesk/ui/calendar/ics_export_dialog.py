"""File > Export follow-ups (.ics)…: choose what, the reminder, and where; warn about patient text."""

from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
)

from netdesk.errors import InputError, UserError
from netdesk.models import FollowUp, Tag, get_setting
from netdesk.services.calendar import ics
from netdesk.ui.calendar.followup_dialog import ContactPicker
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.workers import run_task


class IcsExportDialog(QDialog):
    """Scope (open / all / contact / tag, or the selection), reminder minutes and the file."""

    def __init__(self, window, ids: list[int] | None = None) -> None:
        super().__init__(window)
        self.window_ = window
        self.ids = ids
        self.setWindowTitle("Export follow-ups to a calendar file")
        self.setMinimumWidth(600)
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Creates an .ics file that Outlook, Google Calendar and Apple Calendar import. "
            "Importing it again later updates the same events instead of duplicating them."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        form = QFormLayout()
        self.scope = QButtonGroup(self)
        scopes = QVBoxLayout()
        self.radios = {}
        options = [("open", "&Open follow-ups (and cancellations of ones exported before)")]
        if ids:
            options.insert(0, ("selected", f"The {len(ids)} &selected follow-up(s)"))
        options += [
            ("all", "&All follow-ups"),
            ("contact", "Open follow-ups of one &contact:"),
            ("tag", "Open follow-ups of everyone &tagged:"),
        ]
        for key, label in options:
            radio = QRadioButton(label)
            self.radios[key] = radio
            self.scope.addButton(radio)
            if key == "contact":
                self.contact = ContactPicker()
                scopes.addLayout(self._beside(radio, self.contact))
            elif key == "tag":
                self.tag = QComboBox()
                self.tag.addItems([t.name for t in Tag.select().order_by(Tag.name)])
                scopes.addLayout(self._beside(radio, self.tag))
            else:
                scopes.addWidget(radio)
        self.radios["selected" if ids else "open"].setChecked(True)
        form.addRow("Export:", scopes)

        self.reminder = QCheckBox("&Reminder")
        self.reminder.setChecked(True)
        self.minutes = QSpinBox(suffix=" minutes before", minimum=0, maximum=7 * 24 * 60)
        self.minutes.setValue(int(get_setting("alarm_minutes", ics.DEFAULT_ALARM_MINUTES)))
        self.reminder.toggled.connect(self.minutes.setEnabled)
        alarm = QHBoxLayout()
        alarm.addWidget(self.reminder)
        alarm.addWidget(self.minutes)
        alarm.addStretch()
        form.addRow("Alarm:", alarm)
        self.all_day = QComboBox()
        for key, (label, _) in ics.ALL_DAY_ALARMS.items():
            self.all_day.addItem(label, key)
        current = get_setting("all_day_alarm", "same-day")
        self.all_day.setCurrentIndex(max(0, self.all_day.findData(current)))
        self.reminder.toggled.connect(self.all_day.setEnabled)
        all_day_label = QLabel("All-&day alarm:")
        all_day_label.setBuddy(self.all_day)
        form.addRow(all_day_label, self.all_day)

        self.path = QLineEdit(str(Path.home() / "netdesk-followups.ics"))
        browse = QPushButton("&Browse…")
        browse.clicked.connect(self._browse)
        where = QHBoxLayout()
        where.addWidget(self.path, 1)
        where.addWidget(browse)
        file_label = QLabel("&File:")
        file_label.setBuddy(self.path)
        form.addRow(file_label, where)
        layout.addLayout(form)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Export")
        buttons.accepted.connect(self.start_export)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.buttons = buttons
        self.result_count: int | None = None
        self.status = ""  # "", "done", "cancelled" or "failed": for the status bar and tests

    @staticmethod
    def _beside(radio: QRadioButton, field) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(radio)
        row.addWidget(field, 1)
        field.setEnabled(False)
        radio.toggled.connect(field.setEnabled)
        return row

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export follow-ups", self.path.text(), "iCalendar files (*.ics)"
        )
        if path:
            self.path.setText(path if path.endswith(".ics") else path + ".ics")

    def chosen_scope(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def followups(self) -> list[FollowUp]:
        scope = self.chosen_scope()
        if scope == "selected":
            return list(FollowUp.select().where(FollowUp.id.in_(self.ids)))
        if scope == "contact":
            contact_id = self.contact.contact_id()
            if contact_id is None:
                raise InputError("Pick a contact from the suggestions first.")
            return list(ics.scope_query("open", contact_id=contact_id))
        if scope == "tag":
            return list(ics.scope_query("open", tag=self.tag.currentText()))
        return list(ics.scope_query(scope))

    def ask_about_sensitive(self, count: int) -> bool | None:
        """True: include, False: redact, None: cancel the export."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "Patient data in follow-ups?",
            f"{count} follow-up(s) contain text that looks like patient data (a medical "
            "record number, date of birth or SSN). Calendar files are often synced to "
            "phones and shared calendars.\n\nRedact that text in the file, or include it?",
            parent=self,
        )
        redact = box.addButton("&Redact it (recommended)", QMessageBox.ButtonRole.AcceptRole)
        include = box.addButton("&Include it", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(redact)
        box.exec()
        clicked = box.clickedButton()
        if clicked is include:
            return True
        if clicked is redact:
            return False
        return None

    def start_export(self) -> None:
        """Check the selection for patient-like text (worker), ask, then write (worker)."""
        try:
            scope_ids = [f.id for f in self.followups()]
        except UserError as exc:
            show_error(self, exc)
            return
        if not scope_ids:
            show_error(self, UserError("There are no follow-ups in that selection."))
            return

        def check(progress):
            progress.step(0, 0, "Checking for patient data…")
            rows = FollowUp.select().where(FollowUp.id.in_(scope_ids))
            return len(ics.sensitive_findings(rows))

        self.buttons.setEnabled(False)
        run_task(
            self,
            "Checking follow-ups",
            check,
            lambda flagged: self._ask_then_write(scope_ids, flagged),
            self._failed,
            self._cancelled,
        )

    def _ask_then_write(self, ids: list[int], flagged: int) -> None:
        allow = False
        if flagged:
            answer = self.ask_about_sensitive(flagged)
            if answer is None:
                self.buttons.setEnabled(True)
                self.status = "cancelled"
                return
            allow = answer
        path = Path(self.path.text()).expanduser()
        minutes = self.minutes.value() if self.reminder.isChecked() else None
        all_day = self.all_day.currentData()

        def work(progress):
            progress.step(0, 0, "Writing calendar file…")
            rows = list(FollowUp.select().where(FollowUp.id.in_(ids)))
            return ics.export_ics(
                path, rows, alarm_minutes=minutes, allow_sensitive=allow, all_day_alarm=all_day
            )

        run_task(self, "Exporting follow-ups", work, self._done, self._failed, self._cancelled)

    def _done(self, count: int) -> None:
        self.result_count = count
        self.status = "done"
        self.window_.statusBar().showMessage(
            f"{count} follow-ups exported to {self.path.text()}", 10000
        )
        self.accept()

    def _failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self.status = "failed"
        show_error(self, exc)

    def _cancelled(self) -> None:
        self.buttons.setEnabled(True)
        self.status = "cancelled"


def export_followups(window, ids: list[int] | None = None) -> IcsExportDialog:
    """Open the export dialog (window-modal, non-blocking) and return it."""
    dialog = IcsExportDialog(window, ids)
    dialog.open()
    return dialog
