"""A contact's timeline: what happened, filters, a one-line quick log, undoable edits.

The Contacts page embeds it as the "Timeline" tab of the detail pane and calls
:meth:`TimelineWidget.set_contact`. Every change goes through the window's undo
stack; the widget reloads itself whenever that stack moves.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QStackedLayout,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from netdesk.errors import InputError
from netdesk.models import CHANNELS, Contact
from netdesk.services.calendar.followups import add_milestone
from netdesk.services.clock import local_today, user_clock
from netdesk.services.history.interactions import (
    TIMELINE_KINDS,
    TimelineEntry,
    add_relationship,
    add_resource,
    delete_interaction,
    delete_relationship,
    edit_interaction,
    get_interaction,
    log_interaction,
    relationships_for,
    restore_interaction,
    restore_relationship,
    timeline,
)
from netdesk.ui.common.flow_layout import FlowLayout
from netdesk.ui.common.page import QUICK_LOG_SHORTCUT, empty_state
from netdesk.ui.common.privacy_prompt import text_to_save
from netdesk.ui.common.undo import run_undoable
from netdesk.ui.history.dialogs import EntryDialog, RelationshipDialog, to_qdate, when_from_date

KIND_LABELS = {
    "interaction": "Interactions",
    "milestone": "Milestones",
    "resource": "Resources",
    "event": "Events",
    "followup": "Follow-ups",
    "import": "Imports",
}
ROW_KIND = {
    "interaction": "Interaction",
    "milestone": "Milestone",
    "resource": "Resource",
    "event": "Event",
    "followup": "Follow-up",
    "import": "Import",
}
EDITABLE = ("interaction", "milestone", "resource")


class TimelineWidget(QWidget):
    def __init__(self, window) -> None:
        super().__init__()
        self.window_ = window
        self.contact_id: int | None = None
        self.entries: list[TimelineEntry] = []

        self.header = QLabel()
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)

        self.quick_summary = QLineEdit()
        self.quick_summary.setObjectName("quickLog")
        self.quick_summary.setPlaceholderText(
            f"Quick log ({QUICK_LOG_SHORTCUT}): what did you talk about? Enter to save"
        )
        self.quick_channel = QComboBox()
        self.quick_channel.addItems(CHANNELS)
        self.quick_date = QDateEdit(calendarPopup=True)
        self.quick_date.setDisplayFormat("yyyy-MM-dd")
        self.quick_button = QPushButton("&Log")
        # The line to type in gets the whole width; what, when and Log go under it.
        self.quick_channel.setToolTip("How you were in touch")
        self.quick_date.setToolTip("When (today unless you change it)")
        quick_options = QHBoxLayout()
        quick_options.addWidget(self.quick_channel)
        quick_options.addWidget(self.quick_date)
        quick_options.addStretch(1)
        quick_options.addWidget(self.quick_button)
        quick = QVBoxLayout()
        quick.addWidget(self.quick_summary)
        quick.addLayout(quick_options)
        self._reset_quick_log()
        self.quick_summary.returnPressed.connect(self.quick_log)
        self.quick_button.clicked.connect(self.quick_log)

        # Flow layouts wrap when the pane is narrow, so the contact list beside it keeps room.
        kinds = FlowLayout()
        self.filters: dict[str, QToolButton] = {}
        for kind in TIMELINE_KINDS:
            button = QToolButton(text=KIND_LABELS[kind], checkable=True, checked=True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.toggled.connect(lambda _: self.reload())
            self.filters[kind] = button
            kinds.addWidget(button)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show:"), 0, Qt.AlignmentFlag.AlignTop)
        filters.addLayout(kinds, 1)

        self.tree = QTreeWidget(self)  # parented: the stacked layout must not show it as a window
        self.tree.setHeaderLabels(["When", "Kind", "What", "Details"])
        self.tree.setRootIsDecorated(False)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        header = self.tree.header()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.tree.itemActivated.connect(lambda *_: self.edit_selected())
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        delete = QShortcut(QKeySequence.StandardKey.Delete, self.tree, self.delete_selected)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.empty = empty_state("Nothing here yet. Log a conversation with the quick log above.")
        self.list_stack = QStackedLayout()
        self.list_stack.addWidget(self.tree)
        self.list_stack.addWidget(self.empty)

        self.relations_label = QLabel("<b>Relationships</b>")
        self.relations = QListWidget()
        self.relations.setMaximumHeight(72)
        self.relations.setToolTip("Relationships with other contacts (Delete removes one)")
        remove = QShortcut(QKeySequence.StandardKey.Delete, self.relations, self.remove_relation)
        remove.setContext(Qt.ShortcutContext.WidgetShortcut)

        buttons = FlowLayout()
        self.milestone_button = QPushButton("Add &milestone…")
        self.resource_button = QPushButton("Add &resource…")
        self.relation_button = QPushButton("Add relations&hip…")
        self.edit_button = QPushButton("&Edit…")
        self.delete_button = QPushButton("&Delete")
        for button, slot in (
            (self.milestone_button, lambda: self.add_entry("milestone")),
            (self.resource_button, lambda: self.add_entry("resource")),
            (self.relation_button, self.add_relation),
            (self.edit_button, self.edit_selected),
            (self.delete_button, self.delete_selected),
        ):
            button.clicked.connect(slot)
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.header)
        layout.addLayout(quick)
        layout.addLayout(filters)
        layout.addLayout(self.list_stack, 1)
        layout.addWidget(self.relations_label)
        layout.addWidget(self.relations)
        layout.addLayout(buttons)
        self.setTabOrder(self.quick_summary, self.quick_channel)
        window.undo_stack.indexChanged.connect(self._stack_moved)
        self.set_contact(None)

    # loading ----------------------------------------------------------------
    def _stack_moved(self, _index: int) -> None:
        """A bound method, so Qt drops the connection when this widget goes away."""
        self.reload()

    def set_contact(self, contact_id: int | None) -> None:
        """Show ``contact_id``'s timeline (None: nothing selected)."""
        self.contact_id = contact_id
        self._reset_quick_log()
        self.reload()

    def selected_kinds(self) -> list[str]:
        return [kind for kind, button in self.filters.items() if button.isChecked()]

    def reload(self) -> None:
        contact = Contact.get_or_none(Contact.id == self.contact_id) if self.contact_id else None
        enabled = contact is not None
        for widget in (
            self.quick_summary,
            self.quick_channel,
            self.quick_date,
            self.quick_button,
            self.milestone_button,
            self.resource_button,
            self.relation_button,
        ):
            widget.setEnabled(enabled)
        self.tree.clear()
        self.relations.clear()
        self.relations.hide()
        self.relations_label.hide()
        if contact is None:
            self.contact_id = None
            self.entries = []
            self.header.setText("<i>Select a contact to see the timeline.</i>")
            self.list_stack.setCurrentWidget(self.empty)
            self._update_buttons()
            return
        self._show_header(contact)
        kinds = self.selected_kinds()
        self.entries = timeline(contact.id, kinds) if kinds else []
        clock = user_clock()
        for entry in self.entries:
            when = clock.date_of(entry.when).isoformat()
            status = f" ({entry.status})" if entry.kind == "followup" else ""
            item = QTreeWidgetItem([when, ROW_KIND[entry.kind] + status, entry.title, entry.detail])
            item.setData(0, Qt.ItemDataRole.UserRole, (entry.kind, entry.ref))
            item.setToolTip(2, entry.title)
            item.setToolTip(3, entry.detail)
            self.tree.addTopLevelItem(item)
        self.list_stack.setCurrentWidget(self.tree if self.entries else self.empty)
        for view in relationships_for(contact.id):
            project = f" — {view.project}" if view.project else ""
            rel = QListWidgetItem(f"{view.label.capitalize()} {view.other_name}{project}")
            rel.setData(Qt.ItemDataRole.UserRole, view.id)
            self.relations.addItem(rel)
        self.relations.setVisible(self.relations.count() > 0)
        self.relations_label.setVisible(self.relations.count() > 0)
        self._update_buttons()

    def _show_header(self, contact: Contact) -> None:
        last = contact.last_interaction_at
        if last:
            clock = user_clock()
            days = (clock.today() - clock.date_of(last)).days
            when = "today" if days <= 0 else f"{days} day{'s' if days != 1 else ''} ago"
            seen = f"last in touch {when}"
        else:
            seen = "no interaction logged yet"
        self.header.setText(f"<b>{contact.name}</b> · {seen}")

    def _update_buttons(self) -> None:
        selected = self.selected_ref()
        editable = selected is not None and selected[0] in EDITABLE
        self.edit_button.setEnabled(editable)
        self.delete_button.setEnabled(editable)

    def selected_ref(self) -> tuple[str, int] | None:
        item = self.tree.currentItem()
        return item.data(0, Qt.ItemDataRole.UserRole) if item else None

    # quick log --------------------------------------------------------------
    def _reset_quick_log(self) -> None:
        self.quick_summary.clear()
        self.quick_channel.setCurrentText("email")
        self.quick_date.setDate(to_qdate(local_today()))

    def focus_quick_log(self) -> None:
        if self.quick_summary.isEnabled():
            self.quick_summary.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.quick_summary.selectAll()

    def quick_log(self) -> None:
        if self.contact_id is None:
            return
        contact_id, channel = self.contact_id, self.quick_channel.currentText()
        summary = text_to_save(self, self.quick_summary.text().strip(), "summary")
        if summary is None:  # back to editing what looks like patient data
            self.focus_quick_log()
            return
        summary = summary or channel.capitalize()
        when = when_from_date(self.quick_date.date().toPython())

        def do() -> int:
            return log_interaction(
                contact_id, channel=channel, summary=summary, occurred_at=when
            ).id

        if run_undoable(
            self.window_,
            self,
            f"Log {channel}",
            do,
            delete_interaction,
            lambda snap: restore_interaction(snap).id,
        ):
            self._reset_quick_log()

    # adding, editing, deleting ---------------------------------------------
    def add_entry(self, kind: str) -> None:
        if self.contact_id is None:
            return
        dialog = EntryDialog(self, kind)
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        fields, contact_id = dialog.values(), self.contact_id
        if kind == "milestone":
            congratulate = dialog.congratulate.isChecked()

            def do() -> int:
                return add_milestone(
                    contact_id,
                    fields["milestone_kind"],
                    fields["summary"],
                    on=fields["occurred_at"],
                    note=fields["note"],
                    congratulate=congratulate,
                )[0].id
        else:

            def do() -> int:
                return add_resource(
                    contact_id,
                    fields["resource"],
                    direction=fields["direction"],
                    summary=fields["summary"],
                    on=fields["occurred_at"],
                    note=fields["note"],
                ).id

        run_undoable(
            self.window_,
            self,
            f"Add {kind}",
            do,
            delete_interaction,
            lambda snap: restore_interaction(snap).id,
        )

    def edit_selected(self) -> None:
        selected = self.selected_ref()
        if selected is None or selected[0] not in EDITABLE:
            return
        row = get_interaction(selected[1])
        values = {
            "occurred_at": row.occurred_at,
            "channel": row.channel,
            "milestone_kind": row.milestone_kind,
            "summary": row.summary,
            "note": row.note,
            "resource": row.resource,
            "event": row.event_id,
            "direction": row.direction,
        }
        dialog = EntryDialog(self, row.kind, values)
        if dialog.exec() != EntryDialog.DialogCode.Accepted:
            return
        changed = {k: v for k, v in dialog.values().items() if values.get(k) != v}
        if changed:
            self.apply_edit(row.id, changed)

    def apply_edit(self, interaction_id: int, fields: dict) -> None:
        run_undoable(
            self.window_,
            self,
            "Edit timeline entry",
            lambda: edit_interaction(interaction_id, **fields),
            lambda before: edit_interaction(interaction_id, **before),
        )

    def delete_selected(self) -> None:
        selected = self.selected_ref()
        if selected is None or selected[0] not in EDITABLE:
            return
        interaction_id = selected[1]
        run_undoable(
            self.window_,
            self,
            "Delete timeline entry",
            lambda: delete_interaction(interaction_id),
            restore_interaction,
        )

    # relationships ----------------------------------------------------------
    def add_relation(self) -> None:
        if self.contact_id is None:
            return
        contact = Contact.get_by_id(self.contact_id)
        dialog = RelationshipDialog(self, contact.id, contact.name)
        if dialog.exec() != RelationshipDialog.DialogCode.Accepted or dialog.other_id() is None:
            return
        self.relate(dialog.other_id(), dialog.kind.currentText(), dialog.project.text())

    def relate(self, other_id: int, kind: str, project: str = "") -> None:
        contact_id = self.contact_id
        known = {view.id for view in relationships_for(contact_id)}

        def do() -> int:
            rel = add_relationship(contact_id, other_id, kind, project=project)
            if rel.id in known:
                raise InputError("That relationship is already recorded.")
            return rel.id

        run_undoable(
            self.window_,
            self,
            f"Add relationship ({kind})",
            do,
            delete_relationship,
            lambda snap: restore_relationship(snap) or snap["id"],
        )

    def remove_relation(self) -> None:
        item = self.relations.currentItem()
        if item is None:
            return
        rel_id = item.data(Qt.ItemDataRole.UserRole)
        run_undoable(
            self.window_,
            self,
            "Remove relationship",
            lambda: delete_relationship(rel_id),
            restore_relationship,
        )
