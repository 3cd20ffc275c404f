"""Normalised forms that duplicates are matched on, and field validation."""

import re
from types import ModuleType

DEFAULT_REGION = "US"
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NPI = re.compile(r"^\d{10}$")


def _phonenumbers() -> ModuleType:
    """phonenumbers loads ~50 ms of metadata; only pay for it when a phone is handled."""
    import phonenumbers

    return phonenumbers


def normalize_email(value: str) -> str:
    return value.strip().lower()


def is_valid_email(value: str) -> bool:
    return bool(_EMAIL.match(value.strip())) and len(value) <= 254


def normalize_phone(value: str, region: str = DEFAULT_REGION) -> str:
    """E.164 when the number parses, else the digits (so "555-0100" still matches)."""
    phonenumbers = _phonenumbers()
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", value)
    if phonenumbers.is_possible_number(number):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return re.sub(r"\D", "", value)


def is_valid_phone(value: str, region: str = DEFAULT_REGION) -> bool:
    phonenumbers = _phonenumbers()
    try:
        return phonenumbers.is_possible_number(phonenumbers.parse(value, region))
    except phonenumbers.NumberParseException:
        return False


def normalize_url(value: str) -> str:
    value = value.strip().lower()
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value)
    value = re.sub(r"^www\.", "", value)
    return value.rstrip("/")


def normalize_method(kind: str, value: str) -> str:
    if kind == "email":
        return normalize_email(value)
    if kind == "phone":
        return normalize_phone(value)
    if kind in ("url", "social"):
        return normalize_url(value)
    return value.strip().lower()


def is_valid_npi(value: str) -> bool:
    """NPI check digit: Luhn over "80840" + the first nine digits (CMS rule)."""
    if not _NPI.match(value):
        return False
    digits = [int(d) for d in "80840" + value[:9]]
    total = 0
    for i, d in enumerate(reversed(digits)):
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return (10 - total % 10) % 10 == int(value[9])
