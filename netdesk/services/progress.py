"""Progress and cancellation for long work, without Qt.

A service takes a :class:`Progress`, calls :meth:`Progress.step` as it goes and
stops with :class:`Cancelled` when asked to. The GUI worker subclasses it to emit
signals; the CLI uses it as is (or prints).
"""

from collections.abc import Callable


class Cancelled(Exception):
    """The user cancelled; whatever transaction was open is rolled back."""


class Progress:
    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self.cancelled = False

    def cancel(self) -> None:
        self.cancelled = True

    def check(self) -> None:
        if self.cancelled:
            raise Cancelled()

    def step(self, done: int, total: int, message: str = "") -> None:
        """Report ``done`` of ``total`` (total 0 = unknown) and honour a cancel."""
        self.check()
        if self._callback is not None:
            self._callback(done, total, message)


NO_PROGRESS = Progress()
