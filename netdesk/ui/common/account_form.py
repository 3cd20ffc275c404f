"""Test connection / Sync now for a server account form (CalDAV, CardDAV), on a worker.

A form that mixes this in provides ``status`` (a QLabel), ``test_button``, ``sync_button``
and ``_credentials()`` -> (url, user, password, collection); both buttons are off while
a task runs, and the outcome goes to the status line.
"""

from netdesk.errors import UserError
from netdesk.ui.common.messages import show_status
from netdesk.ui.common.workers import run_task


class ServerAccountForm:
    CANCELLED_TEXT = "Cancelled."

    def _run(self, title: str, fn, on_done, on_error=None) -> None:
        """``fn(url, user, password, collection, progress)`` on a worker, then ``on_done``."""
        try:
            url, user, password, collection = self._credentials()
        except UserError as exc:
            self._show(exc)
            return
        self._busy(True)
        self.status.setText(f"{title}…")
        self.task = run_task(
            self,
            title,
            lambda progress: fn(url, user, password, collection, progress),
            lambda result: self._finish(on_done, result),
            lambda exc: self._finish(on_error or self._show, exc),
            lambda: self._finish(self.status.setText, self.CANCELLED_TEXT),
        )

    def _busy(self, busy: bool) -> None:
        self.test_button.setEnabled(not busy)
        self.sync_button.setEnabled(not busy)

    def _finish(self, callback, value) -> None:
        self._busy(False)
        callback(value)

    def _show(self, exc: Exception) -> None:
        show_status(self.status, exc)

    def _ok(self, text: str) -> None:
        show_status(self.status, text)
