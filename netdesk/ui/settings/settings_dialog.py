"""Edit > Settings…: time zone, reminders, follow-up rules, my card; Calendars (CalDAV, Microsoft, Google).

Settings the CLI also needs go to the database (netdesk.models.set_setting); the
CalDAV password goes to the system keyring only. Test connection and Sync now run
on a worker with progress, so a slow server never freezes the window. The
Calendars tab holds the CalDAV set-up and the connected calendars
(``netdesk.ui.sync.calendars_panel``).
"""

from zoneinfo import available_timezones

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.errors import InputError, UserError
from netdesk.models import database, get_setting, set_setting
from netdesk.services.calendar.followups import Slot, user_timezone
from netdesk.services.calendar.ics import ALL_DAY_ALARMS, DEFAULT_ALARM_MINUTES
from netdesk.services.contacts.own_name import os_full_name
from netdesk.services.sync import caldav_push as caldav_sync
from netdesk.ui.common.account_form import ServerAccountForm
from netdesk.ui.common.messages import show_error


class SettingsDialog(ServerAccountForm, QDialog):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        outer = QVBoxLayout(self)
        self.tabs = QTabWidget()
        outer.addWidget(self.tabs)
        general_tab, calendars_tab = QWidget(), QWidget()
        self.tabs.addTab(general_tab, "&General")
        self.tabs.addTab(calendars_tab, "&Calendars")
        layout = QVBoxLayout(general_tab)

        general = QGroupBox("General")
        form = QFormLayout(general)
        self.my_name = QLineEdit(get_setting("my_name", "") or "")
        account_name = os_full_name()
        self.my_name.setPlaceholderText(
            f"{account_name} (from your account)" if account_name else "Signs email templates"
        )
        self.my_name.setToolTip("Signs the suggested messages in emails and calendar events")
        form.addRow("Your &name:", self.my_name)
        self.zone = QComboBox(editable=True)
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setCurrentText(user_timezone())
        form.addRow("&Time zone:", self.zone)
        self.alarm = QSpinBox(suffix=" minutes before", minimum=0, maximum=7 * 24 * 60)
        self.alarm.setValue(int(get_setting("alarm_minutes", DEFAULT_ALARM_MINUTES)))
        form.addRow("Default &reminder:", self.alarm)
        self.all_day = QComboBox()
        for key, (label, _) in ALL_DAY_ALARMS.items():
            self.all_day.addItem(label, key)
        self.all_day.setCurrentIndex(
            max(0, self.all_day.findData(get_setting("all_day_alarm", "same-day")))
        )
        form.addRow("All-&day reminder:", self.all_day)
        self.phone_region = QLineEdit(get_setting("phone_region", "") or "")
        self.phone_region.setPlaceholderText("US")
        self.phone_region.setMaxLength(2)
        self.phone_region.setToolTip(
            "Two-letter country code for phone numbers written without +, "
            "e.g. on business cards (US, DE, FR, ES, …)"
        )
        form.addRow("Phone re&gion:", self.phone_region)
        layout.addWidget(general)

        rules = QGroupBox("Follow-up after an event")
        form = QFormLayout(rules)
        self.business_days = QSpinBox(suffix=" business days after", minimum=0, maximum=30)
        self.business_days.setValue(int(get_setting("followups.business_days", 2)))
        form.addRow("&Follow up:", self.business_days)
        self.slot = QLineEdit(get_setting("followups.slot", "") or "")
        self.slot.setPlaceholderText("e.g. 09:00-09:15 (empty: all-day)")
        form.addRow("Work-hours &slot:", self.slot)
        layout.addWidget(rules)
        from netdesk.ui.capture.my_card_settings import MyCardSettings

        self.my_card = MyCardSettings()
        layout.addWidget(self.my_card)
        layout.addStretch()

        layout = QVBoxLayout(calendars_tab)
        url, user, calendar = caldav_sync.load_config()
        dav = QGroupBox("CalDAV calendar (Nextcloud, Fastmail, iCloud, Radicale, …)")
        form = QFormLayout(dav)
        self.url = QLineEdit(url)
        self.url.setPlaceholderText("https://cloud.example.org/remote.php/dav")
        form.addRow("&URL:", self.url)
        self.user = QLineEdit(user)
        form.addRow("U&ser:", self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Saved in the system keyring; leave empty to keep")
        form.addRow("&Password:", self.password)
        self.calendar = QLineEdit(calendar)
        self.calendar.setPlaceholderText("Calendar name (empty: the first one)")
        form.addRow("&Calendar:", self.calendar)
        buttons_row = QHBoxLayout()
        self.test_button = QPushButton("T&est connection")
        self.sync_button = QPushButton("S&ync now")
        buttons_row.addWidget(self.test_button)
        buttons_row.addWidget(self.sync_button)
        buttons_row.addStretch()
        form.addRow(buttons_row)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        layout.addWidget(dav)
        from netdesk.ui.sync.calendars_panel import CalendarsPanel

        self.calendars = CalendarsPanel(window)
        layout.addWidget(self.calendars)
        contacts = QPushButton("C&ontacts sync (CardDAV)…")
        contacts.clicked.connect(self.open_contacts_sync)
        layout.addWidget(contacts)

        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        box.accepted.connect(self.save_and_close)
        box.rejected.connect(self.reject)
        outer.addWidget(box)
        self.test_button.clicked.connect(self.test_connection)
        self.sync_button.clicked.connect(self.sync_now)

    # saving -------------------------------------------------------------------
    def save(self) -> None:
        """Validate, then store everything; raises InputError naming the bad field."""
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        zone = self.zone.currentText().strip()
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            raise InputError(f"Time zone {zone!r} is unknown; pick one from the list.") from None
        Slot.parse(self.slot.text())
        region = self.phone_region.text().strip().upper()
        if region and not (len(region) == 2 and region.isalpha()):
            raise InputError(f"Phone region {region!r}: use a two-letter country code such as US.")
        url, user = self.url.text().strip(), self.user.text().strip()
        if url:
            caldav_sync.check_url(url)
        with database.atomic():
            set_setting("my_name", self.my_name.text().strip())
            set_setting("timezone", zone)
            set_setting("alarm_minutes", self.alarm.value())
            set_setting("all_day_alarm", self.all_day.currentData())
            set_setting("phone_region", region)
            set_setting("followups.business_days", self.business_days.value())
            set_setting("followups.slot", self.slot.text().strip())
            if url or user:
                caldav_sync.save_config(url, user, self.calendar.text())
            self.calendars.save()
            self.my_card.save()
        if self.password.text() and user:
            caldav_sync.store_password(user, self.password.text())
            self.password.clear()

    def save_and_close(self) -> None:
        try:
            self.save()
        except UserError as exc:
            show_error(self, exc)
            return
        self.accept()

    def open_contacts_sync(self) -> None:
        from netdesk.ui.sync.contacts_sync_dialog import open_contacts_sync

        open_contacts_sync(self.window_)

    # CalDAV -------------------------------------------------------------------
    def _credentials(self) -> tuple[str, str, str, str]:
        url, user = self.url.text().strip(), self.user.text().strip()
        if not url or not user:
            raise InputError("Enter the CalDAV URL and user first.")
        password = self.password.text() or caldav_sync.get_password(user)
        return url, user, password, self.calendar.text().strip()

    def test_connection(self) -> None:
        def check(url, user, password, calendar, progress):
            progress.step(0, 0, "Connecting…")
            return caldav_sync.check_connection(url, user, password, calendar)

        self._run("Testing connection", check, self._ok)

    def sync_now(self) -> None:
        def push(url, user, password, calendar, progress):
            return caldav_sync.sync_followups(url, user, password, calendar, progress)

        def done(result) -> None:
            if result.failed:
                self._show(UserError(result.summary()))
            else:
                self._ok(result.summary())
            self.window_.refresh_all()
            self.calendars.refresh()

        self._run("Syncing with CalDAV", push, done)


def open_settings(window) -> SettingsDialog:
    """Open the settings dialog (window-modal, non-blocking) and return it."""
    dialog = SettingsDialog(window)
    dialog.open()
    return dialog
