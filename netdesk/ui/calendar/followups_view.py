"""The Follow-ups page: what to do next, filtered and sorted, with undoable actions.

Rows come from :func:`netdesk.services.calendar.followups.followup_query` (filtered and
sorted in SQL, fetched 200 at a time). Every change goes through a
:class:`FollowUpCommand` on the window's undo stack; undoing restores the rows with
a *higher* SEQUENCE, so calendars that saw the change update again.
"""

from collections.abc import Callable
from datetime import date, timedelta

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, Qt, QUrl
from PySide6.QtGui import QAction, QColor, QDesktopServices, QKeySequence, QUndoCommand
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCalendarWidget,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
)

from netdesk.errors import UserError
from netdesk.models import FollowUp, Interaction, database, utcnow
from netdesk.services.calendar import followups as svc
from netdesk.services.calendar.templates import TEMPLATES
from netdesk.services.clock import local_today
from netdesk.services.history.interactions import refresh_last_interaction
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.page import Page, empty_state

COLUMNS = (("Due", "due"), ("Time", "due"), ("Contact", "contact"), ("Title", "title"),
           ("Status", "status"), ("Origin", "origin"))  # fmt: skip
ORIGIN_LABELS = {"manual": "Manual", "event": "After event", "cadence": "Stay in touch",
                 "milestone": "Milestone"}  # fmt: skip
BATCH = 200
_ROOT = QModelIndex()
OVERDUE = QColor("#b3261e")


class FollowUpModel(QAbstractTableModel):
    """A lazily fetched, SQL-sorted list of follow-ups."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.filters = {"status": "active", "due": "any", "search": ""}
        self.sort_key, self.descending = "due", False
        self.rows: list[FollowUp] = []
        self.user_zone = ""
        self.today = date.min  # the user's today, read once per reload
        self._query = None
        self._more = False

    def reload(self) -> None:
        self.beginResetModel()
        self.user_zone = svc.user_timezone()
        self.today = local_today()
        self._query = svc.followup_query(
            sort=self.sort_key, descending=self.descending, **self.filters
        )
        self.rows = list(self._query.limit(BATCH))
        self._more = len(self.rows) == BATCH
        self.endResetModel()

    def canFetchMore(self, parent=_ROOT) -> bool:  # noqa: N802 (Qt API)
        return not parent.isValid() and self._more

    def fetchMore(self, parent=_ROOT) -> None:  # noqa: N802
        more = list(self._query.offset(len(self.rows)).limit(BATCH))
        self._more = len(more) == BATCH
        if more:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(more) - 1)
            self.rows += more
            self.endInsertRows()

    def rowCount(self, parent=_ROOT) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=_ROOT) -> int:  # noqa: N802
        return len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        return None

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        f = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return f"{f.due_date:%a %d %b %Y}"
            if col == 1:
                if f.due_time is None:
                    return "All day"
                zone = "" if f.timezone in ("", self.user_zone) else f" {f.timezone}"
                return f"{f.due_time:%H:%M} ({f.duration_minutes} min){zone}"
            if col == 2:
                return f.contact.name
            if col == 3:
                return f.title
            if col == 4:
                return f.status.capitalize()
            return ORIGIN_LABELS.get(f.origin, f.origin)
        if role == Qt.ItemDataRole.ToolTipRole and f.note:
            return f.note[:500]
        overdue = f.status in svc.OPEN_STATUSES and f.due_date < self.today
        if role == Qt.ItemDataRole.ForegroundRole and col == 0 and overdue:
            return OVERDUE
        return None

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        self.sort_key = COLUMNS[column][1]
        self.descending = order == Qt.SortOrder.DescendingOrder
        if self._query is not None:  # before the first refresh() there is nothing to re-sort
            self.reload()


class FollowUpCommand(QUndoCommand):
    """Apply ``action`` to follow-ups; undo restores them and removes what it created.

    Completing a follow-up logs an interaction and may plan the next cadence round;
    undo removes both. Restored rows get a higher SEQUENCE than any version a
    calendar may have seen.
    """

    def __init__(self, text: str, ids: list[int], action: Callable[[FollowUp], object]):
        super().__init__(text)
        self.ids, self.action = list(ids), action
        self.before: list[dict] = []
        self.created_followups: list[int] = []
        self.created_interactions: list[int] = []
        self.error: UserError | None = None

    def redo(self) -> None:
        try:
            self._apply()
        except UserError as exc:  # Qt calls redo(); report instead of raising into C++
            self.error = exc
            self.setObsolete(True)

    def _apply(self) -> None:
        with database.atomic():
            self.before = list(FollowUp.select().where(FollowUp.id.in_(self.ids)).dicts())
            top_f = FollowUp.select(FollowUp.id).order_by(FollowUp.id.desc()).scalar() or 0
            top_i = Interaction.select(Interaction.id).order_by(Interaction.id.desc()).scalar() or 0
            for f in FollowUp.select().where(FollowUp.id.in_(self.ids)):
                self.action(f)
            self.created_followups = [
                i for (i,) in FollowUp.select(FollowUp.id).where(FollowUp.id > top_f).tuples()
            ]
            self.created_interactions = [
                i
                for (i,) in Interaction.select(Interaction.id)
                .where(Interaction.id > top_i)
                .tuples()
            ]

    def undo(self) -> None:
        with database.atomic():
            Interaction.delete().where(Interaction.id.in_(self.created_interactions)).execute()
            FollowUp.delete().where(FollowUp.id.in_(self.created_followups)).execute()
            for row in self.before:
                row = dict(row)
                current = FollowUp.get_or_none(FollowUp.id == row["id"])
                if current is None:
                    continue
                row["sequence"] = current.sequence + 1
                row["updated_at"] = utcnow()
                fid = row.pop("id")
                FollowUp.update(**row).where(FollowUp.id == fid).execute()
            for contact_id in {row["contact"] for row in self.before}:
                refresh_last_interaction(contact_id)


class AddFollowUpCommand(QUndoCommand):
    """Plan one follow-up; undo deletes it; redo brings back the same row (same UID)."""

    def __init__(self, fields: dict) -> None:
        super().__init__(f"Plan follow-up “{fields['title']}”")
        self.fields = fields
        self.row: dict | None = None
        self.error: UserError | None = None

    def redo(self) -> None:
        try:
            self._apply()
        except UserError as exc:
            self.error = exc
            self.setObsolete(True)

    def _apply(self) -> None:
        if self.row is None:
            fields = dict(self.fields)
            contact_id = fields.pop("contact_id")
            f = svc.create_followup(
                contact_id, fields.pop("due_date"), fields.pop("title"), **fields
            )
            self.row = FollowUp.select().where(FollowUp.id == f.id).dicts().get()
        else:
            self.row["sequence"] += 1
            FollowUp.insert(self.row).execute()

    def undo(self) -> None:
        FollowUp.delete().where(FollowUp.id == self.row["id"]).execute()


class DatePickerDialog(QDialog):
    """A calendar to pick the day to snooze until."""

    def __init__(self, parent, title: str, start: date) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        layout = QVBoxLayout(self)
        self.calendar = QCalendarWidget()
        self.calendar.setSelectedDate(QDate(start.year, start.month, start.day))
        today = local_today()  # the user's today (services.clock), not Qt's clock
        self.calendar.setMinimumDate(QDate(today.year, today.month, today.day))
        layout.addWidget(self.calendar)
        buttons = ok_cancel_buttons(self)
        self.calendar.activated.connect(self.accept)
        layout.addWidget(buttons)

    def chosen(self) -> date:
        d = self.calendar.selectedDate()
        return date(d.year(), d.month(), d.day())


class FollowUpsPage(Page):
    key = "followups"
    title = "Follow-ups"

    def __init__(self, window) -> None:
        super().__init__(window)
        layout = QVBoxLayout(self)

        filters = QHBoxLayout()
        self.search = QLineEdit(placeholderText="Search contact, title or note  (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(300)
        self.status = QComboBox()
        for label, key in (("Open and snoozed", "active"), ("Open", "open"), ("Snoozed", "snoozed"),
                           ("Done", "done"), ("Cancelled", "cancelled"), ("All", "all")):  # fmt: skip
            self.status.addItem(label, key)
        self.due = QComboBox()
        for label, key in (("Any date", "any"), ("Overdue", "overdue"), ("Due today", "today"),
                           ("Next 7 days", "week"), ("Next 30 days", "month")):  # fmt: skip
            self.due.addItem(label, key)
        self.new_button = QPushButton("&New follow-up…")
        self.rules_button = QPushButton("Run &rules")
        self.rules_button.setToolTip("Plan follow-ups after recent events, stay-in-touch "
                                     "cadences and milestones (never duplicates)")  # fmt: skip
        status_label = QLabel("&Status:")
        status_label.setBuddy(self.status)
        due_label = QLabel("D&ue:")
        due_label.setBuddy(self.due)
        for w in (self.search, status_label, self.status, due_label, self.due):
            filters.addWidget(w)
        filters.addStretch()
        filters.addWidget(self.rules_button)
        filters.addWidget(self.new_button)
        layout.addLayout(filters)

        self.model = FollowUpModel(self)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        self.table.doubleClicked.connect(lambda _: self.edit_selected())
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        for col, width in ((0, 130), (1, 120), (2, 200), (4, 90), (5, 110)):
            self.table.setColumnWidth(col, width)
        self.empty = empty_state(
            "No follow-ups here. Plan one with “New follow-up…” (Ctrl+N), or let the rules "
            "plan them after events, for stay-in-touch cadences and milestones."
        )
        self.views = QStackedWidget()
        self.views.addWidget(self.table)
        self.views.addWidget(self.empty)
        layout.addWidget(self.views, 1)

        actions = QHBoxLayout()
        self.done_button = QPushButton("&Done")
        self.snooze_button = QToolButton()
        self.snooze_button.setText("S&nooze")
        self.snooze_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.reschedule_button = QPushButton("Re&schedule…")
        self.cancel_button = QPushButton("&Cancel follow-up")
        self.compose_button = QPushButton("Co&mpose email")
        self.export_button = QPushButton("E&xport selected…")
        self.count_label = QLabel()
        self.last_rule_run: svc.RuleRun | None = None
        for w in (self.done_button, self.snooze_button, self.reschedule_button,
                  self.cancel_button, self.compose_button, self.export_button):  # fmt: skip
            actions.addWidget(w)
        actions.addStretch()
        actions.addWidget(self.count_label)
        layout.addLayout(actions)

        self._build_actions()
        self.search.textChanged.connect(lambda _: self._filter())
        self.status.currentIndexChanged.connect(lambda _: self._filter())
        self.due.currentIndexChanged.connect(lambda _: self._filter())
        self.new_button.clicked.connect(self.new_followup)
        self.rules_button.clicked.connect(self.run_rules)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.model.modelReset.connect(self._update_buttons)
        self.setTabOrder(self.search, self.status)
        self.setTabOrder(self.status, self.due)
        self.setTabOrder(self.due, self.table)
        self.setTabOrder(self.table, self.done_button)

    # actions ------------------------------------------------------------------
    def _action(self, text: str, slot, shortcut: str | QKeySequence | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda _=False: slot())
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self.actions_ = {}
        a["done"] = self._action("Mark &done", self.mark_done, "Ctrl+D")
        a["snooze_day"] = self._action("Snooze 1 &day", lambda: self.snooze(days=1), "Ctrl+Shift+D")
        a["snooze_week"] = self._action(
            "Snooze 1 &week", lambda: self.snooze(days=7), "Ctrl+Shift+W"
        )
        a["snooze_pick"] = self._action("Snooze until…", self.snooze_until, "Ctrl+Shift+U")
        a["edit"] = self._action("&Reschedule / edit…", self.edit_selected, "Ctrl+R")
        a["cancel"] = self._action(
            "&Cancel follow-up", self.cancel, QKeySequence.StandardKey.Delete
        )
        a["compose"] = self._action("Co&mpose email", lambda: self.compose(""), "Ctrl+M")
        a["google"] = self._action("Add to &Google Calendar", self.add_to_google)
        a["outlook"] = self._action("Add to &Outlook (Outlook.com)", self.add_to_outlook)
        a["office"] = self._action(
            "Add to Outlook (Microsoft &365)", lambda: self.add_to_outlook(office365=True)
        )
        a["export"] = self._action("E&xport selected (.ics)…", self.export_selected)
        self._action("New follow-up", self.new_followup, QKeySequence.StandardKey.New)
        self._action("Find", self.search.setFocus, QKeySequence.StandardKey.Find)

        snooze_menu = QMenu(self)
        for key in ("snooze_day", "snooze_week", "snooze_pick"):
            snooze_menu.addAction(a[key])
        self.snooze_button.setMenu(snooze_menu)
        self.done_button.clicked.connect(self.mark_done)
        self.reschedule_button.clicked.connect(self.edit_selected)
        self.cancel_button.clicked.connect(self.cancel)
        self.compose_button.clicked.connect(lambda: self.compose(""))
        self.export_button.clicked.connect(self.export_selected)

    def _context_menu(self, pos) -> None:
        if not self.selected_ids():
            return
        self.context_menu().exec(self.table.viewport().mapToGlobal(pos))

    def context_menu(self) -> QMenu:
        a = self.actions_
        menu = QMenu(self)
        for key in ("done", "snooze_day", "snooze_week", "snooze_pick", "edit", "cancel"):
            menu.addAction(a[key])
        menu.addSeparator()
        compose = menu.addMenu("Compose email with template")
        for t in TEMPLATES.values():
            compose.addAction(t.label, lambda k=t.key: self.compose(k))
        menu.addAction(a["compose"])
        menu.addSeparator()
        for key in ("google", "outlook", "office"):
            menu.addAction(a[key])
        menu.addSeparator()
        menu.addAction(a["export"])
        return menu

    # state --------------------------------------------------------------------
    def refresh(self) -> None:
        keep = set(self.selected_ids())
        self.model.reload()
        if keep:
            sel = self.table.selectionModel()
            for row, f in enumerate(self.model.rows):
                if f.id in keep:
                    sel.select(
                        self.model.index(row, 0),
                        sel.SelectionFlag.Select | sel.SelectionFlag.Rows,
                    )

    def _filter(self) -> None:
        self.model.filters = {
            "status": self.status.currentData(),
            "due": self.due.currentData(),
            "search": self.search.text(),
        }
        self.model.reload()

    def _update_buttons(self) -> None:
        ids = self.selected_ids()
        single = len(ids) == 1
        for w in (self.done_button, self.snooze_button, self.cancel_button, self.export_button):
            w.setEnabled(bool(ids))
        self.reschedule_button.setEnabled(single)
        self.compose_button.setEnabled(single)
        for key in ("done", "snooze_day", "snooze_week", "snooze_pick", "cancel", "export"):
            self.actions_[key].setEnabled(bool(ids))
        for key in ("edit", "compose", "google", "outlook", "office"):
            self.actions_[key].setEnabled(single)
        shown = len(self.model.rows)
        more = "+" if self.model.canFetchMore() else ""
        picked = f" · {len(ids)} selected" if ids else ""
        self.count_label.setText(f"{shown}{more} follow-ups{picked}")
        self.views.setCurrentWidget(self.table if shown else self.empty)

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.rows[r].id for r in rows if r < len(self.model.rows)]

    def selected(self) -> list[FollowUp]:
        ids = self.selected_ids()
        by_id = {f.id: f for f in FollowUp.select().where(FollowUp.id.in_(ids))}
        return [by_id[i] for i in ids if i in by_id]

    def _push(self, text: str, action: Callable[[FollowUp], object], ids=None) -> None:
        ids = ids or self.selected_ids()
        if not ids:
            return
        label = text if len(ids) == 1 else f"{text} ({len(ids)} follow-ups)"
        self._run(FollowUpCommand(label, ids, action))

    def _run(self, command: "FollowUpCommand | AddFollowUpCommand") -> None:
        self.window_.undo_stack.push(command)
        if command.error is not None:
            self.refresh()
            show_error(self, command.error)

    # operations ---------------------------------------------------------------
    def mark_done(self) -> None:
        self._push("Mark done", lambda f: f.status != "done" and svc.complete_followup(f))

    def snooze(self, days: int) -> None:
        until = local_today() + timedelta(days=days)
        self._push(f"Snooze until {until:%d %b}", lambda f: svc.snooze_followup(f, until))

    def snooze_until(self) -> None:
        if not self.selected_ids():
            return
        dialog = DatePickerDialog(self, "Snooze until", local_today() + timedelta(days=3))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            until = dialog.chosen()
            self._push(f"Snooze until {until:%d %b}", lambda f: svc.snooze_followup(f, until))

    def cancel(self) -> None:
        self._push("Cancel follow-up", svc.cancel_followup)

    def edit_selected(self) -> None:
        items = self.selected()
        if len(items) != 1:
            return
        from netdesk.ui.calendar.followup_dialog import FollowUpDialog

        dialog = FollowUpDialog(self, items[0])
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        values.pop("contact_id")

        def apply(f: FollowUp) -> None:
            changed = {k: v for k, v in values.items() if getattr(f, k) != v}
            if changed.get("due_date") and f.status == "snoozed":
                changed["status"] = "open"
            if changed:
                svc.change_followup(f, **changed)

        self._push("Edit follow-up", apply, [items[0].id])

    def new_followup(self, contact=None) -> None:
        from netdesk.ui.calendar.followup_dialog import FollowUpDialog

        dialog = FollowUpDialog(self, contact=contact)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self._run(AddFollowUpCommand(dialog.values()))

    def run_rules(self) -> None:
        """Apply the rules on a worker (a large contact base takes a while)."""
        from netdesk.ui.common.workers import run_task

        def work(progress):
            progress.step(0, 0, "Planning follow-ups…")
            return svc.run_rules(local_today())

        def done(run: svc.RuleRun) -> None:
            self.refresh()
            self.last_rule_run = run
            self.window_.statusBar().showMessage(
                f"Rules planned {run.total} follow-ups ({run.after_event} after events, "
                f"{run.cadence} stay-in-touch, {run.milestone} congratulations).",
                8000,
            )

        self.rules_button.setEnabled(False)
        task = run_task(self, "Running follow-up rules", work, done)
        task.signals.finished.connect(lambda _: self.rules_button.setEnabled(True))
        task.signals.failed.connect(lambda _: self.rules_button.setEnabled(True))
        task.signals.cancelled.connect(lambda: self.rules_button.setEnabled(True))

    def _open(self, url: str) -> None:
        self.last_url = url  # what was opened, for tests and the status bar
        if not QDesktopServices.openUrl(QUrl(url)):
            self.window_.statusBar().showMessage("No application could open the link.", 8000)

    def compose(self, template_key: str) -> None:
        from netdesk.services.calendar.templates import compose_url, preferred_email

        items = self.selected()
        if len(items) != 1:
            return
        if not preferred_email(items[0].contact_id):
            show_error(self, UserError(f"{items[0].contact.name} has no email address yet."))
            return
        self._open(compose_url(items[0], template_key))

    def add_to_google(self) -> None:
        from netdesk.services.calendar.links import google_calendar_url

        items = self.selected()
        if len(items) == 1:
            self._open(google_calendar_url(items[0]))

    def add_to_outlook(self, office365: bool = False) -> None:
        from netdesk.services.calendar.links import outlook_calendar_url

        items = self.selected()
        if len(items) == 1:
            self._open(outlook_calendar_url(items[0], office365=office365))

    def export_selected(self) -> None:
        from netdesk.ui.calendar.ics_export_dialog import export_followups

        ids = self.selected_ids()
        if ids:
            export_followups(self.window_, ids)
