"""Two-way contact sync with a CardDAV address book that loses nothing.

Every linked contact has a :class:`~netdesk.models.CardSyncState`: the card's href
and ETag, the hash of the vCard netdesk last wrote for it (``local_hash``: has the
contact changed here?), the content hash of the server's card (``remote_hash``:
has it changed there? — volatile REV/PRODID left out, so a server that rewrites
our cards, as Google and iCloud do, causes no re-import loop) and the text both
sides agreed on (``base``, the ancestor of a three-way merge).

A run: list what changed on the server (sync-collection, else ETags), stop if
more than a fifth of the cards were deleted there (unless allowed), fetch changed
cards in multiget batches, then per card: adopt, apply, or merge field by field
(both changed the same field: the newer side wins and the other value goes to the
contact's history); push local changes with If-Match (412: fetch, merge, retry
once), new contacts with If-None-Match, local deletions with If-Match. Cards the
server deleted are archived here, never destroyed. New server cards are planned
like an import (UID, then email/phone duplicates), so a first sync against a full
address book never duplicates anyone. Each card's outcome commits on its own, and
a write is marked pending before it is sent, so a run killed half-way is
completed by the next one.
"""

import json
import os
import re
import uuid
from collections.abc import Container
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any
from urllib.parse import quote

from netdesk.errors import InputError, UserError
from netdesk.models import (
    Contact,
    ImportBatch,
    ImportChange,
    Organization,
    database,
    get_setting,
    set_setting,
    utcnow,
)
from netdesk.models.vcard_sync import CardSyncState
from netdesk.services.contacts.records import clean_text
from netdesk.services.importing.drafts import ContactDraft, ParseProblem
from netdesk.services.importing.vcard_export import contact_vcard
from netdesk.services.progress import NO_PROGRESS, Progress
from netdesk.services.sync.card_merge import (
    SCALARS,
    Conflict,
    apply_draft,
    content_hash,
    merge_drafts,
    parse_card,
    text_hash,
)
from netdesk.services.sync.dav import (
    AddressBookClient,
    Card,
    CardProblem,
    DavError,
    PreconditionFailed,
)

KEYRING_SERVICE = "netdesk-carddav"
PASSWORD_ENV = "NETDESK_CARDDAV_PASSWORD"
DELETION_SHARE = 0.2  # more than this share of known cards deleted in one run: stop and ask
DELETION_MIN = 3  # ... and at least this many (two cards out of five is not a mass deletion)
# Who wins when both sides changed the same field (the other value goes to the history).
PREFER = {
    "newest": "the newer change wins",
    "mine": "netdesk's value wins",
    "theirs": "the server's value wins",
}
DEFAULT_PREFER = "newest"


class TooManyDeletions(UserError):
    """The server lost more cards than a sync should silently follow; nothing was written."""

    exit_code = 2


@dataclass
class SyncReport:
    book: str = ""
    created_here: int = 0
    updated_here: int = 0
    archived_here: int = 0
    created_there: int = 0
    updated_there: int = 0
    deleted_there: int = 0
    conflicts: list[str] = field(default_factory=list)
    conflict_ids: list[int] = field(default_factory=list)  # ImportChange rows, to reverse
    problems: list[str] = field(default_factory=list)
    plan_lines: list[str] = field(default_factory=list)  # dry run: what would happen
    dry_run: bool = False
    prefer: str = DEFAULT_PREFER

    def summary(self) -> str:
        head = "CardDAV dry run (nothing written): " if self.dry_run else "CardDAV sync: "
        text = head + (
            f"here {self.created_here} new, {self.updated_here} updated, "
            f"{self.archived_here} archived; on the server {self.created_there} new, "
            f"{self.updated_there} updated, {self.deleted_there} deleted."
        )
        if self.conflicts:
            rule = PREFER.get(self.prefer, self.prefer)
            text += f" {len(self.conflicts)} conflict(s) decided ({rule}; see history)."
        if self.problems:
            text += f" {len(self.problems)} problem(s): " + "; ".join(self.problems[:3])
        return text

    def to_dict(self) -> dict[str, Any]:
        return {f.name: getattr(self, f.name) for f in fields(self)}


# --- settings and the password ------------------------------------------------------


def load_config() -> dict[str, Any]:
    return {
        "url": get_setting("carddav.url", "") or "",
        "user": get_setting("carddav.user", "") or "",
        "addressbook": get_setting("carddav.addressbook", "") or "",
        "on_start": bool(get_setting("carddav.on_start", False)),
        "every_minutes": int(get_setting("carddav.every_minutes", 0) or 0),
        "delete_on_server": bool(get_setting("carddav.delete_on_server", True)),
        "prefer": checked_prefer(get_setting("carddav.prefer", DEFAULT_PREFER), quiet=True),
    }


def checked_prefer(value: Any, *, quiet: bool = False) -> str:
    """A conflict rule from the user (or a stored setting: ``quiet`` falls back to the
    default instead of refusing)."""
    if value in PREFER:
        return value
    if quiet:
        return DEFAULT_PREFER
    raise InputError(f"Unknown conflict rule {value!r}: choose one of {', '.join(PREFER)}.")


def save_config(url: str, user: str, addressbook: str = "", **options: Any) -> None:
    from netdesk.services.sync.caldav_push import check_url

    set_setting("carddav.url", check_url(url))
    set_setting("carddav.user", user.strip())
    set_setting("carddav.addressbook", addressbook.strip())
    if "prefer" in options:
        options["prefer"] = checked_prefer(options["prefer"])
    for key in ("on_start", "every_minutes", "delete_on_server", "prefer"):
        if key in options:
            set_setting(f"carddav.{key}", options[key])


def get_password(user: str) -> str:
    """NETDESK_CARDDAV_PASSWORD if set, else the keyring entry for ``user``."""
    password = os.environ.get(PASSWORD_ENV)
    if password:
        return password
    import keyring
    from keyring.errors import KeyringError

    try:
        password = keyring.get_password(KEYRING_SERVICE, user)
    except KeyringError as exc:
        raise UserError(f"The system keyring could not be read ({exc}).") from None
    if not password:
        raise UserError(
            f"No CardDAV password for {user!r}: save it in Settings › Contacts sync (system "
            f"keyring) or set {PASSWORD_ENV}."
        )
    return password


def store_password(user: str, password: str) -> None:
    """Save to the system keyring, and check it was really kept."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(KEYRING_SERVICE, user, password)
        kept = keyring.get_password(KEYRING_SERVICE, user) == password
    except KeyringError as exc:
        raise UserError(
            f"The system keyring refused the password ({exc}). Set {PASSWORD_ENV} instead."
        ) from None
    if not kept:
        raise UserError(
            "The system keyring did not keep the password (is a keyring service running?). "
            f"Set {PASSWORD_ENV} instead."
        )


def has_synced(url: str) -> bool:
    """Whether this database has synced with an address book under ``url`` before."""
    prefix = url.strip().rstrip("/")
    return (
        CardSyncState.select().where(CardSyncState.book.startswith(prefix)).exists()
        if prefix
        else False
    )


def last_status() -> dict[str, Any]:
    """What the last run did, for the status line: {"at", "summary", "problems"}."""
    return get_setting("carddav.last_run", {}) or {}


# --- the run ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Known:
    """A card synced before, as much as every run needs of it: no card text, no hashes.
    10,000 of these load in milliseconds; the full row is read only for cards in play."""

    id: int
    etag: str
    contact_id: int | None
    pending: bool


class _Run:
    def __init__(self, dav: AddressBookClient, report: SyncReport, progress: Progress,
                 dry_run: bool) -> None:  # fmt: skip
        self.dav, self.report, self.progress, self.dry_run = dav, report, progress, dry_run
        self.book = dav.book
        query = CardSyncState.select(
            CardSyncState.href, CardSyncState.id, CardSyncState.etag, CardSyncState.contact,
            CardSyncState.pending,
        ).where(CardSyncState.book == self.book)  # fmt: skip
        rows = database.execute(query).fetchall()  # plain rows: no model per row
        self.states: dict[str, _Known | CardSyncState] = {
            href: _Known(id_, etag, contact_id, bool(pending))
            for href, id_, etag, contact_id, pending in rows
        }
        self.batch: ImportBatch | None = None

    def full(self, href: str) -> CardSyncState:
        """The whole sync state of a card in play (read once, then kept)."""
        state = self.states[href]
        if isinstance(state, _Known):
            state = self.states[href] = CardSyncState.get_by_id(state.id)
        return state

    # -- agreeing and pushing
    def agree(
        self, state: CardSyncState, contact: Contact | None, text: str, etag: str,
        local_text: str | None = None,
    ) -> None:  # fmt: skip
        """Both sides now hold ``text`` (the server's version of it); ``local_text`` is the
        contact's vCard when the caller has it already."""
        draft = parse_card(text, state.href)
        state.etag = etag
        state.base = text
        state.remote_hash = content_hash(draft) if isinstance(draft, ContactDraft) else ""
        if contact is not None and local_text is None:
            local_text = contact_vcard(contact)
        state.local_hash = text_hash(local_text) if local_text is not None else ""
        state.contact = contact
        state.pending = False
        state.synced_at = utcnow()
        state.save()

    def push(self, state: CardSyncState, contact: Contact, *, retry: bool = True) -> None:
        """PUT the contact over the card we know (If-Match), or as new (If-None-Match)."""
        if not contact.uid:  # servers require a UID, and it must not change under an href
            base = parse_card(state.base) if state.base else None
            contact.uid = base.uid if isinstance(base, ContactDraft) and base.uid else ""
            contact.uid = contact.uid or str(uuid.uuid4())
            Contact.update(uid=contact.uid).where(Contact.id == contact.id).execute()
        text = contact_vcard(contact)
        state.pending = True
        state.save()
        new = not state.etag
        try:
            etag = self.dav.put(state.href, text, state.etag or None)
        except PreconditionFailed:
            if not retry:
                self.report.problems.append(
                    f"{contact.name}: changed on the server again during the sync; "
                    "it will be merged on the next run"
                )
                return
            card = self.dav.get(state.href)
            if card is None:  # deleted meanwhile: write it as new
                state.etag = ""
                return self.push(state, contact, retry=False)
            self.merge_remote(state, contact, card, push_retry=False)
            return
        if etag:
            self.agree(state, contact, text, etag, text)
        else:  # no ETag in the answer (RFC 6352 allows it): fetch it, never guess
            card = self.dav.get(state.href)
            if card is None:
                raise DavError(f"The server accepted {state.href} but does not show it.")
            self.agree(state, contact, card.text, card.etag)
        if new:
            self.report.created_there += 1
        else:
            self.report.updated_there += 1

    # -- remote changes
    def merge_remote(
        self, state: CardSyncState, contact: Contact, card: Card, *, push_retry: bool = True
    ) -> None:
        remote = parse_card(card.text, card.href)
        if isinstance(remote, ParseProblem):
            self.report.problems.append(f"{card.href}: {remote.message}")
            return
        local_text = contact_vcard(contact)
        local = parse_card(local_text)
        if content_hash(remote) == content_hash(local):
            with database.atomic():
                self.agree(state, contact, card.text, card.etag)
            return
        local_changed = text_hash(local_text) != state.local_hash
        base = parse_card(state.base) if state.base else None
        base = base if isinstance(base, ContactDraft) else None
        if not local_changed and base is not None:
            with database.atomic():
                moved = apply_draft(contact, remote)
                self.agree(state, contact, card.text, card.etag)
            self.report.updated_here += 1
            if moved:  # the position the card replaced is kept here as a past one: send it
                self.push(state, Contact.get_by_id(contact.id), retry=push_retry)
            return
        merged, conflicts = merge_drafts(
            base, local, remote, self.local_wins(contact, remote, base)
        )
        with database.atomic():
            apply_draft(contact, merged)
            self.record_conflicts(contact, conflicts)
            state.etag = card.etag
            state.base = card.text
            state.remote_hash = content_hash(remote)
            state.save()
        self.report.updated_here += 1
        contact = Contact.get_by_id(contact.id)
        if content_hash(parse_card(contact_vcard(contact))) != state.remote_hash:
            self.push(state, contact, retry=push_retry)
        else:
            with database.atomic():
                self.agree(state, contact, card.text, card.etag)

    def same_content(self, local_text: str, state: CardSyncState) -> bool:
        """Whether the contact's vCard says what the server's card says (nothing to send)."""
        draft = parse_card(local_text)
        return isinstance(draft, ContactDraft) and content_hash(draft) == state.remote_hash

    def local_wins(self, contact: Contact, remote: ContactDraft, base: ContactDraft | None) -> bool:
        """Whether netdesk's value wins a field both sides changed (``report.prefer``).
        Newest: the card's REV against the contact's last edit (a card without a readable
        REV counts as newer); without a common ancestor ours is kept (the import's rule)."""
        if self.report.prefer != "newest":
            return self.report.prefer == "mine"
        if base is None:
            return True
        rev = _rev(remote)
        return rev is not None and contact.updated_at > rev

    def record_conflicts(self, contact: Contact, conflicts: list[Conflict]) -> None:
        """The losing value of each conflict, kept in the contact's history."""
        if not conflicts:
            return
        if self.batch is None:
            self.batch = ImportBatch.create(file_names=self.book, source="carddav")
        for c in conflicts:
            change = ImportChange.create(
                batch=self.batch,
                contact=contact,
                action="conflict",
                before=json.dumps(
                    {
                        "field": c.field,
                        "kept": _shown(c.kept),
                        "other": _shown(c.other),
                        "winner": c.winner,
                    }  # fmt: skip
                ),
            )
            self.report.conflict_ids.append(change.id)
            self.report.conflicts.append(
                f"{contact.name} — {c.field}: kept {_shown(c.kept)!r}, not {_shown(c.other)!r}"
            )


def _shown(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"(photo, {len(value):,} bytes)"
    return value if value is None or isinstance(value, int | str) else str(value)


def _rev(draft: ContactDraft) -> datetime | None:
    """The card's REV as naive UTC, if it has a readable one."""
    value = draft.revised.replace("-", "").replace(":", "")
    for fmt in ("%Y%m%dT%H%M%SZ", "%Y%m%dT%H%M%S", "%Y%m%d"):
        try:
            return datetime.strptime(value, fmt)
        except ValueError:
            continue
    return None


def _href_for(book_path: str, uid: str, taken: Container[str]) -> str:
    """Where a new card goes: its UID as a file name, made unique in the address book."""
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", uid).strip("-.")[:80] or uuid.uuid4().hex
    href = f"{book_path}{quote(safe)}.vcf"
    n = 2
    while href in taken:
        href = f"{book_path}{quote(safe)}-{n}.vcf"
        n += 1
    return href


def sync_contacts(
    url: str,
    user: str,
    password: str,
    addressbook: str = "",
    *,
    dry_run: bool = False,
    allow_deletions: bool = False,
    delete_on_server: bool | None = None,
    prefer: str | None = None,
    progress: Progress = NO_PROGRESS,
) -> SyncReport:
    """One two-way sync run with the address book (see the module docstring)."""
    from netdesk.services.sync.caldav_push import check_url

    dav = AddressBookClient(check_url(url), user, password)
    progress.step(0, 0, "Connecting…")
    book = dav.find_addressbook(addressbook)
    config = load_config()
    prefer = config["prefer"] if prefer is None else checked_prefer(prefer)
    report = SyncReport(book=book, dry_run=dry_run, prefer=prefer)
    run = _Run(dav, report, progress, dry_run)
    if delete_on_server is None:
        delete_on_server = config["delete_on_server"]
    token_key = f"carddav.token.{book}"
    token = get_setting(token_key, "") if run.states else ""
    progress.step(0, 0, "Asking the server what changed…")
    listing = dav.changes(token)
    known = run.states
    if listing.complete:
        gone = [h for h in known if h not in listing.etags]
    else:
        gone = [h for h in listing.deleted if h in known]
    # a card we were creating when a run was killed is not "deleted there": it is sent again
    gone = [h for h in gone if not (known[h].pending and not known[h].etag)]
    gone_linked = [h for h in gone if known[h].contact_id is not None]
    if (
        not allow_deletions
        and len(gone_linked) >= DELETION_MIN
        and len(gone_linked) > DELETION_SHARE * len(known)
    ):
        raise TooManyDeletions(
            f"{len(gone_linked):,} of the {len(known):,} contacts netdesk syncs with {book} were "
            "deleted on the server since the last sync. Nothing was changed. If that is "
            "intended, sync again allowing deletions (--allow-deletions); they will be "
            "archived here, not destroyed."
        )
    changed = [
        h
        for h, etag in listing.etags.items()
        if h not in known or known[h].etag != etag or known[h].pending
    ]
    changed += [
        h for h, s in known.items() if s.pending and h not in listing.etags and h not in gone
    ]
    if dry_run:
        return _dry_run(run, changed, gone_linked)
    if not known and not get_setting(f"carddav.backed_up.{book}", False):
        _backup_before_first_sync()
        set_setting(f"carddav.backed_up.{book}", True)
    total = len(changed) + len(gone) + 1
    done = 0
    new_cards: list[tuple[Card, ContactDraft]] = []
    for item in dav.multiget(changed):
        done += 1
        progress.step(
            done, total, f"Reading changes from the server ({done:,} of {len(changed):,})…"
        )
        if isinstance(item, CardProblem):
            if item.href in known and known[item.href].pending:
                continue  # our write never arrived: pushed again below
            report.problems.append(f"{item.href}: {item.message}")
            continue
        state = run.full(item.href) if item.href in known else None
        if state is not None and state.contact_id is not None:
            contact = Contact.get_or_none(Contact.id == state.contact_id)
            if contact is not None:
                _remote_changed(run, state, contact, item)
                continue
        draft = parse_card(item.text, item.href)
        if isinstance(draft, ParseProblem):
            report.problems.append(f"{item.href}: {draft.message}")
            continue
        if state is not None:  # deleted here, changed there: the change wins, nothing lost
            state.delete_instance()
            known.pop(item.href)
        new_cards.append((item, draft))
    _create_from_server(run, new_cards)
    for href in gone:
        done += 1
        progress.step(done, total, "Archiving contacts deleted on the server…")
        _server_deleted(run, known.pop(href))
    _push_local(run, delete_on_server)
    set_setting(token_key, listing.token)
    progress.step(total, total, "Done")
    set_setting(
        "carddav.last_run",
        {
            "at": utcnow().isoformat(timespec="seconds"),
            "summary": report.summary(),
            "problems": report.problems[:20],
        },  # fmt: skip
    )
    return report


def _remote_changed(run: _Run, state: CardSyncState, contact: Contact, card: Card) -> None:
    draft = parse_card(card.text, card.href)
    if isinstance(draft, ParseProblem):
        run.report.problems.append(f"{contact.name} ({card.href}): {draft.message}")
        return
    if content_hash(draft) == state.remote_hash and not state.pending:
        state.etag = card.etag  # a rewrite by the server, or only its ETag moved
        state.save()
        return
    run.merge_remote(state, contact, card)


def _server_deleted(run: _Run, state: "_Known | CardSyncState") -> None:
    with database.atomic():
        if state.contact_id is not None:
            changed = (
                Contact.update(archived=True, updated_at=utcnow())
                .where((Contact.id == state.contact_id) & (Contact.archived == False))  # noqa: E712
                .execute()
            )
            run.report.archived_here += changed
        CardSyncState.delete().where(CardSyncState.id == state.id).execute()


def _create_from_server(run: _Run, cards: list[tuple[Card, ContactDraft]]) -> None:
    """New server cards, planned like an import: UID, then email/phone duplicates."""
    from netdesk.services.importing.importer import commit_plan

    if not cards:
        return
    plan = _plan_new_cards(run, cards)
    for change in plan.career_changes():  # no agreed card yet: which side is newer is unknown,
        change.apply = False  # so ours is kept (the import's rule) and theirs goes to history
    with database.atomic():
        batch = commit_plan(plan, redact_notes=False)
        targets = batch.entry_contact_ids
        for (card, _draft), entry, contact_id in zip(cards, plan.entries, targets, strict=True):
            contact = Contact.get_by_id(contact_id)
            state = CardSyncState(book=run.book, href=card.href)
            local_text = contact_vcard(contact)
            run.agree(state, contact, card.text, card.etag, local_text)
            if entry.action != "new" and not run.same_content(local_text, state):
                state.local_hash = ""  # the merged contact still has to go to the server
                state.save()
                run.record_conflicts(contact, _first_sync_conflicts(run, contact, entry))
            run.states[card.href] = state
        run.report.created_here += sum(e.action == "new" for e in plan.entries)
        run.report.updated_here += sum(e.action == "merge" for e in plan.entries)


def _first_sync_conflicts(run: _Run, contact: Contact, entry) -> list[Conflict]:
    """A contact matched to a server card keeps its values (the import's rule), unless
    the server's are to win; the losing values go to the history either way.

    A different position is not a career move on a first sync (which side is newer is
    unknown): its organization and title are decided like any other field, together,
    and only a value that was really there counts as a conflict.
    """
    from netdesk.services.importing.importer import FieldChoice

    differing = [(c, True) for c in entry.conflicts]
    if entry.career is not None:
        before, after = entry.career.before, entry.career.after
        differing += [
            (
                FieldChoice(name, getattr(before, name), getattr(after, name)),
                bool(getattr(before, name)),
            )
            for name in ("organization", "title")
            if getattr(before, name) != getattr(after, name)
        ]
    conflicts = []
    for c, reported in differing:
        theirs = run.report.prefer == "theirs" and c.field in REVERSIBLE
        if theirs:
            _set_field(contact.id, c.field, c.incoming)
        if reported:
            conflicts.append(
                Conflict(c.field, c.incoming, c.existing, "server")
                if theirs
                else Conflict(c.field, c.existing, c.incoming, "here")
            )
    return conflicts


def _plan_new_cards(run: _Run, cards: list[tuple[Card, ContactDraft]]):
    """The import plan for new server cards; a contact already linked to another card
    is never a merge target (two cards, two contacts: the user can merge them)."""
    from netdesk.services.importing.importer import plan_drafts

    plan = plan_drafts([d for _, d in cards], "carddav", [run.book])
    linked = {s.contact_id for s in run.states.values() if s.contact_id is not None}
    for entry in plan.entries:
        if entry.target_id is not None and entry.target_id in linked:
            entry.action, entry.status, entry.target_id = "new", "new", None
        elif entry.status == "identical":
            entry.action = "merge"  # link it, and push what netdesk knows beyond the card
    return plan


def _push_local(run: _Run, delete_on_server: bool) -> None:
    """Local changes, new contacts and deletions to the server."""
    # Only contacts saved since their last sync (or with a write in doubt) are exported
    # and compared: one query, not 10,000 exports or 10,000 state rows.
    maybe = (
        CardSyncState.select(CardSyncState, Contact)
        .join(Contact, on=(CardSyncState.contact == Contact.id))
        .where(
            (CardSyncState.book == run.book)
            & (
                CardSyncState.pending
                | (CardSyncState.local_hash == "")
                | (Contact.updated_at >= CardSyncState.synced_at)
            )
        )
    )
    todo: list[tuple[CardSyncState, Contact]] = []
    for state in maybe:
        contact = state.contact
        run.states[state.href] = state  # the row as it is now (this run may have changed it)
        if state.pending or text_hash(contact_vcard(contact)) != state.local_hash:
            todo.append((state, contact))
    fresh = (
        Contact.select()
        .where(
            (Contact.archived == False)  # noqa: E712
            & ~Contact.id.in_(
                CardSyncState.select(CardSyncState.contact).where(
                    (CardSyncState.book == run.book) & CardSyncState.contact.is_null(False)
                )
            )
        )
        .order_by(Contact.id)
    )
    book_path = run.dav._path(run.book)
    for contact in fresh:
        if not contact.uid:
            contact.uid = str(uuid.uuid4())
            Contact.update(uid=contact.uid).where(Contact.id == contact.id).execute()
        href = _href_for(book_path, contact.uid, run.states)
        with database.atomic():
            state = CardSyncState.create(book=run.book, href=href, contact=contact, pending=True)
        run.states[href] = state
        todo.append((state, contact))
    total = len(todo)
    for i, (state, contact) in enumerate(todo):
        if i % 10 == 0:
            run.progress.step(i, total, f"Sending changes to the server ({i:,} of {total:,})…")
        try:
            run.push(state, contact)
        except PreconditionFailed:  # new card, href taken meanwhile (a run killed half-way)
            card = run.dav.get(state.href)
            if card is not None:
                run.merge_remote(state, contact, card, push_retry=False)
        except DavError as exc:
            if exc.status in (401, 403) or "Cannot reach" in str(exc):
                raise  # nothing further would be accepted either
            run.report.problems.append(f"{contact.name}: {exc}")
    for href, state in list(run.states.items()):
        if state.contact_id is not None or not delete_on_server:
            continue
        _delete_remote(run, href, run.full(href))  # its contact was deleted here


def _delete_remote(run: _Run, href: str, state: CardSyncState) -> None:
    state.pending = True
    state.save()
    try:
        run.dav.delete(href, state.etag)
    except PreconditionFailed:  # changed there after we deleted here: it comes back
        card = run.dav.get(href)
        state.delete_instance()
        run.states.pop(href, None)
        if card is not None:
            draft = parse_card(card.text, href)
            if isinstance(draft, ContactDraft):
                _create_from_server(run, [(card, draft)])
        return
    state.delete_instance()
    run.states.pop(href, None)
    run.report.deleted_there += 1


def _backup_before_first_sync() -> None:
    from netdesk.services.data import backup

    try:
        backup.backup_before("carddav-sync", database.obj)
    except Exception as exc:
        raise UserError(
            f"Could not back up the database before the first CardDAV sync ({exc}); "
            "nothing was changed."
        ) from exc


def _dry_run(run: _Run, changed: list[str], gone: list[str]) -> SyncReport:
    """What a sync would do, without writing here or there."""
    report = run.report
    new_cards = []
    for item in run.dav.multiget([h for h in changed if h not in run.states]):
        if isinstance(item, CardProblem):
            report.problems.append(f"{item.href}: {item.message}")
            continue
        draft = parse_card(item.text, item.href)
        if isinstance(draft, ParseProblem):
            report.problems.append(f"{item.href}: {draft.message}")
        else:
            new_cards.append((item, draft))
    if new_cards:
        plan = _plan_new_cards(run, new_cards)
        for entry in plan.entries:
            if entry.action == "new":
                report.created_here += 1
                report.plan_lines.append(f"new here: {entry.draft.label()}")
            else:
                report.updated_here += 1
                report.plan_lines.append(
                    f"same person as contact #{entry.target_id}: {entry.draft.label()} "
                    f"({entry.reason})"
                )
    linked_changed = [h for h in changed if h in run.states]
    report.updated_here += len(linked_changed)
    report.plan_lines += [f"changed on the server: {h}" for h in linked_changed]
    report.archived_here = len(gone)
    report.plan_lines += [f"deleted on the server (archived here): {h}" for h in gone]
    linked = {s.contact_id for s in run.states.values() if s.contact_id is not None}
    fresh = Contact.select().where(Contact.archived == False).count() - len(linked)  # noqa: E712
    report.created_there = max(fresh, 0)
    if report.created_there:
        report.plan_lines.append(f"{report.created_there:,} contact(s) would go to the server")
    return report


# Fields whose losing value can be put back from the history (text and the cadence).
REVERSIBLE = tuple(f for f in SCALARS if f not in ("photo", "birthday", "anniversary"))


def use_other_value(change_id: int) -> str:
    """The user decides a conflict the other way: the contact takes the value that lost
    (the next sync sends it to the server). Returns what was done, in words."""
    change = ImportChange.get_or_none(
        (ImportChange.id == change_id) & (ImportChange.action == "conflict")
    )
    if change is None or change.contact_id is None:
        raise InputError(f"There is no open sync conflict {change_id}.")
    data = json.loads(change.before or "{}")
    name, other = data.get("field"), data.get("other")
    if name not in REVERSIBLE:
        raise InputError(f"The {name} of a conflict cannot be put back automatically.")
    with database.atomic():
        contact = _set_field(change.contact_id, name, other)
        data["winner"] = "server" if data.get("winner") == "here" else "here"
        data["kept"], data["other"] = other, data.get("kept")
        ImportChange.update(before=json.dumps(data)).where(ImportChange.id == change.id).execute()
    return f"{contact.name}: {name} is now {other!r}."


def _set_field(contact_id: int, name: str, value: Any) -> Contact:
    """One REVERSIBLE field of a contact set to a conflict's value, cleaned like an edit."""
    contact = Contact.get_by_id(contact_id)
    if name == "organization":
        org = clean_text(value or "")
        contact.organization = Organization.get_or_create(name=org)[0] if org else None
    elif name == "stay_in_touch_days":
        contact.stay_in_touch_days = value
    else:
        setattr(contact, name, clean_text(value or ""))
    contact.save()
    return contact


def check_connection(url: str, user: str, password: str, addressbook: str = "") -> str:
    from netdesk.services.sync.caldav_push import check_url

    dav = AddressBookClient(check_url(url), user, password)
    book = dav.find_addressbook(addressbook)
    return f"Connected as {user}; contacts will sync with {book}."


def require_config(url: str, user: str) -> None:
    if not url or not user:
        raise InputError("Give --url and --user (they are saved for next time).")
