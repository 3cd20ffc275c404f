"""Patient-data guard: spot text that looks like it identifies a patient.

Contacts' notes are written by clinicians, and a note can drift into "pt John Smith,
MRN 00482913, DOB 3/4/1961". netdesk warns before saving such text and never puts
it into an exported calendar description without the user's say-so. This is a
heuristic net, not a guarantee; docs/privacy.md says what it does and does not catch.
"""

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str  # "mrn", "ssn", "dob", ...
    start: int
    end: int
    excerpt: str


_PATTERNS = (
    ("ssn", re.compile(r"\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b")),
    (
        "mrn",
        re.compile(
            r"\b(?:MRN|medical record(?: number| no\.?)?|chart(?: no\.?| number| #)?)\s*[:#]?\s*[A-Z]{0,3}\d{5,12}\b",
            re.I,
        ),
    ),
    (
        "dob",
        re.compile(
            r"\b(?:DOB|d\.o\.b\.?|date of birth|born)\s*[:]?\s*\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}\b",
            re.I,
        ),
    ),
)


def find_patient_identifiers(text: str) -> list[Finding]:
    """Every stretch of ``text`` that looks like a patient identifier, in order."""
    findings = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text or ""):
            findings.append(Finding(kind, m.start(), m.end(), m.group(0)))
    return sorted(findings, key=lambda f: f.start)


def redact(text: str) -> str:
    """``text`` with every finding replaced by ``[redacted <kind>]``."""
    out, pos = [], 0
    for f in find_patient_identifiers(text):
        if f.start < pos:
            continue
        out.append(text[pos : f.start])
        out.append(f"[redacted {f.kind}]")
        pos = f.end
    out.append(text[pos:])
    return "".join(out)
