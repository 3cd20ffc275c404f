"""Undoable changes made of two plain functions, pushed after the change succeeded.

The change runs *before* the command is pushed so a refused change (a service
raising InputError) is shown to the user and never lands on the undo stack; the
command's first ``redo`` (which QUndoStack.push calls) is therefore skipped.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from netdesk.ui.common.messages import show_error


class FnCommand(QUndoCommand):
    def __init__(self, text: str, redo: Callable[[], Any], undo: Callable[[], Any]) -> None:
        super().__init__(text)
        self._redo, self._undo = redo, undo
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._redo()

    def undo(self) -> None:
        self._undo()


def run_undoable(
    window,
    parent,
    text: str,
    do: Callable[[], Any],
    undo: Callable[[Any], Any],
    redo: Callable[[Any], Any] | None = None,
) -> Any:
    """Run ``do()``; on success push a command whose undo is ``undo(result)``.

    Redo is ``redo(what undo returned)`` when given (a create restores the same row,
    so later commands that name its id stay valid), else ``do()`` again. Returns the
    first result, or None after showing the error.
    """
    try:
        result = do()
    except Exception as exc:
        show_error(parent, exc)
        return None
    state = {"result": result, "undone": None}

    def undo_step() -> None:
        state["undone"] = undo(state["result"])

    def redo_step() -> None:
        state["result"] = redo(state["undone"]) if redo else do()

    window.undo_stack.push(
        FnCommand(text, _guarded(parent, redo_step), _guarded(parent, undo_step))
    )
    return result


def _guarded(parent, fn: Callable[[], Any]) -> Callable[[], None]:
    """Errors during undo/redo (say the row was deleted elsewhere) become a message."""

    def call() -> None:
        try:
            fn()
        except Exception as exc:
            show_error(parent, exc)

    return call


def push_done(window, text: str, redo: Callable[[], Any], undo: Callable[[], Any]) -> None:
    """Record a change that has already happened, with both directions given."""
    window.undo_stack.push(FnCommand(text, redo, undo))
