"""Healthcare credentials, roles and specialties read from names and titles.

Cards arrive as "Jane Doe, MD, FACC" or with "RN, BSN" in the N suffix, and titles
like "Chief Nursing Officer". Recognising them puts the letters in ``credentials``
and gives the contact a role and specialty the user can filter on. Explicit values
always win; this only fills what is empty.
"""

import re

# Credential spelling as displayed -> role it implies ("" = says nothing about role).
CREDENTIALS: dict[str, str] = {
    "MD": "physician",
    "DO": "physician",
    "MBBS": "physician",
    "MBChB": "physician",
    "FACC": "physician",
    "FACS": "physician",
    "FACP": "physician",
    "FAAP": "physician",
    "FACEP": "physician",
    "FRCP": "physician",
    "FRCPC": "physician",
    "FHM": "physician",
    "RN": "nurse",
    "BSN": "nurse",
    "MSN": "nurse",
    "DNP": "nurse",
    "APRN": "nurse",
    "NP": "nurse",
    "FNP": "nurse",
    "FNP-BC": "nurse",
    "CNL": "nurse",
    "CNS": "nurse",
    "CRNA": "nurse",
    "CNM": "nurse",
    "CCRN": "nurse",
    "LPN": "nurse",
    "LVN": "nurse",
    "NE-BC": "nurse",
    "FAAN": "nurse",
    "PharmD": "pharmacist",
    "RPh": "pharmacist",
    "BCPS": "pharmacist",
    "LCSW": "social worker",
    "MSW": "social worker",
    "LICSW": "social worker",
    "RRT": "technician",
    "CNMT": "technician",
    "RT": "technician",
    "CPhT": "technician",
    "MLS": "technician",
    "PT": "therapist",
    "DPT": "therapist",
    "OT": "therapist",
    "OTR/L": "therapist",
    "SLP": "therapist",
    "PA": "physician",
    "PA-C": "physician",
    "DDS": "physician",
    "DMD": "physician",
    "PhD": "researcher",
    "DrPH": "researcher",
    "MPH": "",
    "MS": "",
    "MSc": "",
    "MA": "",
    "BA": "",
    "BS": "",
    "MBA": "administrator",
    "MHA": "administrator",
    "FACHE": "administrator",
    "CPHIMS": "it",
    "JD": "",
    "EdD": "",
}
_BY_KEY = {re.sub(r"[.\s]", "", c).casefold(): c for c in CREDENTIALS}
# Fellowships that imply a specialty.
_CREDENTIAL_SPECIALTY = {"FACC": "Cardiology", "FAAP": "Pediatrics", "FACEP": "Emergency Medicine"}
# A clinical credential decides the role over an administrative one.
_ROLE_RANK = ("physician", "nurse", "pharmacist", "therapist", "social worker", "technician")

_TITLE_ROLES = (
    (re.compile(r"\bnurs(e|es|ing)\b|\bCNO\b", re.I), "nurse"),
    (re.compile(r"\bpharmac", re.I), "pharmacist"),
    (
        re.compile(
            r"\bphysician|\bsurgeon|\bhospitalist|\b\w+ologist\b|\bpediatrician|"
            r"\bresident\b|\bfellow\b|\bCMO\b|chief medical officer",
            re.I,
        ),
        "physician",
    ),
    (re.compile(r"social work|case manager", re.I), "social worker"),
    (re.compile(r"technolog|technician|\bsonographer", re.I), "technician"),
    (re.compile(r"therapist", re.I), "therapist"),
    (
        re.compile(
            r"informatic|\bCMIO\b|\bCIO\b|\bCTO\b|\bEHR\b|\bIT\b|developer|engineer|analyst", re.I
        ),
        "it",
    ),
    (re.compile(r"research|investigator|scientist|\bprofessor\b", re.I), "researcher"),
    (
        re.compile(r"\bsales\b|account (executive|manager)|\brep\b|representative|marketing", re.I),
        "industry",
    ),
    (
        re.compile(
            r"\bCEO\b|\bCOO\b|\bCFO\b|\bVP\b|president|director|manager|administrator|"
            r"officer|\bhead of\b",
            re.I,
        ),
        "administrator",
    ),
)
_SPECIALTIES = (
    (r"cardio", "Cardiology"),
    (r"oncolog", "Oncology"),
    (r"pediatric", "Pediatrics"),
    (r"emergency", "Emergency Medicine"),
    (r"nephrolog", "Nephrology"),
    (r"critical care|\bICU\b|intensiv", "Critical Care"),
    (r"informatic", "Informatics"),
    (r"geriatric", "Geriatrics"),
    (r"infectious", "Infectious Disease"),
    (r"neurolog", "Neurology"),
    (r"radiolog", "Radiology"),
    (r"dermatolog", "Dermatology"),
    (r"psychiatr", "Psychiatry"),
    (r"anesthes", "Anesthesiology"),
    (r"orthop", "Orthopedics"),
    (r"pulmon", "Pulmonology"),
    (r"gastroenterolog", "Gastroenterology"),
    (r"endocrin", "Endocrinology"),
    (r"family medicine", "Family Medicine"),
    (r"internal medicine", "Internal Medicine"),
    (r"hospitalist|hospital medicine", "Hospital Medicine"),
    (r"obstetric|gynecolog|\bOB/?GYN\b", "Obstetrics & Gynecology"),
    (r"surg", "Surgery"),
)
_SPECIALTY_RES = [(re.compile(p, re.I), s) for p, s in _SPECIALTIES]


def credential_spelling(token: str) -> str | None:
    """The canonical spelling of a credential ("m.d." -> "MD"), or None if it is not one."""
    return _BY_KEY.get(re.sub(r"[.\s]", "", token).casefold())


def split_credentials(text: str) -> tuple[str, list[str]]:
    """ "Jane Doe, MD, FACC" -> ("Jane Doe", ["MD", "FACC"]).

    Only trailing tokens that are all credentials are taken, so "Doe, Jane" (the
    family-first form) and names such as "Ma" are left alone.
    """
    text = text.strip()
    found: list[str] = []
    while text:
        head, sep, tail = text.rpartition(",")
        if sep:
            tokens = tail.split()
            spelled = [credential_spelling(t) for t in tokens]
            if tokens and all(spelled):
                found[:0] = spelled
                text = head.strip()
                continue
        # "Jane Doe MD" or a last "..., RN BSN": trailing space-separated credentials
        words = text.split()
        last = words[-1] if len(words) > 1 else ""
        spelled_last = credential_spelling(last) if last else None
        # without a comma, only an exact or all-caps spelling counts ("Ben Ma" is a name)
        if spelled_last and (last.replace(".", "") == spelled_last or last.isupper()):
            found.insert(0, spelled_last)
            text = " ".join(words[:-1]).rstrip(",")
            continue
        break
    return text, _unique(found)


def parse_credential_list(text: str) -> tuple[list[str], list[str]]:
    """Split "Jr., MD, FACC" into (credentials, other suffixes)."""
    creds, other = [], []
    for part in re.split(r"[,;]", text):
        part = part.strip()
        if not part:
            continue
        words = part.split()
        spelled = [credential_spelling(w) for w in words]
        if all(spelled):
            creds.extend(spelled)
        else:
            other.append(part)
    return _unique(creds), other


def _unique(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


def role_from(credentials: list[str], title: str = "") -> str:
    """The most telling role: clinical credentials first, then the title's words."""
    roles = {CREDENTIALS.get(c, "") for c in credentials} - {""}
    for role in _ROLE_RANK:
        if role in roles:
            return role
    for pattern, role in _TITLE_ROLES:
        if title and pattern.search(title):
            return role
    for role in ("researcher", "administrator", "it"):
        if role in roles:
            return role
    return ""


def specialty_from(title: str, department: str = "", credentials: list[str] = ()) -> str:
    for text in (title, department):
        for pattern, specialty in _SPECIALTY_RES:
            if text and pattern.search(text):
                return specialty
    for c in credentials:
        if c in _CREDENTIAL_SPECIALTY:
            return _CREDENTIAL_SPECIALTY[c]
    return ""


def merge_credentials(*groups: str | list[str]) -> str:
    """Join credential lists in order without repeats: "MD, FACC"."""
    out: list[str] = []
    for group in groups:
        items = [g.strip() for g in group.split(",")] if isinstance(group, str) else group
        out.extend(i for i in items if i)
    return ", ".join(_unique(out))


def infer_professional(draft) -> None:
    """Fill credentials, role and specialty of a draft from its name, suffix and title."""
    name, creds = split_credentials(draft.display_name) if draft.display_name else ("", [])
    if creds:
        draft.display_name = name
    suffix_creds, other = parse_credential_list(draft.suffix) if draft.suffix else ([], [])
    if suffix_creds:
        draft.suffix = ", ".join(other)
    given, given_creds = (
        split_credentials(draft.family_name)
        if "," in draft.family_name
        else (draft.family_name, [])
    )
    if given_creds:
        draft.family_name = given
    draft.credentials = merge_credentials(draft.credentials, suffix_creds, creds, given_creds)
    all_creds = [c.strip() for c in draft.credentials.split(",") if c.strip()]
    if not draft.role:
        draft.role = role_from(all_creds, draft.title)
    if not draft.specialty:
        draft.specialty = specialty_from(draft.title, draft.department, all_creds)
