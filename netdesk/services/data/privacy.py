"""Patient-data guard: spot text that looks like it identifies a patient.

Contacts' notes are written by clinicians, and a note can drift into "pt John Smith,
MRN 00482913, DOB 3/4/1961". netdesk warns before saving such text
(:func:`check_before_save`) and never puts it into an exported calendar description
without the user's say-so (:func:`redact`). This is a heuristic net, not a
guarantee; docs/your-data.md says what it does and does not catch.

Detected kinds:

- ``ssn``: 123-45-6789 / 123 45 6789, or nine digits after "SSN" / "social security".
- ``mrn``: a 5-12 character number after MRN, MR#, medical record, chart, patient ID,
  account, encounter or "pt #".
- ``dob``: a date after DOB / date of birth / born, or right after "pt"/"patient"
  and a name ("pt J. Smith 3/4/61") unless the words in between are about a
  meeting ("patient safety summit 3/4/2025").
- ``diagnosis``: "pt Smith with CHF", "Mrs. Lee, admitted for sepsis",
  "COPD patient John Brown": a patient word, a capitalised name and a diagnosis.

Phone numbers (555-123-4567), NPIs (10 digits after "NPI"), ZIP+4 codes and
meeting dates are deliberately not matched.
"""

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Finding:
    kind: str  # "mrn", "ssn", "dob", "diagnosis"
    start: int
    end: int
    excerpt: str


KIND_LABELS = {
    "ssn": "a Social Security number",
    "mrn": "a medical record / chart number",
    "dob": "a date of birth",
    "diagnosis": "a patient's name with a diagnosis",
}

_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DATE = (
    r"(?:\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})"  # 3/4/1961, 03-04-61
    r"|\d{4}-\d{2}-\d{2}"  # 1961-03-04
    rf"|{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}"  # March 4, 1961
    rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}})"  # 4 Mar 1961
)
_PT = r"(?i:\bpt\b\.?|\bpatients?\b|\bMrs?\b\.?|\bMs\b\.?|\bMiss\b)"
_NAME = r"(?:[A-Z][a-z'’-]+|[A-Z]\.)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.)){0,2}"
# Abbreviations match in capitals only ("with MS", not "with ms"); words in any case.
_DIAGNOSES = (
    r"(?:\b(?:CHF|COPD|CAD|CKD|ESRD|AKI|MI|STEMI|NSTEMI|CVA|TIA|DVT|PE|A-?[Ff]ib|AF|HTN|"
    r"DM2?|T[12]DM|HIV|AIDS|TB|UTI|OUD|SUD|TBI|ALS|GBM|HCV|HBV|MRSA|C\.? ?diff)\b"
    r"|(?i:\b(?:heart failure|diabetes|cancer|carcinoma|lymphoma|leuka?emia|melanoma|sarcoma|"
    r"tumou?r|metastas[ie]s|pneumonia|sepsis|stroke|hepatitis(?: [ABC])?|cirrhosis|"
    r"schizophrenia|bipolar(?: disorder)?|depression|dementia|alzheimer'?s|parkinson'?s|"
    r"epilepsy|seizures?|overdose|asthma|hypertension|covid(?:-19)?|influenza|fracture|"
    r"anorexia|psychosis|substance use disorder|opioid use disorder)\b))"
)
_LINK = (
    r"(?:\s*,\s*|\s+)(?i:(?:(?:who\s+)?(?:has|had|with|w/|dx(?:'d)?|diagnosed with|"
    r"admitted (?:for|with)|presenting with|presented with|s/p|status post|suffering from|"
    r"treated for|hx of|history of|known)\s+|\(\s*))"
)
_MEETING_WORDS = re.compile(
    r"\b(?:met|meet|meeting|summit|conference|congress|session|webinar|symposium|forum|"
    r"event|day|week|month|committee|council|advocacy|experience|safety|education|"
    r"portal|survey|call|lunch|dinner|coffee|talk|panel|workshop|course|since|until|"
    r"deadline|due|published|updated)\b",
    re.I,
)

_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("ssn", re.compile(r"\b(?!000|666|9\d\d)\d{3}([- ])(?!00)\d{2}\1(?!0000)\d{4}\b")),
    (
        "ssn",
        re.compile(
            r"\b(?:SSN|SS#|soc(?:ial)?\.? sec(?:urity)?(?: (?:no\.?|number|#))?)\s*[:#]?\s*"
            r"\d{3}[- ]?\d{2}[- ]?\d{4}\b",
            re.I,
        ),
    ),
    (
        "mrn",
        re.compile(
            r"\b(?:MRN|MR\s?#|MR\s?no\.?|med(?:ical)?\.? rec(?:ord)?(?:\s?(?:number|no\.?|#))?|"
            r"chart(?:\s?(?:no\.?|number|#|id))?|(?:patient|pt)\.?\s?(?:id|#|no\.?|number)|"
            r"(?:hospital|account|acct|encounter|visit|FIN|CSN)\s?(?:#|no\.?|number|id))"
            r"\s*[:#]?\s*[A-Z]{0,3}[- ]?\d(?:[\d-]{3,13})\d\b",
            re.I,
        ),
    ),
    (
        "dob",
        re.compile(
            rf"\b(?:DOB|D\.O\.B\.?|date of birth|birth ?date|born(?: on)?)\s*[:]?\s*{_DATE}", re.I
        ),
    ),
    (
        "diagnosis",
        re.compile(rf"{_PT}\s+{_NAME}{_LINK}{_DIAGNOSES}"),
    ),
    (
        "diagnosis",
        re.compile(rf"{_DIAGNOSES}\s+(?i:pt|patient)\b\.?\s+{_NAME}"),
    ),
)
_PT_THEN_DATE = re.compile(
    rf"{_PT}(?P<between>[\s,:(-]*(?:{_NAME})?[\s,:()-]*)(?P<date>{_DATE})(?![\d/.-])"
)


def _patient_dates(text: str) -> list[Finding]:
    """A date right after "pt"/"patient" (and a name) is likely a birth date."""
    found = []
    for m in _PT_THEN_DATE.finditer(text):
        between = m["between"]
        if _MEETING_WORDS.search(between):
            continue
        found.append(Finding("dob", m.start(), m.end(), m.group(0)))
    return found


def find_patient_identifiers(text: str) -> list[Finding]:
    """Every stretch of ``text`` that looks like a patient identifier, in order."""
    text = text or ""
    findings = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(text):
            findings.append(Finding(kind, m.start(), m.end(), m.group(0)))
    findings += _patient_dates(text)
    findings.sort(key=lambda f: (f.start, -f.end))
    unique, last_end = [], -1
    for f in findings:  # of overlapping matches keep the first, widest one
        if f.start >= last_end:
            unique.append(f)
            last_end = f.end
    return unique


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


@dataclass(frozen=True)
class PatientDataCheck:
    """What an editor needs to warn before saving: findings, a message, a redacted text."""

    text: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.findings

    @property
    def kinds(self) -> list[str]:
        return sorted({f.kind for f in self.findings})

    @property
    def message(self) -> str:
        if self.ok:
            return ""
        what = ", ".join(KIND_LABELS.get(k, k) for k in self.kinds)
        shown = "; ".join(f"“{f.excerpt[:40]}”" for f in self.findings[:3])
        return (
            f"This text looks like it contains patient information ({what}): {shown}. "
            "netdesk is for professional contacts; patient details do not belong here. "
            "Redact them, edit the text, or save it as it is."
        )

    @property
    def redacted(self) -> str:
        return redact(self.text)


def check_before_save(text: str) -> PatientDataCheck:
    """Editors call this before saving notes or summaries and warn when ``not check.ok``."""
    return PatientDataCheck(text or "", find_patient_identifiers(text or ""))
