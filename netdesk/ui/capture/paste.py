"""Edit › Paste to import: a screenshot of a QR code (or copied files) goes to the import review.

A pasted picture has no file, so it is written as a PNG into a private temporary
folder (removed when netdesk quits) and imported like a dropped file.
"""

import atexit
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

from PySide6.QtGui import QGuiApplication

_folder: Path | None = None


def paste_folder() -> Path:
    """One private folder per session for pasted pictures."""
    global _folder
    if _folder is None:
        _folder = Path(tempfile.mkdtemp(prefix="netdesk-paste-"))  # 0700
        atexit.register(shutil.rmtree, _folder, True)
    return _folder


def paste_to_import(window) -> Path | None:
    """Import what the clipboard holds; returns the pasted picture's file, if any."""
    from netdesk.services.importing.formats import IMPORTABLE_SUFFIXES
    from netdesk.ui.importing.import_dialog import import_files

    mime = QGuiApplication.clipboard().mimeData()
    if mime is not None and mime.hasImage():
        image = QGuiApplication.clipboard().image()
        if not image.isNull():
            path = paste_folder() / f"pasted {datetime.now():%Y-%m-%d %H-%M-%S-%f}.png"
            if image.save(str(path), "PNG"):
                import_files(window, [path])
                return path
    if mime is not None and mime.hasUrls():
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        paths = [p for p in paths if p.suffix.lower() in IMPORTABLE_SUFFIXES]
        if paths:
            import_files(window, paths)
            return None
    window.statusBar().showMessage(
        "The clipboard holds no picture or contact file to import "
        "(copy a screenshot of a QR code, or .vcf / .csv / picture files).",
        8000,
    )
    return None
