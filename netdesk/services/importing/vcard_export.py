"""Writing contacts back out as vCard 3.0 or 4.0, so nothing is locked in.

Every field the importer reads is written in the form it reads back unchanged
(credentials in FN and X-NETDESK-CREDENTIALS, specialty and NPI as X-NETDESK-
properties, yearless dates as --MM-DD), so import -> export -> import is a no-op.
"""

import base64
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from netdesk.errors import InputError
from netdesk.models import Address, Contact, ContactMethod, ContactTag, Tag
from netdesk.services.contacts.search import ContactFilter, contact_query

VERSIONS = ("3.0", "4.0")
_SOCIAL_TYPES = {
    "linkedin",
    "doximity",
    "sermo",
    "twitter",
    "x",
    "facebook",
    "instagram",
    "researchgate",
    "orcid",
    "mastodon",
    "bluesky",
    "github",
}


def escape(value: str) -> str:
    """RFC 6350 text escaping: backslash, comma, semicolon and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\n")
        .replace("\n", "\\n")
    )


def fold(line: str) -> str:
    """Fold at 75 octets without splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        if size + n > 75:
            out.append(current)
            current, size = " ", 1
        current += ch
        size += n
    out.append(current)
    return "\r\n".join(out)


def _date(value, version: str) -> str:
    if value.year == 1604:
        return f"--{value:%m%d}" if version == "4.0" else f"--{value:%m-%d}"
    return value.isoformat() if version == "3.0" else f"{value:%Y%m%d}"


def _types(label: str, version: str, pref: bool) -> str:
    kinds = [t.strip() for t in label.split(",") if t.strip()]
    kinds = ["cell" if k == "mobile" else k for k in kinds]
    params = ""
    if kinds:
        joined = ",".join(k.replace('"', "") for k in kinds)
        params += f';TYPE="{joined}"' if re.search(r"[;:, ]", joined) else f";TYPE={joined}"
    if pref:
        params += ";PREF=1" if version == "4.0" else ";TYPE=pref"
    return params


def contact_vcard(contact: Contact, version: str = "3.0") -> str:
    """One contact as vCard text (CRLF line endings)."""
    if version not in VERSIONS:
        raise InputError(f"vCard version must be one of {', '.join(VERSIONS)}.")
    name = contact.display_name or contact.name
    if contact.credentials:
        name = f"{name}, {contact.credentials}" if name else contact.credentials
    n = ";".join(
        escape(p)
        for p in (
            contact.family_name,
            contact.given_name,
            contact.additional_names,
            contact.prefix,
            contact.suffix,
        )
    )
    lines = ["BEGIN:VCARD", f"VERSION:{version}", f"N:{n}", f"FN:{escape(name)}"]
    org = contact.organization.name if contact.organization_id else ""
    if org or contact.department:
        departments = [escape(contact.department)] if contact.department else []
        lines.append("ORG:" + ";".join([escape(org), *departments]))
    if not name and not contact.given_name and not contact.family_name and org:
        lines.append("KIND:org" if version == "4.0" else "X-ABSHOWAS:COMPANY")
    for prop, value in (
        ("TITLE", contact.title),
        ("ROLE", contact.role),
        ("NOTE", contact.notes),
        ("UID", contact.uid),
        ("X-NETDESK-SPECIALTY", contact.specialty),
        ("X-NETDESK-CREDENTIALS", contact.credentials),
        ("X-NETDESK-NPI", contact.npi),
    ):
        if value:
            lines.append(f"{prop}:{escape(value)}")
    for m in contact.methods.order_by(ContactMethod.id):
        if m.kind == "email":
            lines.append(f"EMAIL{_types(m.label, version, m.preferred)}:{escape(m.value)}")
        elif m.kind == "phone":
            lines.append(f"TEL{_types(m.label, version, m.preferred)}:{escape(m.value)}")
        elif m.kind == "url":
            lines.append(f"URL{_types(m.label, version, False)}:{m.value}")
        elif m.kind == "social":
            network = m.label.lower() if m.label.lower() in _SOCIAL_TYPES else m.label
            kind = f";TYPE={network}" if network else ""
            lines.append(f"X-SOCIALPROFILE{kind}:{m.value}")
        elif m.kind == "impp":
            service = f";X-SERVICE-TYPE={escape(m.label)}" if m.label else ""
            lines.append(f"IMPP{service}:{m.value}")
    for a in contact.addresses.order_by(Address.id):
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        lines.append(f"ADR{_types(a.label, version, False)}:" + ";".join(escape(p) for p in parts))
    tags = [
        t
        for (t,) in Tag.select(Tag.name)
        .join(ContactTag)
        .where(ContactTag.contact == contact)
        .order_by(Tag.name)
        .tuples()
    ]
    if tags:
        lines.append("CATEGORIES:" + ",".join(escape(t) for t in tags))
    if contact.birthday:
        lines.append(f"BDAY:{_date(contact.birthday, version)}")
    if contact.anniversary:
        lines.append(
            f"ANNIVERSARY:{_date(contact.anniversary, version)}"
            if version == "4.0"
            else f"X-ANNIVERSARY:{_date(contact.anniversary, version)}"
        )
    if contact.photo:
        data = base64.b64encode(bytes(contact.photo)).decode("ascii")
        mime = "png" if bytes(contact.photo).startswith(b"\x89PNG") else "jpeg"
        if version == "4.0":
            lines.append(f"PHOTO:data:image/{mime};base64,{data}")
        else:
            lines.append(f"PHOTO;ENCODING=b;TYPE={mime.upper()}:{data}")
    elif contact.photo_url:
        lines.append(
            f"PHOTO;VALUE=uri:{contact.photo_url}"
            if version == "3.0"
            else f"PHOTO:{contact.photo_url}"
        )
    lines.append("END:VCARD")
    return "".join(fold(line) + "\r\n" for line in lines)


def contacts_to_export(tag: str = "") -> Iterator[Contact]:
    return contact_query(ContactFilter(tag=tag, include_archived=True)).iterator()


def _file_name(contact: Contact, used: set[str]) -> str:
    base = re.sub(r"[^\w.-]+", "_", contact.name or f"contact-{contact.id}").strip("._")[:60]
    name = f"{base or 'contact'}.vcf"
    i = 2
    while name.casefold() in used:
        name = f"{base}-{i}.vcf"
        i += 1
    used.add(name.casefold())
    return name


def export_vcards(
    out: Path,
    *,
    version: str = "3.0",
    split: bool = False,
    tag: str = "",
    contacts: Iterable[Contact] | None = None,
) -> int:
    """Write one .vcf (or, with ``split``, one file per contact in folder ``out``)."""
    if version not in VERSIONS:
        raise InputError(f"vCard version must be one of {', '.join(VERSIONS)}.")
    items = contacts if contacts is not None else contacts_to_export(tag)
    count = 0
    if split:
        out.mkdir(parents=True, exist_ok=True)
        used: set[str] = set()
        for contact in items:
            (out / _file_name(contact, used)).write_text(
                contact_vcard(contact, version), encoding="utf-8", newline=""
            )
            count += 1
        return count
    tmp = out.with_name(out.name + ".part")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        for contact in items:
            fh.write(contact_vcard(contact, version))
            count += 1
    tmp.replace(out)
    return count
