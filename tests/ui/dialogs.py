"""Answering modal dialogs in GUI tests: they open later, from a worker's signal."""

import pytest
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


class _Answerer(QObject):
    """Answers the next dialog of ``kind`` when it is shown (it opens later, from a signal)."""

    def __init__(self, kind, act):
        super().__init__()
        self.kind, self.act, self.seen = kind, act, []

    def eventFilter(self, obj, event):
        shown = event.type() == QEvent.Type.Show and isinstance(obj, self.kind)
        if shown and obj.isWindow() and not self.seen:
            self.seen.append(obj)
            QTimer.singleShot(0, lambda: self.act(obj))
        return False


_answerers: list = []


def answer_modal(qtbot, kind, act) -> list:
    answerer = _Answerer(kind, act)
    QApplication.instance().installEventFilter(answerer)
    _answerers.append(answerer)
    return answerer.seen


@pytest.fixture(autouse=True)
def remove_answerers():
    yield
    app = QApplication.instance()
    while _answerers:
        app.removeEventFilter(_answerers.pop())


def click(text):
    def act(box: QMessageBox):
        for b in box.buttons():
            if b.text().replace("&", "") == text:
                b.click()
                return
        raise AssertionError(f"no {text!r} button in {[b.text() for b in box.buttons()]}")

    return act
