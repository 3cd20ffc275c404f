"""Writing contacts back out as vCard 3.0 or 4.0, so nothing is locked in.

Every field the importer reads is written in the form it reads back unchanged
(credentials in FN and X-NETDESK-CREDENTIALS; role, specialty, NPI, events met and
the stay-in-touch cadence as X-NETDESK- properties; yearless dates as --MM-DD), so
import -> export -> import is a no-op. Properties and parameters netdesk does not
model come back exactly as they were received (services/importing/vcard_extras.py).
"""

import base64
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

from netdesk.errors import InputError
from netdesk.models import Address, Contact, ContactMethod, ContactTag, Event, EventAttendance, Tag
from netdesk.services.contacts.search import ContactFilter, contact_query
from netdesk.services.importing.vcard_extras import address_target, contact_extras, method_target
from netdesk.services.importing.vcard_positions import END, START, position_lines

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


_GROUP = "\x00group\x00"  # stands for an itemN. group until the card's groups are known


def _is_free_label(label: str) -> bool:
    """A label TYPE cannot carry as it is (spaces, capitals): written as Apple's X-ABLabel."""
    return bool(label) and (label != label.lower() or " " in label.strip()) and "," not in label


def _types(label: str, version: str, pref: bool) -> str:
    if _is_free_label(label):
        label = ""
    kinds = [t.strip() for t in label.split(",") if t.strip()]
    kinds = ["cell" if k == "mobile" else k for k in kinds]
    params = ""
    if kinds:
        joined = ",".join(k.replace('"', "") for k in kinds)
        params += f';TYPE="{joined}"' if re.search(r"[;:, ]", joined) else f";TYPE={joined}"
    if pref:
        params += ";PREF=1" if version == "4.0" else ";TYPE=pref"
    return params


def with_params(line: str, params: str) -> str:
    """``line`` with ``params`` added before the colon that starts its value."""
    if not params:
        return line
    quoted = False
    for i, ch in enumerate(line):
        if ch == '"':
            quoted = not quoted
        elif ch == ":" and not quoted:
            return line[:i] + params + line[i:]
    return line


def _number_groups(lines: list[str], kept: list[str]) -> list[str]:
    """Give each free-label pair its own itemN. group, skipping groups kept lines use."""
    used = {line.split(".", 1)[0].lower() for line in kept if "." in line.split(":", 1)[0]}
    out, n, group = [], 0, ""
    for line in lines:
        if line.startswith(_GROUP) and not line.startswith(_GROUP + "X-ABLabel"):
            n += 1
            while f"item{n}" in used:
                n += 1
            group = f"item{n}"
        out.append(line.replace(_GROUP, group + ".", 1) if line.startswith(_GROUP) else line)
    return out


def _labelled(target: str, line: str, label: str) -> list[tuple[str, str]]:
    """The line, and an X-ABLabel for it in a shared group when its label is free text."""
    if not _is_free_label(label):
        return [(target, line)]
    return [(target, _GROUP + line), ("", f"{_GROUP}X-ABLabel:{escape(label)}")]


def _events(contact: Contact) -> list[str]:
    query = (
        Event.select(Event.name, Event.kind, Event.start_date)
        .join(EventAttendance)
        .where(EventAttendance.contact == contact)
        .order_by(Event.start_date, Event.name)
        .tuples()
    )
    return [
        "X-NETDESK-EVENT:" + ";".join((escape(n), kind, d.isoformat() if d else ""))
        for n, kind, d in query
    ]


# What a card handed to someone else leaves out: private notes, tags and dates,
# netdesk's own fields, and the photo (too big for a QR code).
PRIVATE_PROPERTIES = (
    "NOTE",
    "CATEGORIES",
    "BDAY",
    "ANNIVERSARY",
    "X-ANNIVERSARY",
    "UID",
    "X-NETDESK-SPECIALTY",
    "X-NETDESK-CREDENTIALS",
    "X-NETDESK-NPI",
    "X-NETDESK-ROLE",
    "X-NETDESK-EVENT",
    "X-NETDESK-STAY-IN-TOUCH",
    START,
    END,
    "REV",
    "PHOTO",
)


def contact_vcard(
    contact: Contact, version: str = "3.0", *, shareable: bool = False, leave_out: tuple = ()
) -> str:
    """One contact as vCard text (CRLF line endings).

    ``shareable`` leaves out :data:`PRIVATE_PROPERTIES` and every property kept from
    imported cards (for "my card"); ``leave_out`` names further properties to drop (to
    make a QR code smaller).
    """

    if version not in VERSIONS:
        raise InputError(f"vCard version must be one of {', '.join(VERSIONS)}.")
    kept_lines, params = contact_extras(contact.id) if not shareable else ([], {})
    lines = _modelled_lines(contact, version)
    lines = [with_params(line, params.get(target, "")) for target, line in lines]
    lines = _number_groups(lines, kept_lines) + kept_lines
    if not shareable:  # a card handed out (my card, a QR code) shows the primary position only
        lines = _with_positions(contact, version, lines)
    if contact.updated_at:
        lines.append(f"REV:{contact.updated_at:%Y%m%dT%H%M%SZ}")
    lines.append("END:VCARD")
    dropped = (PRIVATE_PROPERTIES if shareable else ()) + tuple(leave_out)
    if dropped:
        lines = _without(lines, dropped)
    return "".join(fold(line) + "\r\n" for line in lines)


def _with_positions(contact: Contact, version: str, lines: list[str]) -> list[str]:
    """The other positions in their own groups (``vcard_positions``); in 4.0 the primary
    ORG / TITLE then say PREF=1, so readers that pick one pick the primary."""
    used = {line.split(".", 1)[0].lower() for line in lines if "." in line.split(":", 1)[0]}
    extra, primary_start = position_lines(contact, version, escape, used)
    if primary_start:
        extra.insert(0, f"{START}:{primary_start.isoformat()}")
    if not extra:
        return lines
    if version == "4.0" and any(line.startswith("item") for line in extra):
        lines = [
            with_params(line, ";PREF=1")
            if re.match(r"(ORG|TITLE)[;:]", line) and "PREF=" not in line.split(":", 1)[0]
            else line
            for line in lines
        ]
    return [*lines, *extra]


def _without(lines: list[str], names: tuple[str, ...]) -> list[str]:
    """``lines`` without the properties ``names``, nor the X-ABLabels they leave alone."""
    kept = [line for line in lines if _property_name(line) not in names]
    labelled = {_group(line) for line in kept if _property_name(line) != "X-ABLABEL"}
    return [
        line for line in kept if _property_name(line) != "X-ABLABEL" or _group(line) in labelled
    ]


def _property_name(line: str) -> str:
    """NAME of ``[group.]NAME[;params]:value``."""
    return re.split("[;:]", line, maxsplit=1)[0].rpartition(".")[2].upper()


def _group(line: str) -> str:
    """group of ``group.NAME[;params]:value`` in lower case; "" when it has none."""
    return re.split("[;:]", line, maxsplit=1)[0].rpartition(".")[0].lower()


def _modelled_lines(contact: Contact, version: str) -> list[tuple[str, str]]:
    """(target, line) for everything netdesk models; targets key kept parameters."""
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
    lines = [("", "BEGIN:VCARD"), ("", f"VERSION:{version}"), ("N", f"N:{n}")]
    lines.append(("FN", f"FN:{escape(name)}"))
    org = contact.organization.name if contact.organization_id else ""
    if org or contact.department:
        departments = [escape(contact.department)] if contact.department else []
        lines.append(("ORG", "ORG:" + ";".join([escape(org), *departments])))
    if contact.kind == "org":  # 3.0 has no KIND; Apple's property is what readers know
        lines.append(("", "KIND:org" if version == "4.0" else "X-ABShowAs:COMPANY"))
    for prop, value in (
        ("TITLE", contact.title),
        ("ROLE", contact.role),
        ("NOTE", contact.notes),
        ("UID", contact.uid),
        ("X-NETDESK-SPECIALTY", contact.specialty),
        ("X-NETDESK-CREDENTIALS", contact.credentials),
        ("X-NETDESK-NPI", contact.npi),
        ("X-NETDESK-ROLE", contact.role),
    ):
        if value:
            lines.append((prop, f"{prop}:{escape(value)}"))
    if contact.stay_in_touch_days:
        lines.append(("", f"X-NETDESK-STAY-IN-TOUCH:{contact.stay_in_touch_days}"))
    lines += [("", line) for line in _events(contact)]
    for m in contact.methods.order_by(ContactMethod.id):
        target = method_target(m.kind, m.normalized)
        if m.kind == "email":
            line = f"EMAIL{_types(m.label, version, m.preferred)}:{escape(m.value)}"
        elif m.kind == "phone":
            line = f"TEL{_types(m.label, version, m.preferred)}:{escape(m.value)}"
        elif m.kind == "url":
            line = f"URL{_types(m.label, version, False)}:{m.value}"
        elif m.kind == "social":
            network = m.label.lower() if m.label.lower() in _SOCIAL_TYPES else m.label
            kind = f";TYPE={network}" if network else ""
            line = f"X-SOCIALPROFILE{kind}:{m.value}"
        elif m.kind == "impp":
            service = f";X-SERVICE-TYPE={escape(m.label)}" if m.label else ""
            line = f"IMPP{service}:{m.value}"
        else:
            continue
        lines += _labelled(target, line, m.label if m.kind in ("email", "phone", "url") else "")
    for a in contact.addresses.order_by(Address.id):
        parts = (a.po_box, a.extended, a.street, a.locality, a.region, a.postal_code, a.country)
        key = (a.street, a.locality, a.region, a.postal_code, a.country, a.po_box, a.extended)
        target = address_target(p.casefold().strip() for p in key)
        line = f"ADR{_types(a.label, version, False)}:" + ";".join(escape(p) for p in parts)
        lines += _labelled(target, line, a.label)
    tags = [
        t
        for (t,) in Tag.select(Tag.name)
        .join(ContactTag)
        .where(ContactTag.contact == contact)
        .order_by(Tag.name)
        .tuples()
    ]
    if tags:
        lines.append(("CATEGORIES", "CATEGORIES:" + ",".join(escape(t) for t in tags)))
    if contact.birthday:
        lines.append(("BDAY", f"BDAY:{_date(contact.birthday, version)}"))
    if contact.anniversary:
        prop = "ANNIVERSARY" if version == "4.0" else "X-ANNIVERSARY"
        lines.append((prop, f"{prop}:{_date(contact.anniversary, version)}"))
    if contact.photo:
        data = base64.b64encode(bytes(contact.photo)).decode("ascii")
        mime = "png" if bytes(contact.photo).startswith(b"\x89PNG") else "jpeg"
        if version == "4.0":
            lines.append(("PHOTO", f"PHOTO:data:image/{mime};base64,{data}"))
        else:
            lines.append(("PHOTO", f"PHOTO;ENCODING=b;TYPE={mime.upper()}:{data}"))
    elif contact.photo_url:
        lines.append(
            (
                "PHOTO",
                f"PHOTO;VALUE=uri:{contact.photo_url}"
                if version == "3.0"
                else f"PHOTO:{contact.photo_url}",
            )
        )
    return lines


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
