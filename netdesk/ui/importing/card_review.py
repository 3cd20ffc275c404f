"""The import review's "Business cards" tab: the photo next to the fields read from it.

OCR gets most fields right but not all, so each one is an editable box that writes
straight back into the draft the import will commit; the recognised text is shown
under the photo to copy from.
"""

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from netdesk.services.contacts.records import split_name
from netdesk.services.importing.drafts import ContactDraft, DraftAddress, DraftMethod
from netdesk.services.importing.importer import PlanEntry

PHOTO_WIDTH = 420
# (label, draft attribute) for the plain text fields, in the order a card reads.
# Mnemonics avoid the letters the review dialog already uses (Met at, Tag, New, …).
TEXT_FIELDS = (
    ("Nam&e:", "display_name"),
    ("C&redentials:", "credentials"),
    ("Tit&le:", "title"),
    ("&Organization:", "organization"),
    ("Department:", "department"),
)
METHOD_FIELDS = (("Emails:", "email"), ("P&hones:", "phone"), ("&Web:", "url"))
ADDRESS_FIELDS = (("Street:", "street"), ("Cit&y:", "locality"), ("Postal code:", "postal_code"))


def is_card(entry: PlanEntry) -> bool:
    return bool(entry.draft.ocr_text)


class CardReviewPage(QWidget):
    """A list of the business cards (when there are several) and one card's photo + fields."""

    def __init__(self, entries: list[PlanEntry], on_change=None) -> None:
        super().__init__()
        self.entries = entries
        self.on_change = on_change or (lambda: None)
        self.draft: ContactDraft | None = None
        self.cards = QListWidget()
        self.cards.addItems([e.draft.label() for e in entries])
        self.cards.setVisible(len(entries) > 1)
        self.cards.setMaximumWidth(200)
        self.cards.currentRowChanged.connect(self.show_card)

        self.photo = QLabel()
        self.photo.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignHCenter)
        self.photo.setMinimumWidth(PHOTO_WIDTH)
        self.ocr_text = QPlainTextEdit()
        self.ocr_text.setReadOnly(True)
        self.ocr_text.setAccessibleName("Text read from the card")
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.photo)
        left_layout.addWidget(QLabel("Text read from the card:"))
        left_layout.addWidget(self.ocr_text, 1)

        form_box = QWidget()
        form = QFormLayout(form_box)
        hint = QLabel("Check each field against the photo; what you type here is imported.")
        hint.setWordWrap(True)
        form.addRow(hint)
        self.match = QLabel()
        self.match.setWordWrap(True)
        self.match.setStyleSheet("color: #8a4b00;")
        form.addRow(self.match)
        self.boxes: dict[str, QLineEdit] = {}
        for label, name in TEXT_FIELDS + METHOD_FIELDS + ADDRESS_FIELDS:
            box = QLineEdit()
            if name in ("email", "phone", "url"):
                box.setPlaceholderText("several: separate with commas")
            box.textEdited.connect(lambda text, n=name: self._edited(n, text))
            form.addRow(label, box)
            self.boxes[name] = box

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(form_box)
        splitter.setStretchFactor(1, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(self.cards)
        layout.addWidget(splitter, 1)
        self.cards.setCurrentRow(0)
        if len(entries) == 1:
            self.show_card(0)

    def show_card(self, row: int) -> None:
        if row < 0:
            return
        entry = self.entries[row]
        self.draft = draft = entry.draft
        self.match.setVisible(entry.status != "new")
        self.match.setText(
            f"Matches a contact netdesk already has ({entry.reason}); see the Duplicates tab. "
            "Duplicates were looked for with the fields as read from the photo."
            if entry.status != "new"
            else ""
        )
        pixmap = QPixmap()
        if draft.photo:
            pixmap.loadFromData(bytes(draft.photo))
        if pixmap.isNull():
            self.photo.setText("(no photo)")
        else:
            self.photo.setPixmap(
                pixmap.scaledToWidth(PHOTO_WIDTH, Qt.TransformationMode.SmoothTransformation)
            )
        self.ocr_text.setPlainText(draft.ocr_text)
        for _, name in TEXT_FIELDS:
            self.boxes[name].setText(getattr(draft, name))
        for _, kind in METHOD_FIELDS:
            values = [m.value for m in draft.methods if _kind(m) == kind]
            self.boxes[kind].setText(", ".join(values))
        address = draft.addresses[0] if draft.addresses else DraftAddress()
        for _, name in ADDRESS_FIELDS:
            self.boxes[name].setText(getattr(address, name))

    def _edited(self, name: str, text: str) -> None:
        draft = self.draft
        if draft is None:
            return
        text = text.strip()
        if name == "display_name":
            draft.display_name = text
            draft.given_name, draft.family_name = split_name(text)
        elif name in dict((n, n) for _, n in TEXT_FIELDS):
            setattr(draft, name, text)
        elif name in ("email", "phone", "url"):
            kept = [m for m in draft.methods if _kind(m) != name]
            label = {"phone": "work"}.get(name, "")
            new = [DraftMethod(name, v.strip(), label) for v in text.split(",") if v.strip()]
            draft.methods = kept + new
        else:
            if not draft.addresses:
                draft.addresses.append(DraftAddress(label="work"))
            setattr(draft.addresses[0], name, text)
        row = self.cards.currentRow()
        if row >= 0:
            self.cards.item(row).setText(draft.label())
        self.on_change()


def _kind(method: DraftMethod) -> str:
    """Web links and social profiles share the Web box."""
    return "url" if method.kind == "social" else method.kind
