"""The main window: a sidebar of pages, menus, the undo stack, drag-and-drop import."""

import importlib
import importlib.util
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStackedWidget,
    QStyle,
    QWidget,
)

from netdesk import __version__
from netdesk.models import database_path
from netdesk.services.importing.formats import IMPORTABLE_SUFFIXES

# (key, title, module, class): a page is imported and built when first shown, so the
# window opens with only the page it shows (charts, the importer's fuzzy matching
# and the dialogs load later).
PAGES = (
    ("today", "Today", "netdesk.ui.calendar.today_view", "TodayPage"),
    ("contacts", "Contacts", "netdesk.ui.contacts.view", "ContactsPage"),
    ("events", "Events", "netdesk.ui.history.events_view", "EventsPage"),
    ("followups", "Follow-ups", "netdesk.ui.calendar.followups_view", "FollowUpsPage"),
    ("imports", "Imports", "netdesk.ui.importing.imports_view", "ImportsPage"),
    ("insights", "Insights", "netdesk.ui.history.insights_view", "InsightsPage"),
)
PAGE_ICONS = {
    "today": QStyle.StandardPixmap.SP_FileDialogDetailedView,
    "contacts": QStyle.StandardPixmap.SP_DirHomeIcon,
    "events": QStyle.StandardPixmap.SP_FileDialogListView,
    "followups": QStyle.StandardPixmap.SP_DialogApplyButton,
    "imports": QStyle.StandardPixmap.SP_ArrowDown,
    "insights": QStyle.StandardPixmap.SP_FileDialogInfoView,
    "camera": QStyle.StandardPixmap.SP_DesktopIcon,
}
PAGE_KEYS = [key for key, *_ in PAGES]
STATUS_DELAY_MS = 250  # the status bar's count comes after the window is on screen

# Menu entries that live in feature modules: (menu, text, shortcut, module, function).
# An entry whose module is not installed is shown disabled rather than hidden.
FEATURE_ACTIONS = (
    (
        "File",
        "&Import contacts…",
        "Ctrl+I",
        "netdesk.ui.importing.import_dialog",
        "choose_and_import",
    ),
    (
        "File",
        "Export contacts as &vCard…",
        "",
        "netdesk.ui.importing.vcard_export_dialog",
        "export_contacts",
    ),
    (
        "File",
        "Export &follow-ups (.ics)…",
        "Ctrl+E",
        "netdesk.ui.calendar.ics_export_dialog",
        "export_followups",
    ),
    (
        "File",
        "Show &my card (QR code)…",
        "Ctrl+Shift+M",
        "netdesk.ui.capture.my_card_dialog",
        "show_my_card",
    ),
    ("File", None, "", "", ""),
    ("File", "&Backup now…", "", "netdesk.ui.data.backup_actions", "backup_now"),
    ("File", "&Restore from backup…", "", "netdesk.ui.data.backup_actions", "restore_backup"),
    (
        "Edit",
        "&Paste to import (picture or files)",
        "Ctrl+V",
        "netdesk.ui.capture.paste",
        "paste_to_import",
    ),
    ("Edit", "&Settings…", "Ctrl+,", "netdesk.ui.settings.settings_dialog", "open_settings"),
    ("Edit", "&Contacts sync…", "", "netdesk.ui.sync.contacts_sync_dialog", "open_contacts_sync"),
)


def camera_page_specs() -> tuple:
    """The Camera page where a camera exists; none at all where it does not."""
    from netdesk.ui.capture.camera_page import camera_available

    if not camera_available():
        return ()
    return (("camera", "Camera", "netdesk.ui.capture.camera_page", "CameraPage"),)


class MainWindow(QMainWindow):
    def __init__(self) -> None:
        super().__init__()
        self.setWindowTitle("netdesk")
        self.setAcceptDrops(True)
        self.undo_stack = QUndoStack(self)
        self.settings = QSettings()

        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(170)
        self.sidebar.setSpacing(2)
        self.sidebar.setStyleSheet(
            "#sidebar { font-size: 13px; } #sidebar::item { padding: 6px 4px; }"
        )
        # The count and the database stay in a corner of their own; messages come and go.
        self.summary = QLabel()
        self.summary.setObjectName("summary")
        self.statusBar().addPermanentWidget(self.summary)
        self.stack = QStackedWidget()
        self.pages = {}  # key -> page, for the pages built so far
        self.page_specs = PAGES + camera_page_specs()
        self.page_keys = [key for key, *_ in self.page_specs]
        for key, title, _module, _class in self.page_specs:
            self.stack.addWidget(QWidget())  # stands in until the page is first shown
            item = QListWidgetItem(self.style().standardIcon(PAGE_ICONS[key]), title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.sidebar.addItem(item)
        self.sidebar.currentRowChanged.connect(self._show_row)

        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([170, 930])
        splitter.setChildrenCollapsible(False)
        splitter.setSizes([170, 930])  # else the sidebar's slot outgrows its maximum width
        self.setCentralWidget(splitter)
        self._build_menus()
        self._restore_state()
        from netdesk.ui.sync.auto_sync import install_auto_sync

        self.auto_sync = install_auto_sync(self)  # off unless Settings › Calendars says so

    # navigation -------------------------------------------------------------
    def page(self, key: str):
        """The page ``key``, built (and its module imported) on first use."""
        if key not in self.pages:
            row = self.page_keys.index(key)
            _key, _title, module, class_name = self.page_specs[row]
            page = getattr(importlib.import_module(module), class_name)(self)
            stand_in = self.stack.widget(row)
            self.stack.insertWidget(row, page)
            self.stack.removeWidget(stand_in)
            stand_in.deleteLater()
            self.pages[key] = page
        return self.pages[key]

    def show_page(self, key: str) -> None:
        self.sidebar.setCurrentRow(self.page_keys.index(key))

    def _show_row(self, row: int) -> None:
        if row < 0:
            return
        page = self.page(self.page_keys[row])
        self.stack.setCurrentWidget(page)
        page.refresh()
        self.settings.setValue("window/page", page.key)

    def _after_undo_change(self, _index: int) -> None:
        if self.isVisible():  # not while the window is being torn down
            self.refresh_all()

    def refresh_all(self) -> None:
        """After a change that touches several pages (an import, an undo)."""
        self.stack.currentWidget().refresh()
        self.update_status()

    def update_status(self) -> None:
        from netdesk.services.contacts.records import count_contacts

        path = database_path()
        count = count_contacts()
        self.summary.setText(
            f"{count:,} contact{'' if count == 1 else 's'} · "
            f"{path.name if path else 'in-memory database'}"
        )
        self.summary.setToolTip(str(path) if path else "")

    # menus ------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        menus = {name: bar.addMenu(f"&{name}") for name in ("File", "Edit", "View", "Help")}
        for menu, text, shortcut, module, function in FEATURE_ACTIONS:
            if text is None:
                menus[menu].addSeparator()
                continue
            action = QAction(text, self)
            if shortcut:
                action.setShortcut(QKeySequence(shortcut))
            available = importlib.util.find_spec(module) is not None
            action.setEnabled(available)
            action.triggered.connect(lambda _=False, m=module, f=function: self.call_feature(m, f))
            menus[menu].addAction(action)
        menus["File"].addSeparator()
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        menus["File"].addAction(quit_action)

        undo = self.undo_stack.createUndoAction(self, "&Undo")
        undo.setShortcut(QKeySequence.StandardKey.Undo)
        redo = self.undo_stack.createRedoAction(self, "&Redo")
        redo.setShortcut(QKeySequence.StandardKey.Redo)
        menus["Edit"].insertActions(
            menus["Edit"].actions()[0] if menus["Edit"].actions() else None, [undo, redo]
        )
        self.undo_stack.indexChanged.connect(self._after_undo_change)

        for i, (key, title, _module, _class) in enumerate(self.page_specs):
            action = QAction(title, self)
            action.setShortcut(QKeySequence(f"Ctrl+{i + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.show_page(k))
            menus["View"].addAction(action)

        about = QAction("&About netdesk", self)
        about.triggered.connect(self.show_about)
        menus["Help"].addAction(about)
        self.menus = menus

    def call_feature(self, module: str, function: str, *args):
        return getattr(importlib.import_module(module), function)(self, *args)

    def show_about(self) -> None:
        path = database_path()
        QMessageBox.about(
            self,
            "About netdesk",
            f"<b>netdesk {__version__}</b><br>A contact and follow-up assistant for people "
            "who network in healthcare.<br><br>"
            f"Database: {path if path else 'in memory'}<br>"
            "Nothing leaves this computer unless you configure a CalDAV calendar.",
        )

    # drag and drop ----------------------------------------------------------
    def _dropped_files(self, mime) -> list[Path]:
        if not mime.hasUrls():
            return []
        paths = [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]
        return [p for p in paths if p.suffix.lower() in IMPORTABLE_SUFFIXES]

    def dragEnterEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if self._dropped_files(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        paths = self._dropped_files(event.mimeData())
        if paths and importlib.util.find_spec("netdesk.ui.importing.import_dialog"):
            event.acceptProposedAction()
            self.call_feature("netdesk.ui.importing.import_dialog", "import_files", paths)

    # state ------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 720)
        last = self.settings.value("window/page", "today")
        self.show_page(last if last in self.page_keys else "today")
        QTimer.singleShot(STATUS_DELAY_MS, self, self.update_status)  # counting waits

    def closeEvent(self, event) -> None:  # noqa: N802
        self.settings.setValue("window/geometry", self.saveGeometry())
        super().closeEvent(event)


def main_window() -> MainWindow | None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, MainWindow):
            return widget
    return None
