"""Undoable contact changes for the window's QUndoStack (Ctrl+Z / Ctrl+Shift+Z).

Each command does its work in ``redo`` (QUndoStack.push calls it) and keeps the
snapshots it needs to go back. ``on_change(ids)`` tells the page which contacts
to show selected afterwards.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand

from netdesk.models import Contact
from netdesk.services.careers.moves import save_contact_with_move
from netdesk.services.contacts.editing import replace_contacts
from netdesk.services.contacts.records import (
    delete_contacts,
    restore_contacts,
    set_archived,
    snapshot_contacts,
)

OnChange = Callable[[list[int]], None]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class SaveContactCommand(QUndoCommand):
    """Add a contact (``contact_id`` None) or save an edit of one."""

    def __init__(self, contact_id: int | None, values: dict[str, Any], on_change: OnChange):
        label = values.get("display_name") or values.get("given_name") or "contact"
        super().__init__(f"{'Add' if contact_id is None else 'Edit'} {label}")
        self.contact_id = contact_id
        self.record_move = bool(values.get("record_move"))
        self.values = {k: v for k, v in values.items() if k != "record_move"}
        self.on_change = on_change
        self.before = snapshot_contacts([contact_id]) if contact_id is not None else []
        self.after: list[dict] = []

    def redo(self) -> None:
        if not self.after:
            contact = save_contact_with_move(self.contact_id, self.values, record=self.record_move)
            self.contact_id = contact.id
            self.after = snapshot_contacts([contact.id])
        else:
            replace_contacts(self.after)
        self.on_change([self.contact_id])

    def undo(self) -> None:
        if self.before:
            replace_contacts(self.before)
            self.on_change([self.contact_id])
        else:
            delete_contacts([self.contact_id])
            self.on_change([])


class ArchiveCommand(QUndoCommand):
    """Archive or unarchive contacts; undo puts each back as it was."""

    def __init__(self, ids: list[int], archived: bool, on_change: OnChange):
        verb = "Archive" if archived else "Unarchive"
        super().__init__(f"{verb} {_plural(len(ids), 'contact')}")
        self.ids = list(ids)
        self.archived = archived
        self.on_change = on_change
        rows = Contact.select(Contact.id, Contact.archived).where(Contact.id.in_(self.ids))
        self.was = {c.id: bool(c.archived) for c in rows}

    def redo(self) -> None:
        set_archived(self.ids, self.archived)
        self.on_change(self.ids)

    def undo(self) -> None:
        for state in (True, False):
            set_archived([i for i, a in self.was.items() if a == state], state)
        self.on_change(self.ids)


class DeleteContactsCommand(QUndoCommand):
    """Delete contacts with everything attached; undo restores the same rows and ids."""

    def __init__(self, ids: list[int], on_change: OnChange):
        super().__init__(f"Delete {_plural(len(ids), 'contact')}")
        self.ids = list(ids)
        self.on_change = on_change
        self.shots = snapshot_contacts(self.ids)

    def redo(self) -> None:
        delete_contacts(self.ids)
        self.on_change([])

    def undo(self) -> None:
        restore_contacts(self.shots)
        self.on_change(self.ids)
