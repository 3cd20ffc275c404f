"""Sync on start and after each change, when Settings › Calendars asks for it.

Changes made in the window go through the undo stack, so its ``indexChanged`` is
the signal; a few seconds' pause gathers a burst of edits into one run. Runs are
quiet (no progress dialog) and report in the status bar; one at a time.
"""

from PySide6.QtCore import QObject, QTimer

from netdesk.errors import UserError
from netdesk.models import get_setting
from netdesk.ui.common.messages import error_text
from netdesk.ui.common.workers import run_task

START_DELAY_MS = 3000
CHANGE_DELAY_MS = 5000


class AutoSync(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window_ = window
        self.running = False
        self.again = False
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.run)
        window.undo_stack.indexChanged.connect(lambda _i: self.schedule(CHANGE_DELAY_MS))
        self.schedule(START_DELAY_MS)

    def enabled(self) -> bool:
        try:
            return bool(get_setting("calendar.auto_sync", False))
        except Exception:  # no database open (yet): nothing to sync
            return False

    def schedule(self, delay_ms: int) -> None:
        if self.enabled():
            self.timer.start(delay_ms)

    def run(self) -> None:
        if self.running:
            self.again = True
            return
        from netdesk.services.sync import accounts, engine

        def sync_all(progress) -> list[str]:
            lines = []
            for name in accounts.connected_accounts():  # one account's trouble stops no other
                try:
                    lines.append(engine.sync(accounts.provider_for(name), progress).summary())
                except UserError as exc:
                    lines.append(f"{accounts.LABELS[name]}: {exc}")
            return lines

        self.running = True
        self.task = run_task(
            self.window_,
            "Calendar sync",
            sync_all,
            lambda lines: self._done(" ".join(lines)),
            lambda exc: self._done(f"Calendar sync stopped: {error_text(exc)}"),
            lambda: self._done(""),
            show_dialog=False,
        )

    def _done(self, text: str) -> None:
        self.running = False
        if text:
            self.window_.statusBar().showMessage(text, 15000)
        if self.again:
            self.again = False
            self.schedule(CHANGE_DELAY_MS)


def install_auto_sync(window) -> AutoSync:
    return AutoSync(window)
