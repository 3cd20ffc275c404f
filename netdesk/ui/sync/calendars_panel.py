"""Settings › Calendars: the connected calendars (CalDAV, Microsoft, Google) in one place.

One row per account: what it is connected to, the calendar follow-ups go to, and
Sign in / Sign out / Test / Sync now. Everything that talks to a service runs on a
worker (``run_task``) with progress and Cancel; the Microsoft device code appears
in the progress dialog. Secrets never pass through here: the services keep them in
the system keyring.
"""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.errors import UserError
from netdesk.models import get_setting, set_setting
from netdesk.services.sync import accounts, engine, tokens
from netdesk.ui.common.messages import show_status
from netdesk.ui.common.workers import run_task

HINTS = {
    "caldav": "enter the URL, user and password above, then Save or Test connection",
    "microsoft": "enter your organisation's Microsoft app ID below, then Sign in",
    "google": "choose your organisation's client_secret.json (or type its ID and secret) "
    "below, then Sign in",
}


class AccountRow:
    """The widgets of one account in the grid."""

    def __init__(self, panel: "CalendarsPanel", account: str, grid: QGridLayout, row: int):
        self.account = account
        name = QLabel(f"<b>{accounts.LABELS[account]}</b>")
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.calendar = QComboBox()
        self.calendar.setMinimumWidth(150)
        self.calendar.setAccessibleName(f"{accounts.LABELS[account]} calendar")
        self.sign_in = QPushButton("Sign in…")
        self.sign_out = QPushButton("Sign out")
        self.test = QPushButton("Test")
        self.sync = QPushButton("Sync now")
        # Two grid rows per account: name, calendar and buttons; then what it is connected to.
        for column, widget in enumerate(
            (name, self.calendar, self.sign_in, self.sign_out, self.test, self.sync)
        ):
            grid.addWidget(widget, 2 * row, column)
        self.detail.setStyleSheet("color: palette(placeholder-text); margin-bottom: 6px;")
        grid.addWidget(self.detail, 2 * row + 1, 0, 1, 6)
        if account == "caldav":  # set up with URL, user and password in the box above
            self.sign_in.hide()
            self.calendar.hide()
        self.sign_in.clicked.connect(lambda: panel.sign_in(account))
        self.sign_out.clicked.connect(lambda: panel.sign_out(account))
        self.test.clicked.connect(lambda: panel.test(account))
        self.sync.clicked.connect(lambda: panel.sync_now(account))
        self.calendar.activated.connect(lambda _i: panel.calendar_chosen(account))

    def buttons(self) -> list[QPushButton]:
        return [self.sign_in, self.sign_out, self.test, self.sync]


class CalendarsPanel(QWidget):
    def __init__(self, window=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.window_ = window
        self.task = None
        self.last_result: engine.SyncResult | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)  # flush with the CalDAV box above it

        box = QGroupBox("Connected calendars")
        grid = QGridLayout(box)
        grid.setColumnStretch(0, 1)
        self.rows = {a: AccountRow(self, a, grid, i) for i, a in enumerate(accounts.ACCOUNTS)}
        layout.addWidget(box)

        apps = QGroupBox("Sign-in settings (from your administrator; see docs/calendar.md)")
        form = QFormLayout(apps)
        config = accounts.microsoft_config()
        self.client_id = QLineEdit(config.client_id)
        self.client_id.setPlaceholderText("Application (client) ID of your organisation's app")
        form.addRow("Microsoft app &ID:", self.client_id)
        self.tenant = QLineEdit(config.tenant)
        self.tenant.setPlaceholderText("organizations, consumers, common or a tenant ID")
        form.addRow("Microsoft &tenant:", self.tenant)
        self.browser_sign_in = QCheckBox(
            "Sign in to Microsoft in the &browser (else a device code)"
        )
        form.addRow(self.browser_sign_in)
        file_row = QHBoxLayout()
        self.client_file = QLineEdit()
        self.client_file.setPlaceholderText("client_secret.json of your Google OAuth client")
        choose = QPushButton("C&hoose…")
        choose.clicked.connect(self.choose_client_file)
        file_row.addWidget(self.client_file, 1)
        file_row.addWidget(choose)
        label = QLabel("&Google client:")
        label.setBuddy(self.client_file)
        form.addRow(label, file_row)
        typed = QHBoxLayout()
        self.google_id = QLineEdit()
        self.google_id.setPlaceholderText("or its client ID…")
        self.google_id.setAccessibleName("Google OAuth client ID")
        self.google_secret = QLineEdit()
        self.google_secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.google_secret.setPlaceholderText("…and client secret (kept in the keyring)")
        self.google_secret.setAccessibleName("Google OAuth client secret")
        typed.addWidget(self.google_id)
        typed.addWidget(self.google_secret)
        form.addRow("", typed)
        layout.addWidget(apps)

        self.auto_sync = QCheckBox("Sync &automatically when netdesk starts and after each change")
        self.auto_sync.setChecked(bool(get_setting("calendar.auto_sync", False)))
        self.recreate = QCheckBox(
            "Put back follow-ups I &delete in the calendar (default: leave them deleted)"
        )
        self.recreate.setChecked(bool(get_setting("calendar.recreate_deleted", False)))
        layout.addWidget(self.auto_sync)
        layout.addWidget(self.recreate)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)
        layout.addStretch()
        self.refresh()

    # state ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Rows from the settings and keyring (no network)."""
        for account, row in self.rows.items():
            status = accounts.account_status(account)
            hint = "" if status.connected else f" — {HINTS[account]}"
            row.detail.setText(status.detail + hint)
            row.sign_in.setText("Sign in again…" if status.connected else "Sign in…")
            row.sign_in.setEnabled(True)
            row.sign_out.setEnabled(status.connected)
            row.test.setEnabled(status.connected)
            row.sync.setEnabled(status.connected)
            if account != "caldav" and row.calendar.count() == 0:
                calendar_id, name = accounts.chosen_calendar(account)
                row.calendar.addItem(name or "(default calendar)", calendar_id)
                row.calendar.setEnabled(status.connected)

    def save(self) -> None:
        """Called by the settings dialog's Save, inside its transaction."""
        set_setting("calendar.auto_sync", self.auto_sync.isChecked())
        set_setting("calendar.recreate_deleted", self.recreate.isChecked())
        if self.client_id.text().strip():
            accounts.save_microsoft_config(self.client_id.text(), self.tenant.text())

    def _busy(self, busy: bool) -> None:
        for row in self.rows.values():
            for button in row.buttons():
                button.setEnabled(not busy)
        if not busy:
            self.refresh()

    def show_error(self, exc: Exception) -> None:
        show_status(self.status, exc)

    def show_ok(self, text: str) -> None:
        show_status(self.status, text)

    def _run(self, title: str, fn, on_done) -> None:
        self._busy(True)
        self.status.setStyleSheet("")
        self.status.setText(f"{title}…")

        def finish(callback, value=None):
            self._busy(False)
            if callback is not None:
                callback(value)

        self.task = run_task(
            self,
            title,
            fn,
            lambda result: finish(on_done, result),
            lambda exc: finish(self.show_error, exc),
            lambda: finish(lambda _v: self.status.setText("Cancelled; nothing else was changed.")),
        )
        # progress also in the status line, where a device code can be selected and copied
        self.task.signals.progress.connect(lambda _d, _t, text: text and self.status.setText(text))

    # actions ----------------------------------------------------------------------------
    def choose_client_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Google OAuth client (client_secret.json)", "", "JSON files (*.json)"
        )
        if path:
            self.client_file.setText(path)

    def sign_in(self, account: str) -> None:
        try:
            if account == "microsoft":
                accounts.save_microsoft_config(self.client_id.text(), self.tenant.text())
                accounts.microsoft_config()  # validated before any network
                if self.browser_sign_in.isChecked():
                    fn = lambda progress: accounts.microsoft_sign_in_browser()  # noqa: E731
                else:

                    def fn(progress):
                        return accounts.microsoft_sign_in(
                            lambda text: progress.step(0, 0, text),
                            should_stop=lambda: progress.cancelled,
                        )

            else:
                config = tokens.google_client_config(
                    self.client_file.text().strip() or None,
                    self.google_id.text(),
                    self.google_secret.text(),
                )

                def fn(progress):
                    progress.step(0, 0, "Sign in to Google in the browser window that opened…")
                    tokens.google_sign_in(config)
                    return "your Google account"

        except UserError as exc:
            self.show_error(exc)
            return

        def done(user: str) -> None:
            self.load_calendars(account, f"Signed in as {user}.")

        self._run(f"Signing in to {accounts.LABELS[account]}", fn, done)

    def load_calendars(self, account: str, note: str = "") -> None:
        def fn(progress):
            progress.step(0, 0, "Listing calendars…")
            return accounts.provider_for(account).calendars()

        def done(found) -> None:
            combo = self.rows[account].calendar
            chosen, _ = accounts.chosen_calendar(account)
            combo.clear()
            for cal in found:
                if cal.writable:
                    combo.addItem(cal.name, cal.id)
            index = combo.findData(chosen) if chosen else -1
            if index < 0:
                index = next((i for i, c in enumerate(found) if c.primary and c.writable), 0)
                index = max(0, combo.findData(found[index].id)) if found else 0
            combo.setCurrentIndex(index)
            combo.setEnabled(True)
            self.calendar_chosen(account)
            where = f"Follow-ups will go to {combo.currentText()!r}" if combo.count() else ""
            self.show_ok(f"{note} {where} (change it in the list).".strip())

        self._run("Listing calendars", fn, done)

    def calendar_chosen(self, account: str) -> None:
        combo = self.rows[account].calendar
        if combo.currentData() is not None:
            accounts.choose_calendar(account, combo.currentData(), combo.currentText())
            self.rows[account].detail.setText(accounts.account_status(account).detail)

    def sign_out(self, account: str) -> None:
        self._run(
            f"Signing out of {accounts.LABELS[account]}",
            lambda progress: accounts.sign_out(account),
            self.show_ok,
        )
        self.rows[account].calendar.clear()

    def test(self, account: str) -> None:
        def fn(progress):
            progress.step(0, 0, "Connecting…")
            return accounts.provider_for(account).describe()

        def done(text: str) -> None:
            self.show_ok(text)
            if account != "caldav" and self.rows[account].calendar.count() <= 1:
                self.load_calendars(account, text)

        self._run(f"Testing {accounts.LABELS[account]}", fn, done)

    def sync_now(self, account: str) -> None:
        recreate = self.recreate.isChecked()

        def fn(progress):
            provider = accounts.provider_for(account)
            return engine.sync(provider, progress, recreate_deleted=recreate)

        def done(result: engine.SyncResult) -> None:
            self.last_result = result
            if result.failed:
                self.show_error(UserError(result.summary()))
            else:
                self.show_ok(result.summary())

        self._run(f"Syncing with {accounts.LABELS[account]}", fn, done)
