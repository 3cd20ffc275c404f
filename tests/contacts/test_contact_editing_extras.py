"""Addresses, photo and UID in the editor's service layer (form_values / save_contact)."""

import io

import pytest
from PIL import Image

from netdesk.errors import InputError
from netdesk.models import Address, Contact
from netdesk.services.contacts.editing import (
    form_values,
    replace_contacts,
    save_contact,
    validate_form,
)
from netdesk.services.contacts.records import create_contact, snapshot_contacts

MERCY = {
    "label": "work",
    "street": "2525 S Michigan Ave",
    "locality": "Chicago",
    "region": "IL",
    "postal_code": "60616",
    "country": "USA",
}


def png_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, "PNG")
    return out.getvalue()


def with_address(db):
    contact = create_contact(name="Ana Silva")
    Address.create(contact=contact, po_box="PO 12", extended="Suite 4", **MERCY)
    return contact


def test_form_values_lists_addresses_photo_and_read_only_card_fields(db):
    contact = with_address(db)
    Contact.update(photo=png_bytes(), photo_url="https://x.test/a.jpg", uid="urn:uuid:1").where(
        Contact.id == contact.id
    ).execute()
    values = form_values(Contact.get_by_id(contact.id))
    assert values["addresses"] == [{**MERCY, "po_box": "PO 12", "extended": "Suite 4"}]
    assert values["photo"] == png_bytes()
    assert values["photo_url"] == "https://x.test/a.jpg"
    assert values["uid"] == "urn:uuid:1"


def test_save_replaces_addresses_and_keeps_hidden_columns(db):
    contact = with_address(db)
    values = form_values(contact)
    values["addresses"][0]["locality"] = "Evanston"
    values["addresses"].append({"label": "home", "street": "1 Elm St", "country": "USA"})
    values["addresses"].append({"label": "empty"})  # nothing but a label: dropped
    save_contact(contact.id, values)
    rows = list(Address.select().where(Address.contact == contact).order_by(Address.id))
    assert [(a.label, a.locality, a.street) for a in rows] == [
        ("work", "Evanston", "2525 S Michigan Ave"),
        ("home", "", "1 Elm St"),
    ]
    assert rows[0].po_box == "PO 12" and rows[0].extended == "Suite 4"


def test_unchanged_addresses_keep_their_rows(db):
    contact = with_address(db)
    before = [a.id for a in contact.addresses]
    values = form_values(contact)
    values["title"] = "CNO"
    save_contact(contact.id, values)
    assert [a.id for a in Contact.get_by_id(contact.id).addresses] == before


def test_undo_snapshot_brings_old_addresses_and_photo_back(db):
    contact = with_address(db)
    Contact.update(photo=png_bytes()).where(Contact.id == contact.id).execute()
    before = snapshot_contacts([contact.id])
    values = form_values(Contact.get_by_id(contact.id))
    values["addresses"] = []
    values["photo"] = None
    save_contact(contact.id, values)
    assert Address.select().count() == 0
    assert Contact.get_by_id(contact.id).photo is None
    replace_contacts(before)
    assert form_values(Contact.get_by_id(contact.id))["addresses"][0]["locality"] == "Chicago"
    assert bytes(Contact.get_by_id(contact.id).photo) == png_bytes()


def test_new_contact_with_address_and_photo(db):
    values = {"given_name": "Lin", "addresses": [MERCY], "photo": png_bytes()}
    contact = save_contact(None, values)
    assert form_values(contact)["addresses"][0]["street"] == "2525 S Michigan Ave"
    assert bytes(Contact.get_by_id(contact.id).photo) == png_bytes()


def test_missing_keys_leave_addresses_and_photo_alone(db):
    contact = with_address(db)
    Contact.update(photo=png_bytes()).where(Contact.id == contact.id).execute()
    save_contact(contact.id, {"given_name": "Ana", "family_name": "Silva", "title": "RN"})
    assert Address.select().count() == 1
    assert Contact.get_by_id(contact.id).photo is not None


def test_oversized_photo_is_refused_before_writing(db):
    contact = with_address(db)
    values = {**form_values(contact), "photo": b"\xff" * (256 * 1024 + 1)}
    assert any("photo" in p for p in validate_form(values))
    with pytest.raises(InputError, match="photo"):
        save_contact(contact.id, values)
    assert Contact.get_by_id(contact.id).photo is None
