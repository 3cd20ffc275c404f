"""``netdesk my-card``: mark the contact that is you, and write your card as QR or vCard."""

from pathlib import Path

from netdesk.commands.common import print_json


def register(subparsers) -> None:
    p = subparsers.add_parser(
        "my-card", help="your own card: mark which contact is you, write it as a QR code or vCard"
    )
    who = p.add_mutually_exclusive_group()
    who.add_argument("--set", type=int, metavar="CONTACT_ID", help="mark this contact as you")
    who.add_argument("--clear", action="store_true", help="no contact is you any more")
    p.add_argument("--qr", type=Path, metavar="OUT.png|.svg", help="write the QR code")
    p.add_argument("--vcf", type=Path, metavar="OUT.vcf", help="write the vCard 3.0")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=my_card)


def my_card(args) -> int:
    from netdesk.services.capture.my_card import (
        my_card_code,
        require_my_contact,
        save_my_card,
        set_my_contact,
    )

    if args.clear:
        set_my_contact(None)
        print("No contact is marked as you now.")
        return 0
    if args.set is not None:
        set_my_contact(args.set)
    contact = require_my_contact()
    code = my_card_code(contact)
    written = []
    if args.vcf:
        save_my_card(contact, args.vcf, "vcf")
        written.append(str(args.vcf))
    if args.qr:
        save_my_card(contact, args.qr, "qr")
        written.append(str(args.qr))
    if args.json:
        print_json(
            {
                "contact": contact.id,
                "name": contact.name,
                "qr_version": code.version,
                "left_out": code.left_out,
                "written": written,
                "vcard": code.vcard,
            }
        )
        return 0
    print(f"My card: {contact.name} (contact {contact.id}), QR version {code.version}.")
    if code.left_out:
        print(f"Left out of the QR code to keep it quick to scan: {', '.join(code.left_out)}.")
    for path in written:
        print(f"Wrote {path}.")
    return 0
