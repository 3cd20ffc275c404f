"""Import batches: what a file brought in, what went wrong, and how to undo it."""

from pathlib import PurePath

from peewee import AutoField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from netdesk.models.contact import Contact
from netdesk.models.db import BaseModel, utcnow
from netdesk.models.event import Event


class ImportBatch(BaseModel):
    id = AutoField()
    file_names = TextField(default="")  # newline separated, as the user gave them
    file_hash = CharField(default="", index=True)  # sha256 of the bytes read
    source = CharField(default="")  # vcard, csv, linkedin, google, outlook
    event = ForeignKeyField(Event, null=True, backref="import_batches", on_delete="SET NULL")
    tag = CharField(default="")
    created_count = IntegerField(default=0)
    merged_count = IntegerField(default=0)
    skipped_count = IntegerField(default=0)
    problem_count = IntegerField(default=0)
    created_at = DateTimeField(default=utcnow, index=True)
    undone_at = DateTimeField(null=True)


def files_label(file_names: str, fallback: str = "an import") -> str:
    """What to call a batch's files on screen: base names, not the user's folders."""
    names = [PurePath(n).name for n in (file_names or "").splitlines() if n.strip()]
    if not names:
        return fallback
    return names[0] if len(names) == 1 else f"{names[0]} and {len(names) - 1} more"


class ImportIssue(BaseModel):
    """A card or row that could not be imported as it was, with its original text."""

    id = AutoField()
    batch = ForeignKeyField(ImportBatch, backref="issues", on_delete="CASCADE")
    file = CharField(default="")
    card = IntegerField(null=True)  # 1-based card or row number
    line = IntegerField(null=True)  # 1-based line in the file
    message = TextField()
    original = TextField(default="")


class ImportChange(BaseModel):
    """What a batch did to one contact, so that undo can reverse exactly that.

    ``action`` is "created" or "merged"; for merges ``before`` holds a JSON snapshot
    of the contact's fields and ``added`` the ids of rows the merge added.
    """

    id = AutoField()
    batch = ForeignKeyField(ImportBatch, backref="changes", on_delete="CASCADE")
    contact = ForeignKeyField(Contact, null=True, backref="import_changes", on_delete="SET NULL")
    action = CharField()
    before = TextField(default="")
    added = TextField(default="")
