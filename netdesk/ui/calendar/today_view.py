"""The Today page (where the app opens): what is due and who to get back to.

Every row can be acted on in place (Done, Snooze, Open contact, Email); Done and
Snooze go through the window's undo stack.
"""

from datetime import date, timedelta

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.calendar.today import (
    SECTION_TITLES,
    SECTIONS,
    Today,
    TodayItem,
    build_today,
    complete_item,
    mailto_link,
    snooze_item,
    undo_item,
)
from netdesk.services.clock import local_today
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.page import QUICK_LOG_SHORTCUT, Page, empty_state
from netdesk.ui.common.undo import run_undoable

ROWS_SHOWN = 25
EMPTY_TEXT = (
    "Nothing is due today. Import vCards from your last conference (File > Import…) "
    "and netdesk will plan the follow-ups."
)


class DateDialog(QDialog):
    """Pick the day a snoozed item comes back."""

    def __init__(self, parent, start: date) -> None:
        from netdesk.ui.history.dialogs import to_qdate  # not at start-up: the dialogs are big

        super().__init__(parent)
        self.setWindowTitle("Snooze until")
        self.calendar = QCalendarWidget()
        self.calendar.setMinimumDate(to_qdate(start))
        self.calendar.setSelectedDate(to_qdate(start))
        buttons = ok_cancel_buttons(self)
        self.calendar.activated.connect(lambda _: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(self.calendar)
        layout.addWidget(buttons)

    def picked(self) -> date:
        return self.calendar.selectedDate().toPython()


class TodayRow(QFrame):
    """One actionable line: who, what, and the four actions.

    A click or Tab selects the row (it takes focus), so Ctrl+L knows whose timeline to open;
    Up/Down move between rows and Enter opens the contact.
    """

    def __init__(self, page: "TodayPage", item: TodayItem) -> None:
        super().__init__()
        self.item = item
        self.page = page
        self.setObjectName("todayRow")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setStyleSheet("#todayRow:focus { border: 2px solid palette(highlight); }")
        self.setToolTip(f"{QUICK_LOG_SHORTCUT}: log an interaction with {item.name}")
        who = item.name + (f" · {item.organization}" if item.organization else "")
        text = QLabel(
            f"<b>{_escape(who)}</b><br>{_escape(item.title)} — <i>{_escape(item.detail)}</i>"
        )
        text.setTextFormat(Qt.TextFormat.RichText)
        text.setWordWrap(True)
        self.done_button = QPushButton("Done")
        self.done_button.setToolTip("Mark done and log an interaction")
        self.snooze_button = QToolButton(text="Snooze")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.snooze_button)
        self.snooze_actions = {
            "day": menu.addAction("Until tomorrow", lambda: page.snooze(item, days=1)),
            "week": menu.addAction("For a week", lambda: page.snooze(item, days=7)),
            "pick": menu.addAction("Pick a date…", lambda: page.snooze_pick(item)),
        }
        self.snooze_button.setMenu(menu)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Open the contact")
        self.email_button = QPushButton("Email")
        self.email_button.setEnabled(bool(item.email))
        self.email_button.setToolTip(item.email or "No email address on file")
        self.done_button.clicked.connect(lambda: page.done(item))
        self.open_button.clicked.connect(lambda: page.open_contact(item))
        self.email_button.clicked.connect(lambda: page.compose(item))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(text, 1)
        for button in (self.done_button, self.snooze_button, self.open_button, self.email_button):
            layout.addWidget(button)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        step = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}.get(event.key())
        if step is not None:
            self.page.focus_row(self, step)
        elif event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.page.open_contact(self.item)
        else:
            super().keyPressEvent(event)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class TodayPage(Page):
    key = "today"
    title = "Today"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.result: Today | None = None
        self.rows: list[TodayRow] = []
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 16px; font-weight: 600;")
        refresh = QPushButton("&Refresh")
        refresh.clicked.connect(self.refresh)
        QShortcut(QKeySequence.StandardKey.Refresh, self, self.refresh)
        QShortcut(QKeySequence(QUICK_LOG_SHORTCUT), self, self.quick_log)
        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(refresh)

        self.body = QWidget()
        self.body_layout = QVBoxLayout(self.body)
        self.body_layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.body)
        self.empty = empty_state(EMPTY_TEXT)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(self.empty, 1)

    # building ---------------------------------------------------------------
    def refresh(self) -> None:
        from netdesk.models import database

        if database.obj is None:
            return
        self.result = build_today(limit=ROWS_SHOWN)
        self._clear()
        today = self.result.today
        counts = self.result.totals
        due = counts["overdue"] + counts["due_today"]
        self.heading.setText(
            f"{today.strftime('%A %d %B')} · {due} due"
            + (f" ({counts['overdue']} overdue)" if counts["overdue"] else "")
        )
        empty = self.result.is_empty()
        self.empty.setVisible(empty)
        self.scroll.setVisible(not empty)
        for section in SECTIONS:
            items = self.result.sections[section]
            if not items:
                continue
            label = QLabel(f"{SECTION_TITLES[section]} ({self.result.total_text(section)})")
            label.setObjectName(f"section_{section}")
            label.setStyleSheet("font-weight: 600; margin-top: 8px;")
            self.body_layout.addWidget(label)
            for item in items:
                row = TodayRow(self, item)
                self.rows.append(row)
                self.body_layout.addWidget(row)
            more = counts[section] - len(items)
            if more > 0:
                plus = "+" if section in self.result.capped else ""
                self.body_layout.addWidget(QLabel(f"… and {more:,}{plus} more"))

    def _clear(self) -> None:
        self.rows = []
        while self.body_layout.count():
            widget = self.body_layout.takeAt(0).widget()
            if widget is not None:
                widget.hide()
                widget.deleteLater()

    def rows_in(self, section: str) -> list[TodayRow]:
        return [row for row in self.rows if row.item.section == section]

    # actions ----------------------------------------------------------------
    def done(self, item: TodayItem) -> None:
        run_undoable(
            self.window_, self, f"Done: {item.title}", lambda: complete_item(item), undo_item
        )
        self.refresh()

    def snooze(self, item: TodayItem, days: int | None = None, until: date | None = None) -> None:
        until = until or (self.result.today if self.result else local_today()) + timedelta(
            days=days or 1
        )
        run_undoable(
            self.window_,
            self,
            f"Snooze: {item.title}",
            lambda: snooze_item(item, until),
            undo_item,
        )

    def snooze_pick(self, item: TodayItem) -> None:
        start = (self.result.today if self.result else local_today()) + timedelta(days=1)
        dialog = DateDialog(self, start)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.snooze(item, until=dialog.picked())

    def open_contact(self, item: TodayItem) -> None:
        self.window_.show_page("contacts")
        page = self.window_.page("contacts")
        if hasattr(page, "select_contact"):
            page.select_contact(item.contact_id)

    def focus_row(self, row: TodayRow, step: int) -> None:
        """Move the selection ``step`` rows up (-1) or down (1) from ``row``."""
        index = self.rows.index(row) + step
        if 0 <= index < len(self.rows):
            self.rows[index].setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll.ensureWidgetVisible(self.rows[index])

    def selected_row(self) -> TodayRow | None:
        """The row holding the keyboard focus (clicked, or reached with Tab)."""
        widget = QApplication.focusWidget()
        while widget is not None and not isinstance(widget, TodayRow):
            widget = widget.parentWidget()
        return widget if widget in self.rows else None

    def quick_log(self) -> None:
        """Ctrl+L: the selected row's contact, on their timeline, cursor in the quick log."""
        row = self.selected_row()
        if row is None:
            self.window_.statusBar().showMessage(
                "Click a row (or Tab to it) first: Ctrl+L logs an interaction with that person.",
                5000,
            )
            return
        self.window_.show_page("contacts")
        page = self.window_.page("contacts")
        if hasattr(page, "log_for"):
            page.log_for(row.item.contact_id)

    def compose(self, item: TodayItem) -> None:
        if item.email:
            QDesktopServices.openUrl(QUrl(mailto_link(item), QUrl.ParsingMode.StrictMode))
