"""Settings › Contacts sync: the CardDAV address book, Sync now, and what the last run did.

The password goes to the system keyring only. Test connection and Sync now run on a
worker with progress and Cancel. The first sync with an address book, and a run the
server's mass deletions stopped, show what will happen and ask before writing.
"""

from datetime import UTC, datetime

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from netdesk.errors import InputError, UserError
from netdesk.services.sync import carddav
from netdesk.ui.common.account_form import ServerAccountForm
from netdesk.ui.common.messages import show_error

NOT_YET = "Not synced yet. Enter the address book and press Sync now."


def status_text() -> str:
    """The status line: when the last sync ran, what it did, what went wrong."""
    last = carddav.last_status()
    if not last:
        return NOT_YET
    try:
        when = datetime.fromisoformat(last["at"]).replace(tzinfo=UTC).astimezone()
        at = f"{when:%Y-%m-%d %H:%M}"
    except (KeyError, TypeError, ValueError):
        at = "?"
    return f"Last sync {at} — {last.get('summary', '')}"


class ContactsSyncDialog(ServerAccountForm, QDialog):
    CANCELLED_TEXT = "Cancelled; nothing half-done is lost."

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.task = None
        self.setWindowTitle("Contacts sync (CardDAV)")
        self.setMinimumWidth(600)
        config = carddav.load_config()
        layout = QVBoxLayout(self)
        intro = QLabel(
            "Keep your contacts in step with an address book on Nextcloud, iCloud, Fastmail, "
            "Radicale or any CardDAV server, and so with your phone (iOS, DAVx5 on Android)."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.url = QLineEdit(config["url"])
        self.url.setPlaceholderText("https://cloud.example.org/remote.php/dav")
        form.addRow("&URL:", self.url)
        self.user = QLineEdit(config["user"])
        form.addRow("U&ser:", self.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("Saved in the system keyring; leave empty to keep")
        form.addRow("&Password:", self.password)
        self.book = QLineEdit(config["addressbook"])
        self.book.setPlaceholderText("Address book name (empty: the first one)")
        form.addRow("&Address book:", self.book)
        self.on_start = QCheckBox("Sync when netdesk &starts")
        self.on_start.setChecked(config["on_start"])
        form.addRow("", self.on_start)
        self.every = QSpinBox(minimum=0, maximum=24 * 60, suffix=" minutes")
        self.every.setSpecialValueText("never")
        self.every.setValue(config["every_minutes"])
        form.addRow("Sync &every:", self.every)
        self.deletions = QComboBox()
        self.deletions.addItem("delete it on the server too", True)
        self.deletions.addItem("leave it on the server", False)
        self.deletions.setCurrentIndex(0 if config["delete_on_server"] else 1)
        form.addRow("A contact &deleted here:", self.deletions)
        self.prefer = QComboBox()
        for key, words in carddav.PREFER.items():
            self.prefer.addItem(words, key)
        self.prefer.setCurrentIndex(self.prefer.findData(config["prefer"]))
        self.prefer.setToolTip(
            "When netdesk and the server changed the same field since the last sync. "
            "The other value is kept in the contact's history, and you can still pick it."
        )
        form.addRow("Both sides &changed a field:", self.prefer)
        layout.addLayout(form)
        row = QHBoxLayout()
        self.test_button = QPushButton("T&est connection")
        self.sync_button = QPushButton("S&ync now")
        row.addWidget(self.test_button)
        row.addWidget(self.sync_button)
        row.addStretch()
        layout.addLayout(row)
        self.status = QLabel(status_text())
        self.status.setWordWrap(True)
        self.status.setAccessibleName("Contacts sync status")
        layout.addWidget(self.status)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        box.accepted.connect(self.save_and_close)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.test_button.clicked.connect(self.test_connection)
        self.sync_button.clicked.connect(self.sync_now)

    # settings -----------------------------------------------------------------
    def save(self, *, keep_password: bool = True) -> None:
        """Store the settings (and, with ``keep_password``, the password in the keyring)."""
        url, user = self.url.text().strip(), self.user.text().strip()
        if not url and not user:
            return
        carddav.save_config(
            url,
            user,
            self.book.text(),
            on_start=self.on_start.isChecked(),
            every_minutes=self.every.value(),
            delete_on_server=bool(self.deletions.currentData()),
            prefer=self.prefer.currentData(),
        )
        if keep_password and self.password.text():
            carddav.store_password(user, self.password.text())
            self.password.clear()
        schedule = getattr(self.window_, "contacts_sync_schedule", None)
        if schedule is not None:
            schedule.reload()

    def save_and_close(self) -> None:
        try:
            self.save()
        except UserError as exc:
            show_error(self, exc)
            return
        self.accept()

    # running ------------------------------------------------------------------
    def _credentials(self) -> tuple[str, str, str, str]:
        url, user = self.url.text().strip(), self.user.text().strip()
        if not url or not user:
            raise InputError("Enter the CardDAV URL and user first.")
        password = self.password.text() or carddav.get_password(user)
        return url, user, password, self.book.text().strip()

    def test_connection(self) -> None:
        def check(url, user, password, book, progress):
            progress.step(0, 0, "Connecting…")
            return carddav.check_connection(url, user, password, book)

        self._run("Testing connection", check, self._ok)

    def sync_now(self, *, allow_deletions: bool = False, reviewed: bool = False) -> None:
        try:
            self.save(keep_password=False)  # a typed password is used now, kept on Save
        except UserError as exc:
            self._show(exc)
            return
        if not reviewed and not carddav.has_synced(self.url.text().strip()):
            self._review_first_sync()
            return

        def sync(url, user, password, book, progress):
            return carddav.sync_contacts(
                url, user, password, book, allow_deletions=allow_deletions, progress=progress
            )

        self._run("Syncing contacts", sync, self._synced, self._sync_failed)

    def _review_first_sync(self) -> None:
        """The first sync with a book: show the plan (like an import review), then ask."""

        def plan(url, user, password, book, progress):
            return carddav.sync_contacts(url, user, password, book, dry_run=True, progress=progress)

        def ask(report) -> None:
            lines = "\n".join(report.plan_lines[:15])
            more = len(report.plan_lines) - 15
            if more > 0:
                lines += f"\n… and {more:,} more"
            answer = QMessageBox.question(
                self,
                "First sync with this address book",
                f"{report.summary()}\n\n{lines}\n\nA backup is taken first. Sync now?",
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.sync_now(reviewed=True)
            else:
                self.status.setText("Nothing was synced.")

        self._run("Checking the address book", plan, ask)

    def _synced(self, report) -> None:
        if report.problems:
            self._show(UserError(report.summary()))
        else:
            self._ok(report.summary())
        self.window_.refresh_all()
        if report.conflict_ids:  # the user decides: the rule only set a default
            from netdesk.ui.sync.conflicts_dialog import ConflictsDialog

            self.conflicts = ConflictsDialog(self, report)
            self.conflicts.accepted.connect(self._conflicts_decided)
            self.conflicts.open()

    def _conflicts_decided(self) -> None:
        if self.conflicts.done_lines:
            self._ok(" ".join(self.conflicts.done_lines) + " Sync again to send it.")
            self.window_.refresh_all()

    def _sync_failed(self, exc: Exception) -> None:
        if isinstance(exc, carddav.TooManyDeletions):
            answer = QMessageBox.warning(
                self,
                "Many contacts deleted on the server",
                f"{exc}\n\nFollow the server and archive them here?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            if answer == QMessageBox.StandardButton.Yes:
                self.sync_now(allow_deletions=True, reviewed=True)
                return
        self._show(exc)


def open_contacts_sync(window) -> ContactsSyncDialog:
    """Open Settings › Contacts sync (window-modal, non-blocking) and return it."""
    dialog = ContactsSyncDialog(window)
    dialog.open()
    return dialog
