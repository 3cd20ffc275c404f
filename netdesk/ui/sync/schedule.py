"""Contacts sync in the background: when netdesk starts and every N minutes, as set in
Settings › Contacts sync. Runs on a worker without a dialog; the status bar says what
happened. A run that needs the user (mass deletions, first sync) waits for Sync now."""

from PySide6.QtCore import QObject, QTimer

from netdesk.services.sync import carddav
from netdesk.ui.common.workers import run_task


class ContactsSyncSchedule(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.timer = QTimer(self)
        self.timer.timeout.connect(self.run)
        self.running = False
        self.reload()

    def reload(self) -> None:
        minutes = carddav.load_config()["every_minutes"]
        self.timer.stop()
        if minutes > 0:
            self.timer.start(minutes * 60 * 1000)

    def run(self) -> None:
        config = carddav.load_config()
        if self.running or not config["url"] or not carddav.has_synced(config["url"]):
            return  # the first sync is reviewed in the dialog, never started unseen
        self.running = True

        def sync(progress):
            password = carddav.get_password(config["user"])
            return carddav.sync_contacts(
                config["url"], config["user"], password, config["addressbook"], progress=progress
            )

        run_task(self.window_, "Contacts sync", sync, self._done, self._failed, self._idle, False)

    def _idle(self) -> None:
        self.running = False

    def _done(self, report) -> None:
        self.running = False
        self.window_.refresh_all()
        self.window_.statusBar().showMessage(report.summary(), 15000)

    def _failed(self, exc: Exception) -> None:
        self.running = False
        self.window_.statusBar().showMessage(f"Contacts sync: {exc}", 30000)


def start_contacts_sync_schedule(window) -> ContactsSyncSchedule:
    schedule = ContactsSyncSchedule(window)
    window.contacts_sync_schedule = schedule
    if carddav.load_config()["on_start"]:
        QTimer.singleShot(2000, schedule.run)
    return schedule
