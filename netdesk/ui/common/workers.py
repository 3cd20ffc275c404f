"""Long work off the GUI thread, with progress and Cancel, through one helper.

Services take a :class:`~netdesk.services.progress.Progress`; :func:`run_task`
runs one on the thread pool, shows a progress dialog, and delivers the result (or
the error) back on the GUI thread through signals. Workers never touch widgets.
"""

import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from netdesk.services.progress import Cancelled, Progress


class _Signals(QObject):
    progress = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QRunnable):
    """Runs ``fn(progress)`` on a pool thread; the outcome arrives as a signal."""

    def __init__(self, fn: Callable[[Progress], Any]) -> None:
        super().__init__()
        self.signals = _Signals()
        self.progress = Progress(lambda d, t, m: self.signals.progress.emit(d, t, m))
        self._fn = fn
        self.setAutoDelete(False)

    def run(self) -> None:
        from netdesk.models import database

        try:
            result = self._fn(self.progress)
        except Cancelled:
            self.signals.cancelled.emit()
        except Exception as exc:  # delivered to the GUI thread, shown as a message
            exc.trace = traceback.format_exc()
            self.signals.failed.emit(exc)
        else:
            self.signals.finished.emit(result)
        finally:
            if database.obj is not None and not database.is_closed():
                database.close()  # this pool thread's own connection


_running: set[Task] = set()


def run_task(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[Exception], None] | None = None,
    on_cancel: Callable[[], None] | None = None,
    show_dialog: bool = True,
) -> Task:
    """Run ``fn`` in the background with a modal-less progress dialog and Cancel button."""
    task = Task(fn)
    dialog = None
    if show_dialog:
        dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.canceled.connect(task.progress.cancel)

        def show_progress(done: int, total: int, message: str) -> None:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total else 0)
            if message:
                dialog.setLabelText(message)

        task.signals.progress.connect(show_progress)

    def finish(callback, *args):
        _running.discard(task)
        if dialog is not None:
            dialog.reset()
            dialog.deleteLater()
        if callback is not None:
            callback(*args)

    task.signals.finished.connect(lambda result: finish(on_done, result))
    task.signals.failed.connect(lambda exc: finish(on_error or _default_error(parent), exc))
    task.signals.cancelled.connect(lambda: finish(on_cancel))
    _running.add(task)
    QThreadPool.globalInstance().start(task)
    return task


def _default_error(parent: QWidget | None) -> Callable[[Exception], None]:
    def show(exc: Exception) -> None:
        from netdesk.ui.common.messages import show_error

        show_error(parent, exc)

    return show
