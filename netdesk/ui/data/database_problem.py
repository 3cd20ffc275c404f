"""When the database file cannot be used at start: say why and offer another file.

The message is the one the CLI prints (see netdesk.models.store.db_location); instead of
a crash or an empty window the user can pick another file (an existing netdesk
database or a new name) or quit. Nothing is written to the unusable path.
"""

from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from netdesk.errors import UserError

CHOOSE_TEXT = "&Choose another file…"
FILE_FILTER = "netdesk database (*.sqlite3 *.db);;All files (*)"

Chooser = Callable[[QWidget | None, Path], str]
Opener = Callable[[Path, QWidget | None], object]


def problem_box(parent: QWidget | None, path: Path, exc: UserError) -> QMessageBox:
    """The message with "Choose another file…" (default) and "Quit"."""
    box = QMessageBox(QMessageBox.Icon.Warning, "netdesk: database", str(exc), parent=parent)
    box.setInformativeText(
        "Choose another file to open, or a new file name to start an empty database."
    )
    box.choose_button = box.addButton(CHOOSE_TEXT, QMessageBox.ButtonRole.AcceptRole)
    box.addButton("&Quit", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(box.choose_button)
    return box


def choose_file(parent: QWidget | None, path: Path) -> str:
    """A save-style dialog, so both an existing database and a new name can be picked."""
    start = path.parent if path.parent.is_dir() else Path.home()
    name, _ = QFileDialog.getSaveFileName(
        parent,
        "Choose a netdesk database",
        str(start / "netdesk.sqlite3"),
        FILE_FILTER,
        options=QFileDialog.Option.DontConfirmOverwrite,
    )
    return name


def open_or_choose(
    path: Path, opener: Opener, parent: QWidget | None = None, choose: Chooser = choose_file
):
    """Open ``path`` with ``opener``; while it is unusable, show why and let the user pick another.

    ``opener`` returns None when the user gave up (a cancelled passphrase). Returns the
    path that opened, or None when the user quit.
    """
    while True:
        try:
            return path if opener(path, parent) is not None else None
        except UserError as exc:
            box = problem_box(parent, path, exc)
            box.exec()
            if box.clickedButton() is not box.choose_button:
                return None
            chosen = choose(parent, path)
            if not chosen:
                return None
            path = Path(chosen)
