"""Importing .vcf / .csv files: choose, map unknown CSV columns, review, commit.

Reading and matching run on a worker (cancel = nothing read, nothing written); the
review dialog shows what will happen before anything is written; the commit runs
on a worker too, in one transaction, so Cancel there also writes nothing.
"""

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from netdesk.errors import UserError
from netdesk.models import EVENT_KINDS
from netdesk.models.contact import ORG_MARKER
from netdesk.services.importing.csv_import import (
    TARGETS,
    read_layout,
    remember_mapping,
    sample_rows,
)
from netdesk.services.importing.importer import ImportPlan, PlanEntry, commit_plan, plan_import
from netdesk.ui.common.buttons import ok_cancel_buttons
from netdesk.ui.common.messages import show_error
from netdesk.ui.common.workers import run_task

FILE_FILTER = (
    "Contacts (*.vcf *.vcard *.csv *.png *.jpg *.jpeg *.heic *.heif *.webp);;"
    "vCard (*.vcf *.vcard);;CSV (*.csv);;"
    "Badge or business-card pictures (*.png *.jpg *.jpeg *.heic *.heif *.webp *.gif *.bmp *.tif *.tiff);;"
    "All files (*)"
)
FIELD_NAMES = {
    "display_name": "Display name",
    "given_name": "First name",
    "family_name": "Last name",
    "additional_names": "Middle name",
    "prefix": "Prefix",
    "suffix": "Suffix",
    "role": "Role",
    "specialty": "Specialty",
    "title": "Title",
    "organization": "Organization",
    "department": "Department",
    "npi": "NPI",
    "photo_url": "Photo URL",
    "birthday": "Birthday",
    "anniversary": "Anniversary",
    "uid": "UID",
    "photo": "Photo",
    "kind": "Kind (person / org)",
}


def choose_and_import(window) -> None:
    """File > Import…: pick files, then the same flow as dropping them on the window."""
    paths, _ = QFileDialog.getOpenFileNames(window, "Import contacts", "", FILE_FILTER)
    if paths:
        import_files(window, paths)


def import_files(window, paths: Sequence[str | Path]) -> None:
    """Read, plan (worker), review, commit (worker), refresh the window."""
    paths = [Path(p) for p in paths]
    mappings: dict[str, dict[str, str]] = {}
    for path in paths:
        if path.suffix.lower() != ".csv":
            continue
        try:
            layout = read_layout(path)
        except UserError as exc:
            show_error(window, exc, "Import")
            return
        if layout.needs_review():
            dialog = ColumnMappingDialog(window, layout)
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            mappings[str(path)] = dialog.mapping()
            remember_mapping(layout.headers, mappings[str(path)])

    def show_plan(plan: ImportPlan) -> None:
        dialog = ImportReviewDialog(window, plan)
        window._import_dialog = dialog  # tests and the window can reach the open review
        dialog.open()

    def read(progress):
        return plan_import(paths, progress, mappings=mappings)

    window._import_task = run_task(
        window,
        "Reading contacts…",
        read,
        show_plan,
        lambda exc: show_error(window, exc, "Import"),
        lambda: window.statusBar().showMessage("Import cancelled; nothing was written.", 5000),
    )


def _item(text: object, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem("" if text is None else str(text))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tip:
        item.setToolTip(tip)
    return item


def make_table(headers: Sequence[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(list(headers))
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setStretchLastSection(True)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    return table


def fill_table(table: QTableWidget, rows: list[list[object]]) -> None:
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.setItem(r, c, _item(value))
    table.resizeColumnsToContents()
    for c in range(table.columnCount() - 1):
        table.setColumnWidth(c, min(table.columnWidth(c), 260))


def _first(entry: PlanEntry, kind: str) -> str:
    return next((m.value for m in entry.draft.methods if m.kind == kind), "")


def _counted(items: list[str]) -> str:
    """ "2: Ana Silva, Ben Okafor" — the count stays readable when the names are cut off."""
    return f"{len(items):,}: {', '.join(items)}" if items else "none"


def _shown(value: object) -> str:
    if value in (None, "", b""):
        return "(empty)"
    if isinstance(value, bytes):
        return f"photo, {len(value) // 1024 or 1} KB"
    if isinstance(value, date):
        return f"--{value:%m-%d}" if value.year == 1604 else value.isoformat()
    return str(value)


class ImportReviewDialog(QDialog):
    """What the import will do, with the event it came from; nothing is written yet."""

    def __init__(self, window, plan: ImportPlan) -> None:
        super().__init__(window)
        self.window_ = window
        self.plan = plan
        self.batch = None
        self.setWindowTitle("Review import")
        self.resize(980, 640)
        names = ", ".join(Path(f).name for f in plan.files)

        self.event_name = QLineEdit()
        self.event_name.setPlaceholderText("e.g. AHA Scientific Sessions 2026 (optional)")
        self.event_kind = QComboBox()
        self.event_kind.addItems(EVENT_KINDS)
        self.event_date = QDateEdit()
        self.event_date.setCalendarPopup(True)
        self.event_date.setDisplayFormat("yyyy-MM-dd")
        self.event_date.setMinimumDate(QDate(1999, 12, 31))
        self.event_date.setSpecialValueText("(no date)")
        self.event_date.setDate(self.event_date.minimumDate())
        self.tag = QLineEdit()
        self.tag.setPlaceholderText("optional tag for every imported contact")
        form = QFormLayout()
        form.addRow("&Met at (event):", self.event_name)
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.event_kind)
        kind_row.addWidget(QLabel("&Date:"))
        kind_row.itemAt(1).widget().setBuddy(self.event_date)
        kind_row.addWidget(self.event_date)
        kind_row.addStretch(1)
        form.addRow("Event &kind:", kind_row)
        form.labelForField(kind_row).setBuddy(self.event_kind)
        form.addRow("&Tag:", self.tag)

        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        # Only when some notes look like patient data; None otherwise.
        self.privacy_note: QLabel | None = None
        self.redact_notes: QCheckBox | None = None
        if plan.privacy_warnings:
            self.privacy_note, self.redact_notes = self._privacy_widgets()

        self.tabs = QTabWidget()
        self.new_table = make_table(["Name", "Organization", "Title", "Email", "Phone", "Card"])
        self.dup_table = make_table(["Card", "Name", "Organization", "Why", "Action"])
        self.same_table = make_table(["Name", "Organization", "Email", "Why"])
        self.problem_table = make_table(["File", "Card", "Line", "Reason"])
        self.compare = make_table(["Field", "In netdesk", "On the card", "Use the card's value"])
        self.original = QPlainTextEdit()
        self.original.setReadOnly(True)
        self.original.setPlaceholderText("Select a problem to see the card's original text.")
        self._build_tabs()

        buttons = QDialogButtonBox()
        self.import_button = buttons.addButton("&Import", QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.import_button.setDefault(True)
        self.import_button.setEnabled(bool(plan.entries))
        buttons.accepted.connect(self.commit)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        heading = QLabel(f"<b>{len(plan.entries):,} contact(s) read from {names}</b>")
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(heading)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        if self.redact_notes is not None:
            layout.addWidget(self.privacy_note)
            layout.addWidget(self.redact_notes)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.commit)
        self.update_summary()
        self.event_name.setFocus()

    # ---- building the tabs
    def _build_tabs(self) -> None:
        plan = self.plan
        new = plan.with_status("new")
        self._fill_new()
        self.duplicates = plan.with_status("duplicate") + plan.with_status("possible")
        self.duplicates.sort(key=lambda e: (e.draft.file, e.draft.card))
        fill_table(
            self.dup_table,
            [
                [e.draft.card, e.draft.label(), e.draft.organization, e.reason, ""]
                for e in self.duplicates
            ],
        )
        for row, entry in enumerate(self.duplicates):
            action = QComboBox()
            action.addItem("Merge into existing", "merge")
            action.addItem("Create new contact", "new")
            action.setCurrentIndex(0 if entry.action == "merge" else 1)
            action.currentIndexChanged.connect(
                lambda _i, e=entry, box=action: self._set_action(e, box.currentData())
            )
            self.dup_table.setCellWidget(row, 4, action)
        self.dup_table.setColumnWidth(4, 190)
        same = plan.with_status("identical")
        fill_table(
            self.same_table,
            [[e.draft.label(), e.draft.organization, _first(e, "email"), e.reason] for e in same],
        )
        self.problems = plan.all_problems()
        fill_table(
            self.problem_table,
            [[Path(p.file).name, p.card, p.line, p.message] for p in self.problems],
        )

        dup_page = QSplitter(Qt.Orientation.Vertical)
        dup_page.addWidget(self.dup_table)
        compare_box = QWidget()
        compare_layout = QVBoxLayout(compare_box)
        compare_layout.setContentsMargins(0, 0, 0, 0)
        self.compare_title = QLabel("Select a duplicate to compare it field by field.")
        compare_layout.addWidget(self.compare_title)
        compare_layout.addWidget(self.compare)
        dup_page.addWidget(compare_box)
        self.dup_table.itemSelectionChanged.connect(self._show_compare)

        problem_page = QSplitter(Qt.Orientation.Vertical)
        problem_page.addWidget(self.problem_table)
        problem_page.addWidget(self.original)
        self.problem_table.itemSelectionChanged.connect(self._show_original)

        self.tabs.addTab(
            self._or_empty(self.new_table, new, "No new contacts."), f"&New ({len(new):,})"
        )
        self.tabs.addTab(
            self._or_empty(dup_page, self.duplicates, "No duplicates found."),
            f"&Duplicates ({len(self.duplicates):,})",
        )
        self.tabs.addTab(
            self._or_empty(self.same_table, same, "Nothing identical."),
            f"Identical, &skipped ({len(same):,})",
        )
        self.tabs.addTab(
            self._or_empty(problem_page, self.problems, "No problems."),
            f"&Problems ({len(self.problems):,})",
        )
        if plan.groups:
            self.group_table = make_table(
                ["File", "Card", "Group (becomes a tag)", "Members in the file", "Not in the file"]
            )
            fill_table(
                self.group_table,
                [
                    [
                        Path(g.group.file).name,
                        g.group.card,
                        g.group.name,
                        _counted([plan.entries[n].draft.label() for n in g.members]),
                        _counted(g.missing),
                    ]
                    for g in plan.groups
                ],
            )
            self.tabs.addTab(self.group_table, f"&Groups ({len(plan.groups):,})")
        if plan.privacy_warnings:
            self.privacy_table = make_table(["File", "Card", "Name", "The note looks like it has"])
            fill_table(
                self.privacy_table,
                [
                    [Path(w.file).name, w.card, plan.entries[w.entry].draft.label(), w.describe()]
                    for w in plan.privacy_warnings
                ],
            )
            self.tabs.addTab(
                self.privacy_table, f"P&atient data in notes ({len(plan.privacy_warnings):,})"
            )
        careers = plan.career_entries()
        if careers:  # known contacts with a new title / organization: moves, each untickable
            from netdesk.ui.importing.career_review import HEADERS, CareerChangesPage, rows

            table = make_table(HEADERS)
            fill_table(table, rows(careers))
            self.career_page = CareerChangesPage([e.career for e in careers], table)
            self.tabs.addTab(self.career_page, f"Ca&reer changes ({len(careers):,})")
        cards = [e for e in plan.entries if e.draft.ocr_text]
        if cards:  # business-card photos: the photo next to editable fields
            from netdesk.ui.importing.card_review import CardReviewPage

            self.card_page = CardReviewPage(cards, self._fill_new)
            self.tabs.setCurrentIndex(
                self.tabs.addTab(self.card_page, f"Business &cards ({len(cards):,})")
            )
        if self.duplicates:
            self.dup_table.selectRow(0)
        if self.problems:
            self.problem_table.selectRow(0)

    def _fill_new(self) -> None:
        fill_table(
            self.new_table,
            [
                [
                    e.draft.label() + (ORG_MARKER if e.draft.kind == "org" else ""),
                    e.draft.organization,
                    e.draft.title,
                    _first(e, "email"),
                    _first(e, "phone"),
                    e.draft.card,
                ]
                for e in self.plan.with_status("new")
            ],
        )

    def _privacy_widgets(self) -> tuple[QLabel, QCheckBox]:
        """The warning and the redact choice for notes that look like patient data."""
        count = len(self.plan.privacy_warnings)
        note = QLabel(
            f"⚠ {count:,} card(s) have a note that looks like it holds patient data "
            "(a record number, a birth date, a patient's name with a diagnosis). "
            "See the “Patient data in notes” tab."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #8a4b00;")
        box = QCheckBox("&Redact patient-like text in notes")
        box.setChecked(True)
        box.setToolTip(
            "Replace what looks like patient data with [redacted …] before saving; "
            "untick to keep those notes exactly as they are on the cards."
        )
        return note, box

    @staticmethod
    def _or_empty(widget: QWidget, items: list, text: str) -> QWidget:
        if items:
            return widget
        from netdesk.ui.common.page import empty_state

        return empty_state(text)

    def _set_action(self, entry: PlanEntry, action: str) -> None:
        entry.action = action
        self.update_summary()

    def _show_compare(self) -> None:
        rows = self.dup_table.selectionModel().selectedRows()
        if not rows:
            return
        entry = self.duplicates[rows[0].row()]
        self.compare_title.setText(
            f"Card {entry.draft.card} ({entry.draft.label()}): {entry.reason}. "
            "Empty fields are filled; tick a box to replace a value netdesk already has."
        )
        self.compare.setRowCount(0)
        rows_data: list[tuple[str, str, str, object]] = []
        for choice in entry.conflicts:
            rows_data.append(
                (
                    FIELD_NAMES.get(choice.field, choice.field),
                    _shown(choice.existing),
                    _shown(choice.incoming),
                    choice,
                )
            )
        for name, value in entry.fills.items():
            rows_data.append((FIELD_NAMES.get(name, name), "(empty)", _shown(value), "fill"))
        for addition in entry.additions:
            rows_data.append(("Adds", "", addition, "add"))
        self.compare.setRowCount(len(rows_data))
        for r, (field, existing, incoming, what) in enumerate(rows_data):
            self.compare.setItem(r, 0, _item(field))
            self.compare.setItem(r, 1, _item(existing, existing))
            self.compare.setItem(r, 2, _item(incoming, incoming))
            if isinstance(what, str):
                self.compare.setItem(r, 3, _item("filled" if what == "fill" else "added"))
                continue
            box = QCheckBox()
            box.setChecked(what.use_incoming)
            box.setToolTip("Replace the value in netdesk with the card's value")
            box.toggled.connect(lambda on, c=what: setattr(c, "use_incoming", on))
            self.compare.setCellWidget(r, 3, box)
        self.compare.resizeColumnsToContents()

    def _show_original(self) -> None:
        rows = self.problem_table.selectionModel().selectedRows()
        if rows:
            problem = self.problems[rows[0].row()]
            self.original.setPlainText(problem.original or "(no text)")

    def update_summary(self) -> None:
        c = self.plan.counts()
        possible = len(self.plan.with_status("possible"))
        self.summary.setText(
            f"Will create {c['created']:,}, merge {c['merged']:,} into existing contacts and "
            f"skip {c['skipped']:,} identical. {possible:,} possible duplicate(s) to check; "
            f"{c['problems']:,} problem(s) — cards with problems are listed with their text."
            + (
                f" {len(self.plan.groups):,} group card(s) become tags on their members."
                if self.plan.groups
                else ""
            )
            + (
                f" {len(careers):,} career change(s): see their list."
                if (careers := self.plan.career_changes())
                else ""
            )
        )

    # ---- committing
    def event_values(self) -> dict:
        qdate = self.event_date.date()
        when = None if qdate == self.event_date.minimumDate() else qdate.toPython()
        return {
            "event_name": self.event_name.text().strip(),
            "event_kind": self.event_kind.currentText(),
            "event_date": when,
            "tag": self.tag.text().strip(),
        }

    def commit(self) -> None:
        values = self.event_values()
        values["redact_notes"] = self.redact_notes is None or self.redact_notes.isChecked()
        self.import_button.setEnabled(False)

        def write(progress):
            return commit_plan(self.plan, progress=progress, **values)

        def done(batch) -> None:
            self.batch = batch
            self.accept()
            self.window_.refresh_all()
            self.window_.statusBar().showMessage(
                f"Imported: {batch.created_count:,} new, {batch.merged_count:,} merged, "
                f"{batch.skipped_count:,} skipped, {batch.problem_count:,} problem(s).",
                8000,
            )

        def failed(exc) -> None:
            self.import_button.setEnabled(True)
            show_error(self, exc, "Import")

        def cancelled() -> None:
            self.import_button.setEnabled(True)
            self.window_.statusBar().showMessage("Import cancelled; nothing was written.", 5000)

        self.task = run_task(self, "Importing…", write, done, failed, cancelled)


class ColumnMappingDialog(QDialog):
    """For a CSV netdesk does not recognise: what does each column hold?"""

    def __init__(self, parent, layout) -> None:
        super().__init__(parent)
        self.layout_ = layout
        self.setWindowTitle(f"Columns of {layout.path.name}")
        self.resize(720, 460)
        intro = QLabel(
            "netdesk does not recognise all the columns of this CSV. Choose what each column "
            "holds; the choice is remembered for files with the same columns."
        )
        intro.setWordWrap(True)
        samples = sample_rows(layout)
        self.table = make_table(["Column", "Example", "Holds"])
        self.table.setRowCount(len(layout.headers))
        self.boxes: list[QComboBox] = []
        for r, header in enumerate(layout.headers):
            example = next((row[r] for row in samples if r < len(row) and row[r].strip()), "")
            self.table.setItem(r, 0, _item(header))
            self.table.setItem(r, 1, _item(example, example))
            box = QComboBox()
            for key, label in TARGETS.items():
                box.addItem(label, key)
            box.setCurrentIndex(max(0, box.findData(layout.mapping.get(header, ""))))
            box.currentIndexChanged.connect(self._validate)
            self.table.setCellWidget(r, 2, box)
            self.boxes.append(box)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.hint = QLabel()
        buttons = ok_cancel_buttons(self)
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText("&Continue")
        box_layout = QVBoxLayout(self)
        box_layout.addWidget(intro)
        box_layout.addWidget(self.table, 1)
        box_layout.addWidget(self.hint)
        box_layout.addWidget(buttons)
        self._validate()

    def mapping(self) -> dict[str, str]:
        return {
            header: box.currentData()
            for header, box in zip(self.layout_.headers, self.boxes, strict=False)
            if box.currentData()
        }

    def set_target(self, header: str, target: str) -> None:
        box = self.boxes[self.layout_.headers.index(header)]
        box.setCurrentIndex(box.findData(target))

    def _validate(self) -> None:
        targets = set(self.mapping().values())
        usable = bool(targets & {"full_name", "given_name", "family_name", "email", "organization"})
        self.ok.setEnabled(usable)
        self.hint.setText(
            "" if usable else "Map at least one column to a name, an email or an organization."
        )
