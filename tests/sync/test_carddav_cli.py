"""``netdesk sync-carddav`` end to end: the CLI, kill -9 in the middle, refusals."""

import os
import signal
import subprocess
import sys

from dav_stub import Proxy, serve

from netdesk.models import CardSyncState, Contact, close_database, open_database
from netdesk.services.contacts.records import create_contact
from netdesk.services.sync.dav import AddressBookClient


def run_cli(db_path, cli_env, radicale, *args, password=None):
    env = dict(cli_env, NETDESK_CARDDAV_PASSWORD=password or radicale.password)
    env["NETDESK_NO_AUTO_BACKUP"] = "1"
    return subprocess.run(
        [sys.executable, "-m", "netdesk", "--db", str(db_path), "sync-carddav", *args],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip


def make_contacts(db_path, n: int) -> None:
    open_database(db_path)
    for i in range(n):
        create_contact(given_name=f"K{i}", family_name="Nine", emails=[f"k{i}@h.example.org"])
    close_database()


def test_cli_syncs_dry_runs_and_says_what_it_did(tmp_path, cli_env, radicale, carddav_book):
    db = tmp_path / "a.sqlite3"
    make_contacts(db, 2)
    args = ("--url", carddav_book, "--user", radicale.user)
    dry = run_cli(db, cli_env, radicale, *args, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "dry run" in dry.stdout and "2 contact(s) would go to the server" in dry.stdout
    done = run_cli(db, cli_env, radicale, *args)
    assert done.returncode == 0, done.stderr
    assert "on the server 2 new" in done.stdout
    again = run_cli(db, cli_env, radicale)  # URL and user were saved
    assert again.returncode == 0 and "on the server 0 new, 0 updated" in again.stdout


def test_cli_refusals_are_one_line_with_exit_2(tmp_path, cli_env, radicale, carddav_book):
    db = tmp_path / "a.sqlite3"
    make_contacts(db, 10)
    args = ("--url", carddav_book, "--user", radicale.user)
    wrong = run_cli(db, cli_env, radicale, *args, password="nope")
    assert wrong.returncode != 0 and "refused user 'alice'" in wrong.stderr
    assert len(wrong.stderr.strip().splitlines()) == 1
    assert run_cli(db, cli_env, radicale, *args).returncode == 0
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    listing = dav.etag_listing()
    for href in sorted(listing.etags)[:4]:
        dav.delete(href, listing.etags[href])
    refused = run_cli(db, cli_env, radicale, *args)
    assert refused.returncode != 0 and "--allow-deletions" in refused.stderr
    allowed = run_cli(db, cli_env, radicale, *args, "--allow-deletions")
    assert allowed.returncode == 0 and "4 archived" in allowed.stdout


def test_kill_9_in_the_middle_is_completed_by_the_next_run(
    tmp_path, cli_env, radicale, carddav_book
):
    db = tmp_path / "a.sqlite3"
    make_contacts(db, 12)
    proxy = Proxy(radicale.url)
    proxy.hold_after_puts = 5  # the 5th card reaches the server, then the answer never comes
    base, stop = serve(proxy)
    url = carddav_book.replace(radicale.url, base)
    env = dict(cli_env, NETDESK_CARDDAV_PASSWORD=radicale.password, NETDESK_NO_AUTO_BACKUP="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netdesk", "--db", str(db), "sync-carddav", "--url", url,
         "--user", radicale.user],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert proxy.held.wait(60), "the sync never reached the 5th card"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        proxy.hold_after_puts = None
        proxy.release.set()
        again = run_cli(db, cli_env, radicale, "--url", url, "--user", radicale.user)
        assert again.returncode == 0, again.stderr
    finally:
        proxy.release.set()
        stop()
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    cards = [c.text for c in dav.multiget(dav.etag_listing().etags)]
    names = sorted(x.strip() for text in cards for x in text.split("\n") if x.startswith("FN:"))
    assert names == sorted(f"FN:K{i} Nine" for i in range(12))  # each exactly once
    open_database(db)
    try:
        assert Contact.select().count() == 12
        states = list(CardSyncState.select())
        assert len(states) == 12 and not any(s.pending for s in states)
        assert all(s.etag for s in states)
    finally:
        close_database()


def test_cli_prefer_decides_a_field_changed_on_both_sides(
    tmp_path, cli_env, radicale, carddav_book
):
    import re

    db = tmp_path / "a.sqlite3"
    make_contacts(db, 1)
    args = ("--url", carddav_book, "--user", radicale.user)
    assert run_cli(db, cli_env, radicale, *args).returncode == 0
    dav = AddressBookClient(carddav_book, radicale.user, radicale.password)
    dav.find_addressbook()
    (href,) = dav.etag_listing().etags
    open_database(db)
    try:
        contact = Contact.get()
        contact.title = "Ward Manager"  # here, edited later than the server's change below
        contact.save()
    finally:
        close_database()
    card = dav.get(href)
    text = re.sub(r"REV:[^\r\n]*\r\n", "REV:20000101T000000Z\r\n", card.text)
    dav.put(href, text.replace("END:VCARD", "TITLE:Head Nurse\r\nEND:VCARD"), card.etag)
    bad = run_cli(db, cli_env, radicale, "--prefer", "loudest")
    assert bad.returncode == 2 and "invalid choice: 'loudest'" in bad.stderr
    done = run_cli(db, cli_env, radicale, "--prefer", "theirs")  # newest would keep ours
    assert done.returncode == 0, done.stderr
    assert "conflict(s) decided (the server's value wins" in done.stdout
    assert "conflict: K0 Nine — title: kept 'Head Nurse', not 'Ward Manager'" in done.stdout
    open_database(db)
    try:
        assert Contact.get().title == "Head Nurse"
    finally:
        close_database()
    assert "TITLE:Head Nurse" in dav.get(href).text
