"""The Contacts page: a searchable, sortable, lazily loaded list beside a contact editor.

Every change goes through the window's undo stack; the list, its sort, column widths
and the selected contact are remembered in QSettings.
"""

import importlib
import importlib.util
from dataclasses import replace

from PySide6.QtCore import QByteArray, QItemSelection, QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.errors import UserError
from netdesk.models import ROLES, Contact
from netdesk.services.contacts.affiliations import organization_choices
from netdesk.services.contacts.editing import (
    contact_names,
    deletion_summary,
    event_choices,
    tag_names,
    validate_form,
)
from netdesk.services.contacts.records import count_contacts
from netdesk.ui.common.fitted_columns import FittedColumns
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.page import QUICK_LOG_SHORTCUT, Page, empty_state
from netdesk.ui.common.privacy_prompt import text_to_save
from netdesk.ui.contacts.editor import ContactEditor, _role_label
from netdesk.ui.contacts.nothing_selected import NothingSelected
from netdesk.ui.contacts.table_model import COLUMNS, ContactTableModel
from netdesk.ui.contacts.undo_commands import (
    ArchiveCommand,
    DeleteContactsCommand,
    SaveContactCommand,
)

SEARCH_DELAY_MS = 150
TIMELINE_MODULE = "netdesk.ui.history.timeline"
# The list's kind filter: (label, ContactFilter.kind).
KIND_CHOICES = (("All kinds", ""), ("People only", "person"), ("Organizations only", "org"))
IMPORT_MODULE = "netdesk.ui.importing.import_dialog"
EMPTY_TEXT = (
    "No contacts yet.\n\nImport vCards from your last conference or a LinkedIn CSV "
    "(File > Import…, Ctrl+I, or drop the files on this window), or add one with Ctrl+N."
)


class ContactTable(QTableView):
    """The list: Enter opens the selected contact in the editor, Del deletes, Ctrl+End
    goes to the last contact; the columns fit the pane."""

    def __init__(self, on_enter, on_delete) -> None:
        super().__init__()
        self._on_enter = on_enter
        self._on_delete = on_delete
        self.columns: FittedColumns | None = None

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt override; called for the viewport)
        super().resizeEvent(event)
        if self.columns is not None:
            self.columns.fit()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._on_enter()
            return
        if event.matches(QKeySequence.StandardKey.Delete):
            self._on_delete()
            return
        if event.matches(QKeySequence.StandardKey.MoveToEndOfDocument):  # Ctrl+End
            last = self.model().jump_to_end()  # the last page, without the rows between
            if last >= 0:
                self.selectRow(last)
                self.scrollTo(self.model().index(last, 0))
            return
        super().keyPressEvent(event)


class ContactsPage(Page):
    key = "contacts"
    title = "Contacts"

    def __init__(self, window) -> None:
        super().__init__(window)
        self.settings = window.settings
        self._restoring = False
        self._filling_filters = False
        self._pending_selection: list[int] = []
        self._reverting = False
        self._saving = False
        self._composing = False  # the editor holds a new contact the user asked for

        self.model = ContactTableModel(self)
        self.table = ContactTable(self.open_in_editor, self.delete_selected)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the list; arrows move in it
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.table.setToolTip(
            "Enter: edit · Del: delete · Ctrl+Shift+A: archive/unarchive · Ctrl+A: select all"
        )
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        for column, width in ((1, 175), (2, 95), (3, 100)):
            self.table.setColumnWidth(column, width)
        # Name stays readable however narrow the pane; Role, then Last contact give way.
        name_width = self.fontMetrics().horizontalAdvance("Priya Natarajan, PharmD") + 16
        self.columns = FittedColumns(self.table, 0, name_width, drop_order=(2, 3, 1))
        self.table.columns = self.columns
        self.table.doubleClicked.connect(lambda _: self.open_in_editor())

        self._build_toolbar()
        self._build_actions()

        self.empty = empty_state(EMPTY_TEXT)
        self.no_match = empty_state("")
        self.list_stack = QStackedWidget()
        for widget in (self.table, self.empty, self.no_match):
            self.list_stack.addWidget(widget)
        self.count_label = QLabel()
        self.count_label.setObjectName("contactCount")
        self.count_label.setStyleSheet("#contactCount { color: palette(mid); }")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.list_stack, 1)
        left_layout.addWidget(self.count_label)

        self.editor = ContactEditor()
        self.editor.on_save = self.save_contact
        scroll = QScrollArea()
        scroll.setWidget(self.editor)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes straight to the first field
        details = QWidget()
        details_layout = QVBoxLayout(details)
        details_layout.setContentsMargins(0, 0, 0, 0)
        details_layout.addWidget(scroll, 1)
        details_layout.addWidget(self.editor.button_bar)
        self.tabs = QTabWidget()
        self.tabs.addTab(details, "&Details")
        self.timeline = None
        if importlib.util.find_spec(TIMELINE_MODULE) is not None:
            self.timeline = importlib.import_module(TIMELINE_MODULE).TimelineWidget(window)
            self.tabs.addTab(self.timeline, "&Timeline")

        import_contacts = None
        if importlib.util.find_spec(IMPORT_MODULE) is not None:

            def import_contacts() -> None:
                window.call_feature(IMPORT_MODULE, "choose_and_import")

        self.nothing_selected = NothingSelected(self.new_contact, import_contacts)
        self.details_stack = QStackedWidget()
        self.details_stack.addWidget(self.nothing_selected)
        self.details_stack.addWidget(self.tabs)

        self.splitter = QSplitter()
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details_stack)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([560, 440])
        self.splitter.splitterMoved.connect(lambda *_: self._save_layout())

        layout = QVBoxLayout(self)
        layout.addLayout(self.toolbar)
        layout.addWidget(self.splitter, 1)

        self.search_timer = QTimer(self)
        self.search_timer.setSingleShot(True)
        self.search_timer.setInterval(SEARCH_DELAY_MS)
        self.search_timer.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _: self.search_timer.start())

        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header.sortIndicatorChanged.connect(self._sort_changed)
        header.sectionResized.connect(lambda *_: self._save_layout())
        self.model.modelReset.connect(self._update_states)
        self.model.rowsInserted.connect(self._update_count)
        self.model.totalChanged.connect(self._update_count)
        QWidget.setTabOrder(self.search, self.tag_filter)
        QWidget.setTabOrder(self.tag_filter, self.role_filter)
        QWidget.setTabOrder(self.role_filter, self.kind_filter)
        QWidget.setTabOrder(self.kind_filter, self.org_filter)
        QWidget.setTabOrder(self.org_filter, self.event_filter)
        QWidget.setTabOrder(self.event_filter, self.archived_toggle)
        QWidget.setTabOrder(self.archived_toggle, self.new_button)
        QWidget.setTabOrder(self.new_button, self.archive_button)
        QWidget.setTabOrder(self.archive_button, self.delete_button)
        QWidget.setTabOrder(self.delete_button, self.table)
        QWidget.setTabOrder(self.table, self.nothing_selected.new_button)
        QWidget.setTabOrder(self.nothing_selected.new_button, self.nothing_selected.import_button)
        QWidget.setTabOrder(self.nothing_selected.import_button, self.tabs)
        self._restore_state()

    # building ---------------------------------------------------------------
    def _build_toolbar(self) -> None:
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search name, email, organization… (Ctrl+F)")
        self.search.setToolTip("Type to search (Ctrl+F); Esc clears")
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.tag_filter = QComboBox()
        self.tag_filter.setToolTip("Only contacts with this tag")
        self.role_filter = QComboBox()
        self.role_filter.setToolTip("Only contacts with this role")
        self.role_filter.addItem("All roles", "")
        for role in ROLES:
            self.role_filter.addItem(_role_label(role), role)
        self.kind_filter = QComboBox()
        self.kind_filter.setToolTip("Only people, or only organizations")
        for label, kind in KIND_CHOICES:
            self.kind_filter.addItem(label, kind)
        self.org_filter = QComboBox()
        self.org_filter.setToolTip(
            "Everyone with a current position at this organization (a second appointment counts)"
        )
        self.org_filter.setMaximumWidth(320)
        self.event_filter = QComboBox()
        self.event_filter.setToolTip("Only contacts met at this event")
        self.event_filter.setMaximumWidth(320)
        self.archived_toggle = QCheckBox("Show arc&hived")
        self.archived_toggle.setToolTip("Include archived contacts in the list")
        for combo in self._combos():
            combo.currentIndexChanged.connect(self._filter_changed)
        self.archived_toggle.toggled.connect(self._filter_changed)
        self.new_button = QPushButton("&New contact")
        self.new_button.setToolTip("Add a contact (Ctrl+N)")
        self.new_button.clicked.connect(self.new_contact)
        self.archive_button = QPushButton("&Archive")
        self.archive_button.setToolTip("Archive or unarchive the selected contacts (Ctrl+Shift+A)")
        self.archive_button.clicked.connect(self.toggle_archived)
        self.delete_button = QPushButton("Delete")
        self.delete_button.setToolTip("Delete the selected contacts (Del); Ctrl+Z brings them back")
        self.delete_button.clicked.connect(self.delete_selected)

        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        for widget in (self.new_button, self.archive_button, self.delete_button):
            top.addWidget(widget)
        filters = QHBoxLayout()
        for widget in self._combos():
            widget.setMinimumWidth(140)
            filters.addWidget(widget, 1)
        filters.addWidget(self.archived_toggle)
        filters.addStretch(1)
        self.toolbar = QVBoxLayout()
        self.toolbar.addLayout(top)
        self.toolbar.addLayout(filters)

    def _build_actions(self) -> None:
        def action(shortcut, slot) -> None:
            act = QAction(self)
            act.setShortcut(QKeySequence(shortcut))
            act.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            act.triggered.connect(slot)
            self.addAction(act)

        action(QKeySequence.StandardKey.New, self.new_contact)
        action(QKeySequence.StandardKey.Find, self.focus_search)
        action("Ctrl+Shift+A", self.toggle_archived)
        action(QUICK_LOG_SHORTCUT, self.quick_log)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt override)
        if watched is self.search and event.type() == event.Type.KeyPress:
            if event.key() == Qt.Key.Key_Escape and self.search.text():
                self.search.clear()
                self.apply_filter()
                return True
            if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.apply_filter()
                self.table.setFocus()
                if not self.selected_ids() and self.model.rowCount():
                    self.table.selectRow(0)
                return True
        return super().eventFilter(watched, event)

    # page API ---------------------------------------------------------------
    def refresh(self) -> None:
        """Reload filters and rows, keeping the selection and the editor if unchanged."""
        self._fill_filters()
        keep = self.selected_ids() or self._editor_ids() or self._pending_selection
        self._pending_selection = []
        self._restoring = True  # a reload is not the user choosing a contact
        try:
            self._reload(keep)
        finally:
            self._restoring = False

    def select_contact(self, contact_id: int) -> None:
        """Show one contact (called by other pages after window.show_page("contacts"))."""
        contact = Contact.get_or_none(Contact.id == contact_id)
        if contact is None or (contact_id != self.editor.contact_id and not self.leave_editor()):
            return
        if contact.archived and not self.archived_toggle.isChecked():
            self.archived_toggle.setChecked(True)
        row = self.model.row_of(contact_id)
        if row < 0 and (self.search.text() or self._has_filters()):
            self.clear_filters()
            row = self.model.row_of(contact_id)
        if row < 0:  # far down a long list: narrow the list to this person
            self.search.setText(contact.name)
            self.apply_filter()
            row = self.model.row_of(contact_id)
        self._select_rows([row] if row >= 0 else [])
        self.editor.load_contact(contact_id)
        self._show_timeline(contact_id)
        self._update_details()

    def selected_ids(self) -> list[int]:
        rows = sorted(i.row() for i in self.table.selectionModel().selectedRows())
        return [cid for r in rows if (cid := self.model.contact_id(r)) is not None]

    # filtering --------------------------------------------------------------
    def current_filter(self):
        return replace(
            self.model.filter,
            search=self.search.text(),
            tag=self.tag_filter.currentData() or "",
            role=self.role_filter.currentData() or "",
            kind=self.kind_filter.currentData() or "",
            organization=self.org_filter.currentData() or "",
            event_id=self.event_filter.currentData(),
            include_archived=self.archived_toggle.isChecked(),
        )

    def apply_filter(self) -> None:
        self.search_timer.stop()
        wanted = self.current_filter()
        if wanted != self.model.filter:
            keep = self.selected_ids() or self._editor_ids()
            self.model.set_filter(wanted)
            self._reselect(keep)

    def _filter_changed(self, *_args) -> None:
        if not self._filling_filters:
            self.apply_filter()

    def _has_filters(self) -> bool:
        return any(c.currentIndex() > 0 for c in self._combos())

    def _combos(self) -> tuple[QComboBox, ...]:
        return (
            self.tag_filter,
            self.role_filter,
            self.kind_filter,
            self.org_filter,
            self.event_filter,
        )

    def clear_filters(self) -> None:
        self._filling_filters = True
        try:
            self.search.clear()
            for combo in self._combos():
                combo.setCurrentIndex(0)
        finally:
            self._filling_filters = False
        self.apply_filter()

    def _fill_filters(self) -> None:
        """Refill the tag and event choices from the database, keeping the current ones."""
        self._filling_filters = True
        try:
            for combo, everything, choices in (
                (self.tag_filter, "All tags", [(t, t) for t in tag_names()]),
                (self.org_filter, "All organizations", [(o, o) for o in organization_choices()]),
                (self.event_filter, "All events", [(i, label) for i, label in event_choices()]),
            ):
                current = combo.currentData()
                combo.clear()
                combo.addItem(everything, None)
                for data, label in choices:
                    combo.addItem(label, data)
                combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        finally:
            self._filling_filters = False

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # list state -------------------------------------------------------------
    def _reload(self, keep_ids: list[int]) -> None:
        wanted = self.current_filter()
        if wanted != self.model.filter:
            self.model.set_filter(wanted)
        else:
            self.model.reload()
        self._reselect(keep_ids)

    def _reselect(self, ids: list[int]) -> None:
        rows = [r for cid in ids if (r := self.model.row_of(cid)) >= 0]
        self._select_rows(rows)
        editing = self.editor.contact_id
        if (
            not rows
            and editing is not None
            and not self.editor.is_dirty()
            and Contact.get_or_none(Contact.id == editing) is None
        ):
            self.editor.clear()
            self._show_timeline(None)
            self._composing = False
        self._update_details()

    def _select_rows(self, rows: list[int]) -> None:
        """Select ``rows`` in one step (one selectionChanged, however many rows)."""
        selection = self.table.selectionModel()
        wanted = QItemSelection()
        last = self.model.columnCount() - 1
        for first, end in _runs(sorted(rows)):
            wanted.select(self.model.index(first, 0), self.model.index(end, last))
        selection.select(wanted, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if rows:
            selection.setCurrentIndex(
                self.model.index(rows[0], 0), QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(self.model.index(rows[0], 0))

    def _selection_changed(self, *_args) -> None:
        ids = self.selected_ids()
        if len(ids) == 1 and not self._reverting:
            target = ids[0]
            switching = target != self.editor.contact_id
            if switching and not self._restoring:
                if not self.leave_editor():
                    self._revert_selection()
                    return
                if self.selected_ids() != [target]:  # saving reloaded the list
                    self._select_rows([r for r in [self.model.row_of(target)] if r >= 0])
                    return
            if not self._restoring:
                self.settings.setValue("contacts/selected", target)
            if switching or not self.editor.is_dirty():
                self.editor.load_contact(target)
                self._show_timeline(target)
        self._update_buttons()
        self._update_details()

    def _revert_selection(self) -> None:
        """Back to the contact whose unsaved edits the user chose to keep."""
        self._reverting = True
        try:
            row = self.model.row_of(self.editor.contact_id) if self.editor.contact_id else -1
            self._select_rows([row] if row >= 0 else [])
        finally:
            self._reverting = False

    def leave_editor(self) -> bool:
        """Before the editor shows someone else: save or discard unsaved edits, or stay."""
        if not self.editor.is_dirty():
            return True
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Unsaved changes",
            f"Save your changes to {self.editor.heading.text()}?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            self,
        )
        save = None
        if self.editor.save_button.isEnabled():
            save = box.addButton(QMessageBox.StandardButton.Save)
            box.setDefaultButton(save)
        else:
            box.setInformativeText("They cannot be saved until the fields marked in red are fixed.")
            box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.standardButton(box.clickedButton()) if box.clickedButton() else None
        if clicked == QMessageBox.StandardButton.Save:
            return self.save_contact(self.editor.contact_id, self.editor.values())
        if clicked == QMessageBox.StandardButton.Discard:
            self.editor.revert()
            return True
        return False

    def _editor_ids(self) -> list[int]:
        return [self.editor.contact_id] if self.editor.contact_id is not None else []

    def _show_timeline(self, contact_id: int | None) -> None:
        if self.timeline is not None:
            self.timeline.set_contact(contact_id)

    def _update_details(self) -> None:
        """The form while someone (or a new contact) is being shown, else what to do next."""
        if self.editor.contact_id is not None:
            self._composing = False
        showing = self._composing or self.editor.contact_id is not None or self.editor.is_dirty()
        self.details_stack.setCurrentWidget(self.tabs if showing else self.nothing_selected)

    def _update_buttons(self) -> None:
        ids = self.selected_ids()
        self.archive_button.setEnabled(bool(ids))
        self.delete_button.setEnabled(bool(ids))
        self.archive_button.setText("Un&archive" if self._all_archived() else "&Archive")

    def _all_archived(self) -> bool:
        rows = self.table.selectionModel().selectedRows()
        return bool(rows) and all(self.model.row_at(i.row()).archived for i in rows)

    def _update_states(self) -> None:
        if self.model.total:
            self.list_stack.setCurrentWidget(self.table)
        elif count_contacts(include_archived=True) == 0:
            self.list_stack.setCurrentWidget(self.empty)
        else:
            what = f"“{self.search.text().strip()}”" if self.search.text().strip() else "them"
            hints = ["Esc clears the search"] if self.search.text().strip() else []
            if self._has_filters():
                hints.append("set the filters back to “All”")
            if not self.archived_toggle.isChecked():
                hints.append("tick “Show archived” to look among archived contacts")
            self.no_match.setText(
                f"No contacts match {what}.\n\n" + "; ".join(hints).capitalize() + "."
            )
            self.list_stack.setCurrentWidget(self.no_match)
        self.nothing_selected.set_has_contacts(self.list_stack.currentWidget() is not self.empty)
        self._update_count()
        self._update_buttons()

    def _update_count(self, *_args) -> None:
        total = self.model.total
        if self.model.total_is_exact:
            self.count_label.setText(f"{total:,} contact{'s' if total != 1 else ''}")
        elif not self.model.counted:  # for the moment until the count arrives
            self.count_label.setText(f"{total:,}+ contacts")
        else:
            self.count_label.setText(f"{total:,}+ contacts match; keep typing to narrow")

    # actions ----------------------------------------------------------------
    def new_contact(self) -> None:
        if not self.leave_editor():
            return
        self._restoring = True  # clearing the list's selection is not switching contacts
        try:
            self.table.clearSelection()
        finally:
            self._restoring = False
        self.editor.clear()
        self._show_timeline(None)
        self._composing = True
        self._update_details()
        self.tabs.setCurrentIndex(0)
        self.editor.focus_first_field()

    def open_in_editor(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.editor.load_contact(ids[0])
            self._update_details()
            self.tabs.setCurrentIndex(0)
            self.editor.focus_first_field()

    def quick_log(self) -> None:
        """Ctrl+L anywhere on the page: the shown contact's timeline, cursor in the quick log."""
        contact_id = self.editor.contact_id
        if contact_id is None and len(self.selected_ids()) == 1:
            contact_id = self.selected_ids()[0]
        if self.timeline is None or contact_id is None:
            self.window_.statusBar().showMessage(
                "Select a contact first: Ctrl+L logs an interaction with them.", 5000
            )
            return
        self.log_for(contact_id)

    def log_for(self, contact_id: int) -> None:
        """Open ``contact_id``'s timeline with the cursor in the quick log (Today's Ctrl+L)."""
        if contact_id != self.editor.contact_id:
            self.select_contact(contact_id)
            if self.editor.contact_id != contact_id:  # the user chose to stay with unsaved edits
                return
        if self.timeline is None:
            return
        if self.timeline.contact_id != contact_id:
            self._show_timeline(contact_id)
        self.tabs.setCurrentWidget(self.timeline)
        self.timeline.focus_quick_log()

    def save_contact(self, contact_id: int | None, values: dict) -> bool:
        """Save through the undo stack; False when not saved (invalid, or back to editing)."""
        problems = validate_form(values)
        if problems:
            show_error(self, UserError(" ".join(problems)), "Contact not saved")
            return False
        notes = values.get("notes") or ""
        if self.editor.notes_changed(notes):  # stored notes were already answered for
            notes = text_to_save(self, notes, "note")
        if notes is None:  # the user goes back to edit a note that looks like patient data
            self.editor.notes.setFocus(Qt.FocusReason.OtherFocusReason)
            return False
        values = {**values, "notes": notes}
        self._saving = True  # the editor then shows the saved contact
        try:
            self.window_.undo_stack.push(SaveContactCommand(contact_id, values, self._after_change))
        finally:
            self._saving = False
        return True

    def toggle_archived(self) -> None:
        ids = self.selected_ids()
        if not ids:
            return
        archive = not self._all_archived()
        self.window_.undo_stack.push(ArchiveCommand(ids, archive, self._after_change))
        verb = "Archived" if archive else "Unarchived"
        self.window_.statusBar().showMessage(f"{verb} {len(ids)} contact(s). Ctrl+Z undoes.", 5000)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if not ids or not self.confirm_delete(ids):
            return
        self.window_.undo_stack.push(DeleteContactsCommand(ids, self._after_change))
        self.window_.statusBar().showMessage(
            f"Deleted {len(ids)} contact(s). Ctrl+Z brings them back.", 5000
        )

    def confirm_delete(self, ids: list[int]) -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Delete contacts",
            delete_question(ids),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        clicked = box.clickedButton()
        return clicked is not None and (
            box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole
        )

    def _after_change(self, ids: list[int]) -> None:
        """Called by the undo commands: show the contacts that changed."""
        self._fill_filters()
        self._restoring = True  # the editor is about to show what was just saved
        try:
            self._reload(ids)
        finally:
            self._restoring = False
        busy = self.editor.is_dirty() and self.editor.contact_id not in ids and not self._saving
        if len(ids) == 1 and not busy and Contact.get_or_none(Contact.id == ids[0]) is not None:
            self.editor.load_contact(ids[0])
            self._show_timeline(ids[0])
        self._update_details()

    # remembered state -------------------------------------------------------
    def _sort_changed(self, column: int, order) -> None:
        if self._restoring:
            return
        self.settings.setValue("contacts/sort", COLUMNS[column][1])
        self.settings.setValue("contacts/descending", order == Qt.SortOrder.DescendingOrder)
        self._save_layout()

    def _save_layout(self) -> None:
        if not self._restoring:
            self.settings.setValue("contacts/header", self.table.horizontalHeader().saveState())
            self.settings.setValue("contacts/splitter", self.splitter.saveState())

    def _restore_state(self) -> None:
        self._restoring = True
        try:
            for key, target in (
                ("contacts/header", self.table.horizontalHeader()),
                ("contacts/splitter", self.splitter),
            ):
                state = self.settings.value(key)
                if isinstance(state, QByteArray) and not state.isEmpty():
                    target.restoreState(state)
            self.columns.adopt_header()
            sort = self.settings.value("contacts/sort", "name")
            descending = self.settings.value("contacts/descending", False, type=bool)
            keys = [k for _, k in COLUMNS]
            column = keys.index(sort) if sort in keys else 0
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            self.model._filter = replace(
                self.model.filter, sort=keys[column], descending=descending
            )
            self.table.horizontalHeader().setSortIndicator(column, order)
            self.table.setSortingEnabled(True)
        finally:
            self._restoring = False
        selected = self.settings.value("contacts/selected", None)
        if selected is not None and str(selected).isdigit():
            self._pending_selection = [int(selected)]
        self._update_buttons()


def _runs(rows: list[int]) -> list[tuple[int, int]]:
    """Sorted rows -> (first, last) of each run of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and row == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def delete_question(ids: list[int]) -> str:
    """The confirmation text: who is deleted and what goes with them."""
    names = contact_names(ids)
    who = ", ".join(names) + (f" and {len(ids) - len(names)} more" if len(ids) > len(names) else "")
    summary = deletion_summary(ids)
    extras = [
        f"{summary[key]} {word}{'s' if summary[key] != 1 else ''}"
        for key, word in (
            ("interactions", "timeline entry"),
            ("followups", "follow-up"),
            ("attendances", "event attendance"),
        )
        if summary[key]
    ]
    extras = [e.replace("entrys", "entries") for e in extras]
    text = f"Delete {len(ids)} contact{'s' if len(ids) != 1 else ''}: {who}?"
    if extras:
        text += f"\n\nThis also deletes their {', '.join(extras)}."
    return text + "\n\nYou can undo this with Ctrl+Z."
