"""The contact form: every field, checked as the user types, saved only when valid.

The editor never writes to the database itself: it emits ``save_requested`` with
the form values and the page pushes an undoable command. Problems are shown next to
the field they belong to, and Save stays disabled until there are none.
"""

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from netdesk.models import ROLES, Organization
from netdesk.models.contact import ORG_MARKER
from netdesk.services.contacts.editing import (
    METHOD_FIELDS,
    form_values,
    tag_names,
    validate_form,
)
from netdesk.services.contacts.records import get_contact, validate_fields, validate_method
from netdesk.ui.contacts.affiliations_table import PositionsEditor
from netdesk.ui.contacts.editor_extras import AddressesEditor, PhotoBox, UidLabel

# (form key, label, placeholder) for the one-line text fields, in tab order.
NAME_FIELDS = (
    ("prefix", "Prefix", "Dr."),
    ("given_name", "Given name", "given name"),
    ("family_name", "Family name", "family name"),
    ("additional_names", "Middle names", "middle names"),
    ("suffix", "Suffix", "Jr."),
    ("display_name", "Display name", "built from the parts when empty"),
    ("credentials", "Credentials", "MD, FACC"),
)
# Name parts that share a form row: (row label, [(key, stretch)]); 0 = narrow.
NAME_ROWS = (
    ("Name", (("prefix", 0), ("given_name", 2), ("family_name", 2))),
    ("Middle, suffix", (("additional_names", 2), ("suffix", 0))),
    ("Display name", (("display_name", 1),)),
    ("Credentials", (("credentials", 1),)),
)
WORK_FIELDS = (
    ("specialty", "Specialty", "Cardiology"),
    ("title", "Title", "Chief of Cardiology"),
    ("organization", "Organization", "St Mary's Hospital"),
    ("department", "Department", ""),
    ("npi", "NPI", "10 digits"),
)
LIST_FIELDS = (
    ("emails", "Emails", "one per line: jane@stmarys.org"),
    ("phones", "Phones", "one per line: +1 312 555 0100"),
    ("urls", "Web / social", "one per line: linkedin.com/in/janedoe"),
)
DATE_FIELDS = ("birthday", "anniversary")
ERROR_STYLE = "color: #b3261e;"


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _role_label(role: str) -> str:
    return "IT" if role == "it" else role.title()


class ListEdit(QPlainTextEdit):
    """A short multi-line box for a list of values, one per line; Tab moves on."""

    def __init__(self, placeholder: str) -> None:
        super().__init__()
        self.setPlaceholderText(placeholder)
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)

    def values(self) -> list[str]:
        return _lines(self.toPlainText())

    def set_values(self, values: list[str]) -> None:
        self.setPlainText("\n".join(values))


class ContactEditor(QWidget):
    """Edits one contact, or a new one; Save calls ``on_save(contact_id|None, values)``.

    A plain callback, not a Signal: in PySide6 6.12 on Python 3.11 every Python-side
    ``emit()`` drops a reference to ``True``, and enough of them crash the process.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.on_save: Callable[[int | None, dict], None] | None = None
        self.contact_id: int | None = None
        self._loaded: dict[str, Any] = {}
        self._loading = False
        self.inputs: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}

        self.heading = QLabel()
        self.heading.setObjectName("editorHeading")
        self.heading.setStyleSheet("#editorHeading { font-size: 16px; font-weight: 600; }")
        self.heading.setWordWrap(True)
        self.uid_label = UidLabel()
        self.photo = PhotoBox(beside=(self.heading, self.uid_label))
        self.photo.on_change = self._changed
        self.addresses = AddressesEditor()
        self.addresses.on_change = self._changed
        self.positions = PositionsEditor()
        self.positions.on_change = self._changed
        self.positions.on_make_primary = self._make_primary
        # shown when the title or organization changes: a short box, the details wrapped
        self.career_move = QCheckBox("Record as a &career move")
        self.career_move.setChecked(True)
        self.career_move.setToolTip("Untick to correct a typo instead")
        self.career_move_note = QLabel()
        self.career_move_note.setWordWrap(True)
        self.career_move_note.setStyleSheet("color: palette(placeholder-text);")
        self.career_move_box = QWidget()
        move_layout = QVBoxLayout(self.career_move_box)
        move_layout.setContentsMargins(0, 0, 0, 0)
        move_layout.setSpacing(0)
        move_layout.addWidget(self.career_move)
        move_layout.addWidget(self.career_move_note)
        self.career_move_box.hide()

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.is_org = QCheckBox("An &organization (company, exhibitor), not a person")
        self.is_org.setToolTip(
            "Organization cards keep their name whole and export as vCard KIND:org"
        )
        self.is_org.toggled.connect(self._kind_toggled)
        form.addRow("Kind:", self.is_org)
        hints = {key: hint for key, _, hint in NAME_FIELDS}
        for label, parts in NAME_ROWS:
            edits = [(key, self._line(hints[key]), stretch) for key, stretch in parts]
            main = next(key for key, stretch in parts if stretch)  # errors show under it
            self._add_row(form, main, label, edits)
        self.role = QComboBox()
        self.role.addItem("—", "")
        for role in ROLES:
            self.role.addItem(_role_label(role), role)
        self._add_row(form, "role", "Role", self.role)
        for key, label, hint in WORK_FIELDS:
            self._add_row(form, key, label, self._line(hint))
            if key == "department":
                form.addRow("", self.career_move_box)
                self._add_row(form, "positions", "Other pos&itions", self.positions)
        for key, label, hint in LIST_FIELDS:
            self._add_row(form, key, label, ListEdit(hint))
        form.addRow("Addresses:", self.addresses)
        form.labelForField(self.addresses).setBuddy(self.addresses.table)
        self._add_row(form, "tags", "Tags", self._line("comma separated: AHA 2026, mentor"))
        self._add_row(form, "birthday", "Birthday", self._line("YYYY-MM-DD"))
        self._add_row(form, "anniversary", "Anniversary", self._line("YYYY-MM-DD"))
        self.cadence = QSpinBox()
        self.cadence.setRange(0, 3650)
        self.cadence.setSpecialValueText("off")
        self.cadence.setSuffix(" days")
        self.cadence.setToolTip("Remind me to get in touch after this many days without contact")
        self._add_row(form, "stay_in_touch_days", "Stay in touch every", self.cadence)
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setPlaceholderText("What you talked about, who introduced you…")
        self.notes.setMinimumHeight(70)
        self._add_row(form, "notes", "Notes", self.notes)

        org_names = [o.name for o in Organization.select(Organization.name).limit(5000)]
        self._set_completer(self.inputs["organization"], org_names)
        self.inputs["npi"].setMaxLength(10)

        self.save_button = QPushButton("&Save")
        self.save_button.setToolTip("Save the changes (Ctrl+S)")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("&Revert")
        self.revert_button.setToolTip("Throw away unsaved changes")
        self.revert_button.clicked.connect(self.revert)
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Not in this widget's layout: the page keeps it visible below the scrolling form.
        self.button_bar = QWidget()
        buttons = QHBoxLayout(self.button_bar)
        buttons.setContentsMargins(8, 4, 8, 4)
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.photo)
        layout.addLayout(form)
        layout.addStretch(1)

        save_shortcut = QShortcut(QKeySequence.StandardKey.Save, self)
        save_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        save_shortcut.activated.connect(self.save)
        self.clear()

    # building ---------------------------------------------------------------
    def _line(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setPlaceholderText(placeholder)
        edit.returnPressed.connect(self.save)
        return edit

    def _add_row(self, form: QFormLayout, key: str, label: str, widget) -> None:
        """One labelled row with an error line under it; ``widget`` may be several
        ``(key, widget, stretch)`` sharing the row (the name parts)."""
        parts = widget if isinstance(widget, list) else [(key, widget, 1)]
        error = QLabel()
        error.setStyleSheet(ERROR_STYLE)
        error.setWordWrap(True)
        error.hide()
        row = QHBoxLayout()
        for part_key, part, stretch in parts:
            if stretch == 0:
                part.setMaximumWidth(self.fontMetrics().horizontalAdvance("Prof.") + 24)
            row.addWidget(part, stretch or 0)
            self.inputs[part_key] = part
            signal = getattr(part, "textChanged", None) or getattr(part, "valueChanged", None)
            if isinstance(part, QComboBox):
                signal = part.currentIndexChanged
            if signal is not None:  # tables tell through their own on_change
                signal.connect(self._changed)
        box = QVBoxLayout()
        box.setSpacing(2)
        box.addLayout(row)
        box.addWidget(error)
        buddy = parts[0][1]
        if hasattr(buddy, "table"):  # a table gets the form's whole width, its label above
            title = QLabel(f"{label}:")
            title.setBuddy(buddy.table)
            form.addRow(title)
            form.addRow(box)
        else:
            form.addRow(f"{label}:", box)
            form.labelForField(box).setBuddy(buddy)
        self.errors[key] = error

    @staticmethod
    def _set_completer(edit: QLineEdit, words: list[str]) -> None:
        completer = QCompleter(words, edit)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        edit.setCompleter(completer)

    # loading ----------------------------------------------------------------
    def clear(self) -> None:
        """An empty form for a new contact."""
        self.contact_id = None
        self._load(
            {
                **{key: "" for key, _, _ in NAME_FIELDS + WORK_FIELDS},
                **{key: [] for key, _, _ in LIST_FIELDS},
                "role": "",
                "tags": [],
                "birthday": None,
                "anniversary": None,
                "stay_in_touch_days": None,
                "notes": "",
                "addresses": [],
                "positions": [],
                "photo": None,
            }
        )

    def load_contact(self, contact_id: int) -> None:
        """Show a contact from the database (replacing any unsaved edits)."""
        self.contact_id = contact_id
        self._load(form_values(get_contact(contact_id)))

    def _load(self, values: dict[str, Any]) -> None:
        self._loading = True
        try:
            for key, _, _ in NAME_FIELDS + WORK_FIELDS:
                self.inputs[key].setText(values.get(key) or "")
            for key, _, _ in LIST_FIELDS:
                self.inputs[key].set_values(values.get(key) or [])
            index = self.role.findData(values.get("role") or "")
            self.role.setCurrentIndex(max(index, 0))
            self.is_org.setChecked(values.get("kind") == "org")
            self.inputs["tags"].setText(", ".join(values.get("tags") or []))
            for key in DATE_FIELDS:
                when = values.get(key)
                self.inputs[key].setText(when.isoformat() if when else "")
            self.cadence.setValue(values.get("stay_in_touch_days") or 0)
            self.notes.setPlainText(values.get("notes") or "")
            self.addresses.set_value(values.get("addresses") or [])
            self.positions.set_value(values.get("positions") or [])
            self.photo.set_value(values.get("photo"), values.get("photo_url") or "")
            self.uid_label.set_uid(values.get("uid") or "")
            self._set_completer(self.inputs["tags"], tag_names())
        finally:
            self._loading = False
        self._loaded = self.values()
        self._changed()

    # reading and checking ---------------------------------------------------
    def values(self) -> dict[str, Any]:
        """The form as :func:`netdesk.services.contacts.editing.save_contact` takes it."""
        values: dict[str, Any] = {
            key: self.inputs[key].text().strip() for key, _, _ in NAME_FIELDS + WORK_FIELDS
        }
        values.update({key: self.inputs[key].values() for key, _, _ in LIST_FIELDS})
        values["role"] = self.role.currentData() or ""
        values["kind"] = "org" if self.is_org.isChecked() else "person"
        values["tags"] = [t.strip() for t in self.inputs["tags"].text().split(",") if t.strip()]
        values.update({key: self.inputs[key].text().strip() for key in DATE_FIELDS})
        values["stay_in_touch_days"] = self.cadence.value() or None
        values["notes"] = self.notes.toPlainText()
        values["addresses"] = self.addresses.value()
        values["positions"] = self.positions.value()
        values["photo"] = self.photo.value()
        return values

    def field_problems(self) -> dict[str, str]:
        """Problems by form key, shown under the field they belong to."""
        values = self.values()
        problems: dict[str, str] = {}
        if values["npi"]:
            found = validate_fields({"npi": values["npi"]})
            if found:
                problems["npi"] = found[0]
        for key, kind in METHOD_FIELDS:
            bad = [p for v in values[key] if (p := validate_method(kind, v))]
            if bad:
                problems[key] = " ".join(bad)
        for message in validate_form(values):
            if message.startswith("A contact needs"):
                problems["given_name"] = message
            for key in DATE_FIELDS:
                if message.startswith(key.title()):
                    problems[key] = message
            if message.startswith(("Position ", "Only one position")):
                problems["positions"] = " ".join(filter(None, (problems.get("positions"), message)))
        return problems

    def notes_changed(self, notes: str) -> bool:
        """Whether ``notes`` differ from the saved ones (only new text is checked for patient data)."""
        return notes != (self._loaded.get("notes") or "")

    def is_dirty(self) -> bool:
        return self.values() != self._loaded

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        dirty = self.is_dirty()
        # A form nobody has touched yet is not wrong: problems show once the user edits.
        problems = self.field_problems() if dirty else {}
        for key, label in self.errors.items():
            label.setText(problems.get(key, ""))
            label.setVisible(key in problems)
        self.save_button.setEnabled(dirty and not problems)
        self.revert_button.setEnabled(dirty and self.contact_id is not None)
        self._offer_career_move()
        if problems:
            self.status.setText(f"Fix {len(problems)} field(s) to save.")
            self.status.setStyleSheet(ERROR_STYLE)
        else:
            self.status.setText("Unsaved changes." if dirty else "")
            self.status.setStyleSheet("")
        self._update_heading()

    def _kind_toggled(self, is_org: bool) -> None:
        """An organization's name goes in Display name, whole; a person's is built from parts."""
        hints = {key: hint for key, _, hint in NAME_FIELDS}
        placeholder = "the organization's name" if is_org else hints["display_name"]
        self.inputs["display_name"].setPlaceholderText(placeholder)
        self._changed()

    def _update_heading(self) -> None:
        if self.contact_id is None:
            self.heading.setText("New contact")
            return
        values = self.values()
        parts = [values["prefix"], values["given_name"], values["family_name"]]
        name = values["display_name"] or " ".join(p for p in parts if p)
        marker = ORG_MARKER if values["kind"] == "org" else ""
        self.heading.setText(f"{name or '(no name)'}{marker}")

    def _make_primary(self, chosen: dict[str, Any]) -> dict[str, Any]:
        """Put a table row's position in the fields; the fields' position goes to the table."""
        keys = ("organization", "title", "department")
        previous = {key: self.inputs[key].text().strip() for key in keys}
        self._loading = True
        try:
            for key in keys:
                self.inputs[key].setText(chosen.get(key) or "")
        finally:
            self._loading = False
        return {**previous, "start_date": "", "end_date": ""}

    def moved_position(self) -> tuple[str, str] | None:
        """(before, after) when the form gives the primary a new title or organization
        that is not merely one of the other positions swapped in."""
        if self.contact_id is None:
            return None
        keys = ("title", "organization")
        old = [(self._loaded.get(k) or "").strip() for k in keys]
        new = [self.inputs[k].text().strip() for k in keys]
        moved = any(o and n and o.casefold() != n.casefold() for o, n in zip(old, new, strict=True))
        if not moved:
            return None
        current = {
            ((p.get("title") or "").casefold(), (p.get("organization") or "").casefold())
            for p in self.positions.value()
            if not p.get("end_date")
        }
        if (old[0].casefold(), old[1].casefold()) in current:
            return None  # swapped with a second position: not a move
        return ", ".join(p for p in old if p), ", ".join(p for p in new if p)

    def _offer_career_move(self) -> None:
        moved = self.moved_position()
        if moved:
            self.career_move_note.setText(
                f"{moved[0]} → {moved[1]}: the old position is kept as a past one (ended "
                "today), a milestone goes on the timeline and a congratulate follow-up is "
                "planned."
            )
        self.career_move_box.setVisible(bool(moved))

    # actions ----------------------------------------------------------------
    def save(self) -> None:
        if self.save_button.isEnabled() and self.on_save is not None:
            record = self.moved_position() is not None and self.career_move.isChecked()
            self.on_save(self.contact_id, {**self.values(), "record_move": record})

    def revert(self) -> None:
        if self.contact_id is None:
            self.clear()
        else:
            self.load_contact(self.contact_id)

    def focus_first_field(self) -> None:
        self.inputs["given_name"].setFocus(Qt.FocusReason.OtherFocusReason)
        self.inputs["given_name"].selectAll()
