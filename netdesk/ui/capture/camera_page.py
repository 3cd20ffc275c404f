"""The Camera page: point the computer's camera at a badge or card and import the picture.

Shown only where Qt Multimedia loads and lists a camera (:func:`camera_available`);
elsewhere the page does not exist at all. A capture is saved as a JPEG in the
private paste folder and goes through the same import review as a dropped file.
"""

import sys
from datetime import datetime
from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from netdesk.ui.common.page import Page


def camera_available() -> bool:
    """True when Qt Multimedia loads (its system libraries may be missing) and lists a camera.

    On Linux a machine without /dev/video* has no camera; checking that first saves
    loading Qt Multimedia (~80 ms) while the window starts.
    """
    if sys.platform.startswith("linux") and not any(Path("/dev").glob("video*")):
        return False
    try:
        from PySide6.QtMultimedia import QMediaDevices
    except ImportError:
        return False
    return bool(QMediaDevices.videoInputs())


class CameraPage(Page):
    key = "camera"
    title = "Camera"

    def __init__(self, window) -> None:
        super().__init__(window)
        from PySide6.QtMultimedia import QCamera, QImageCapture, QMediaCaptureSession
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self.camera = QCamera()
        self.capture = QImageCapture()
        self.session = QMediaCaptureSession()
        self.session.setCamera(self.camera)
        self.session.setImageCapture(self.capture)
        self.preview = QVideoWidget()
        self.session.setVideoOutput(self.preview)
        self.capture.imageSaved.connect(self._saved)
        self.capture.errorOccurred.connect(lambda _id, _err, text: self.status.setText(text))
        hint = QLabel("Hold the badge's code or the business card flat, filling the frame.")
        self.status = QLabel()
        self.shoot = QPushButton("&Capture and import")
        self.shoot.clicked.connect(self.take)
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.preview, 1)
        layout.addWidget(self.shoot)
        layout.addWidget(self.status)

    def refresh(self) -> None:
        self.camera.start()

    def take(self) -> None:
        from netdesk.ui.capture.paste import paste_folder

        path = paste_folder() / f"camera {datetime.now():%Y-%m-%d %H-%M-%S}.jpg"
        self.capture.captureToFile(str(path))
        self.status.setText("Captured; reading…")

    def _saved(self, _id: int, path: str) -> None:
        from netdesk.ui.importing.import_dialog import import_files

        import_files(self.window_, [path])
