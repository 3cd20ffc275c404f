"""Splitting the text of a business card into a contact's fields.

OCR gives lines in reading order, not fields. Each line is classified by what it
unmistakably holds first (an email, a web address, phone numbers found by
phonenumbers in the card's region, a postal address), then by words that mark a
title, a department or an organization in English, German, French and Spanish;
the person's name is the first remaining line that reads like one, with trailing
credentials (MD, RN, PharmD, FACHE, …) split off. The user checks the result in the
import review, next to the photo.
"""

import re
import unicodedata
from dataclasses import dataclass

from netdesk.services.contacts.credentials import (
    credential_spelling,
    infer_professional,
    split_credentials,
)
from netdesk.services.importing.drafts import ContactDraft, DraftAddress, DraftMethod

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}", re.I)
_URL = re.compile(
    r"(?:https?://)?(?:www\.[\w-]+(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|edu|de|fr|es|"
    r"cat|eu|uk|ch|at|io|health)/[\w/%.-]*|(?:linkedin\.com|doximity\.com)/\S+)(?:/[\w/%.#?=-]*)?",
    re.I,
)
_LABEL = re.compile(
    r"^\s*(?:e-?mail|courriel|correo(?: electr[oó]nico)?|web(?:site)?|internet|url|"
    r"tel(?:efon|éfono|efono|ephone)?|t[eé]l|phone|ph|t|m|f|p|mobile?|mobil|handy|cell|"
    r"portable|m[oó]vil|fax|office|direct|dir|o|w)\s*[.:]?\s*(?=[+(\d]|[\w.+-]+@|www|http)",
    re.I,
)
_PHONE_LABELS = (
    (re.compile(r"\b(fax|f)\b\.?", re.I), "fax"),
    (re.compile(r"\b(mobile?|mobil|handy|cell|portable|m[oó]vil|m)\b\.?", re.I), "mobile"),
)
_COUNTRIES = {
    "US": ("usa", "united states"),
    "DE": ("deutschland", "germany"),
    "FR": ("france",),
    "ES": ("españa", "espana", "spain"),
    "GB": ("united kingdom", "england"),
    "CH": ("schweiz", "suisse", "switzerland"),
    "AT": ("österreich", "austria"),
}
_US_CITY = re.compile(
    r"^(?P<city>[A-Za-z .'-]+),\s*(?P<region>[A-Z]{2})\.?\s+(?P<zip>\d{5}(?:-\d{4})?)$"
)
_EU_CITY = re.compile(
    r"^(?:(?:D|F|E|A|CH)\s*-\s*)?(?P<zip>\d{4,5})\s+(?P<city>[^\d,]{2,60}?)(?:\s*(?:cedex)\b.*)?$",
    re.I,
)
_STREET = re.compile(
    r"(\d+\w?\s+.*\b(street|st|avenue|ave|road|rd|boulevard|blvd|drive|dr|lane|ln|way|place|pl|"
    r"parkway|pkwy|court|ct|plaza|circle|highway|hwy|sw|se|nw|ne)\b\.?)|"
    r"(\b(stra(ß|ss)e|str\.|weg|platz|allee|ring|gasse|damm|ufer|feld)\b.*\d)|"
    r"(\w+(stra(ß|ss)e|str\.|weg|platz|allee|ring|gasse|damm)\s*\d)|"
    r"(^\d+,?\s+(rue|avenue|av\.|boulevard|bd|place|quai|chemin|allée|impasse|cours)\b)|"
    r"(^(rue|avenue|boulevard|place|quai|chemin|allée)\b)|"
    r"(^(calle|c/|avda\.?|avenida|paseo|plaza|carrer|passeig|pza\.?|ronda|camino|travesía)\b)|"
    r"(\b(suite|ste\.?|floor|building|bldg|p\.?o\.? box|postfach|bp|apartado)\b\s*\d)",
    re.I,
)
_DEPARTMENT = re.compile(
    r"^(department|dept\.?|division|section|unit|program|center for|centre for|"
    r"abteilung|klinik für|klinik fur|institut für|institut fur|zentrum für|zentrum fur|"
    r"service d[eu']|service des|département|departement|pôle|pole|unité|unite|"
    r"servicio d[e]|departamento|unidad|sección|seccion|área de|area de|"
    r"school of|faculty of|college of|office of)\b",
    re.I,
)
_ORGANIZATION = re.compile(
    r"\b(hospital|hospitals|clinic|clinics|medical cent(er|re)|health|healthcare|health system|"
    r"university|college|institute|foundation|laborator(y|ies)|labs?|pharma(ceuticals?)?|"
    r"inc|llc|ltd|corp|corporation|company|group|associates|partners|systems|"
    r"cedars-sinai|mayo|kaiser|"
    r"klinikum|krankenhaus|universitätsklinikum|universitatsklinikum|uniklinik|charité|"
    r"klinik|kliniken|praxis|gmbh|ag|e\.v\.|stiftung|universität|universitat|"
    r"hôpital|hopital|chu|chru|clinique|centre hospitalier|ap-hp|aphp|université|universite|"
    r"institut|sas|sarl|"
    r"clínic|clinic|clínica|clinica|universidad|universitario|fundación|fundacion|"
    r"s\.a\.|s\.l\.|sanitas|quirónsalud|quironsalud|salud)\b",
    re.I,
)
_TITLE = re.compile(
    r"\b(director|directora|manager|chief|officer|president|vice|vp|head|physician|nurse|"
    r"surgeon|professor|prof|consultant|coordinator|specialist|administrator|pharmacist|"
    r"technologist|technician|therapist|resident|fellow|attending|lead|leader|supervisor|"
    r"ceo|cmo|cno|cio|cmio|cfo|coo|cto|cnio|chair|chairman|chairwoman|dean|engineer|analyst|"
    r"scientist|researcher|investigator|educator|social worker|practitioner|assistant|associate|"
    r"executive|partner|founder|owner|representative|sales|account|"
    r"leiter|leiterin|leitung|oberarzt|oberärztin|oberarztin|chefarzt|chefärztin|chefarztin|"
    r"facharzt|fachärztin|facharztin|assistenzarzt|assistenzärztin|arzt|ärztin|arztin|"
    r"pflegedirektor|pflegedirektorin|pflegedienstleitung|stationsleitung|geschäftsführer|"
    r"geschäftsführerin|geschaftsfuhrer|direktor|direktorin|apotheker|apothekerin|referent|"
    r"referentin|professorin|gesundheits- und krankenpfleger(in)?|"
    r"directeur|directrice|médecin|medecin|chef|cheffe|infirmier|infirmière|infirmiere|"
    r"praticien|pharmacien|pharmacienne|responsable|cadre|chargé|chargée|interne|"
    r"jefe|jefa|médico|medico|médica|medica|enfermero|enfermera|coordinador|coordinadora|"
    r"gerente|supervisor|supervisora|farmacéutico|farmacéutica|farmaceutico|farmaceutica|"
    r"adjunto|adjunta|catedrático|catedrática|investigador|investigadora|responsable)\b",
    re.I,
)
_PREFIXES = ("dr. med.", "dr. med", "prof. dr.", "pd dr.", "prof.", "prof", "dr.", "dr", "pr.",
             "pr", "mr.", "mrs.", "ms.", "mr", "mrs", "ms", "dra.", "dra", "sr.", "sra.", "mme",
             "m.", "frau", "herr")  # fmt: skip
_PARTICLES = {"von", "van", "der", "de", "del", "la", "las", "los", "da", "di", "du", "le", "y",
              "zu", "ten", "ter", "dos", "das", "st."}  # fmt: skip
_NAME_WORD = re.compile(r"^[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’-]*(?:-[A-ZÀ-ÖØ-Þ][a-zà-öø-ÿ'’]*)?\.?$|^[A-Z]\.$")


@dataclass
class _Line:
    text: str
    used: bool = False


def fold(text: str) -> str:
    """Lower case without accents, for keyword tests that OCR's lost umlauts do not defeat."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def clean_lines(text: str) -> list[str]:
    """OCR lines without stray bullets, bars and doubled spaces; empty ones dropped."""
    out = []
    for raw in text.splitlines():
        line = raw.replace("\u2014", "-").replace("|", " ").replace("•", " ").replace("·", " ")
        if "@" in line or "www" in line.lower():  # OCR spaces: "jane @ x. org"
            line = re.sub(r"\s*@\s*", "@", line)
            line = re.sub(r"(?<=\w)\.\s+(?=[a-z]{2,}\b)", ".", line)
        line = re.sub(r"\s+", " ", line).strip(" -_~*")
        if len(re.sub(r"\W", "", line)) >= 2:
            out.append(line)
    return out


def region_of(lines: list[str], default: str) -> str:
    """The country the card's address names ("Deutschland", "D-69120", "+49"), else ``default``."""
    text = fold(" ".join(lines))
    for region, words in _COUNTRIES.items():
        if any(re.search(rf"\b{re.escape(fold(w))}\b", text) for w in words):
            return region
    prefix = re.search(r"\b(D|F|E|A|CH)\s*-\s*\d{4,5}\b", " ".join(lines))
    if prefix:
        return {"D": "DE", "F": "FR", "E": "ES", "A": "AT", "CH": "CH"}[prefix.group(1)]
    if not re.search(r"\b[A-Z]{2}\.?\s+\d{5}\b", " ".join(lines)):  # no "MN 55905"
        codes = re.findall(r"\+\s?(\d{1,2})", " ".join(lines))
        by_code = {"49": "DE", "33": "FR", "34": "ES", "44": "GB", "41": "CH", "43": "AT"}
        for code in codes:
            if code in by_code:
                return by_code[code]
    return default


def draft_from_card_text(text: str, file: str = "", region: str = "US") -> ContactDraft:
    """The contact a business card's OCR text describes (fields left empty when unsure)."""
    lines = [_Line(t) for t in clean_lines(text)]
    draft = ContactDraft(file=file, card=1, line=1)
    region = region_of([line.text for line in lines], region)
    for line in lines:
        _contact_methods(line, draft, region)
    _address(lines, draft)
    for line in lines:
        if not line.used and _is_name(line.text):
            _set_name(draft, line.text)
            line.used = True
            break
    for line in lines:
        if line.used:
            continue
        folded = fold(line.text)
        if not draft.department and _DEPARTMENT.match(folded):
            draft.department, line.used = line.text, True
        elif not draft.title and _TITLE.search(folded) and not _ORGANIZATION.search(folded):
            draft.title, line.used = line.text, True
        elif not draft.organization and _ORGANIZATION.search(folded):
            draft.organization, line.used = line.text, True
        elif not draft.title and _TITLE.search(folded):
            draft.title, line.used = line.text, True
    leftovers = [line.text for line in lines if not line.used]
    if not draft.organization and leftovers and _looks_like_org_name(leftovers[0]):
        draft.organization = leftovers.pop(0)
    if leftovers:
        draft.notes = "From the card: " + " / ".join(leftovers)
    infer_professional(draft)
    return draft


def _contact_methods(line: _Line, draft: ContactDraft, region: str) -> None:
    text = line.text
    for email in _EMAIL.findall(text):
        draft.methods.append(DraftMethod("email", email.strip(".").lower()))
        text = text.replace(email, " ")
        line.used = True
    for url in _URL.findall(text):
        if "@" in url:
            continue
        kind = "social" if re.search(r"linkedin|doximity", url, re.I) else "url"
        label = "LinkedIn" if "linkedin" in url.lower() else "Doximity" if kind == "social" else ""
        draft.methods.append(DraftMethod(kind, url.rstrip(".,;"), label))
        text = text.replace(url, " ")
        line.used = True
    phones = _phones(text, region)
    if phones:
        line.used = True
        draft.methods.extend(phones)
    rest = re.sub(r"\s+", " ", text).strip(" ,;|-")
    if line.used and not phones and len(re.sub(r"[^a-zA-ZÀ-ÿ]", "", rest)) >= 4:
        line.text, line.used = rest, False  # "Northwell Health www.northwell.org"


def _phones(text: str, region: str) -> list[DraftMethod]:
    from netdesk.services.contacts.normalize import _phonenumbers

    phonenumbers = _phonenumbers()
    if sum(c.isdigit() for c in text) < 6:
        return []
    out = []
    for match in phonenumbers.PhoneNumberMatcher(
        text, region, leniency=phonenumbers.Leniency.POSSIBLE
    ):
        before = text[max(0, match.start - 14) : match.start]
        label = "work"
        for pattern, name in _PHONE_LABELS:
            if pattern.search(before):
                label = name
        number = phonenumbers.format_number(
            match.number, phonenumbers.PhoneNumberFormat.INTERNATIONAL
        )
        out.append(DraftMethod("phone", number, label))
    return out


def _address(lines: list[_Line], draft: ContactDraft) -> None:
    """A street line and a "City, ST 12345" / "12345 City" line (either may be alone)."""
    address = DraftAddress(label="work")
    for i, line in enumerate(lines):
        if line.used:
            continue
        text = line.text
        us = _US_CITY.match(text)
        eu = None if us or _STREET.search(text) else _EU_CITY.match(text)
        if (us or eu) and not address.locality:
            match = us or eu
            address.locality = match.group("city").strip(" ,")
            address.postal_code = match.group("zip")
            if us:
                address.region = match.group("region")
            line.used = True
            if (
                not address.street
                and i > 0
                and not lines[i - 1].used
                and _STREET.search(lines[i - 1].text)
            ):
                address.street, lines[i - 1].used = lines[i - 1].text, True
            continue
        if not address.street and _STREET.search(text) and not _TITLE.search(fold(text)):
            address.street, line.used = text, True
    for line in lines:
        if not line.used and any(
            fold(line.text) in (fold(w) for w in ws) for ws in _COUNTRIES.values()
        ):
            address.country, line.used = line.text, True
    if address.street or address.locality:
        draft.addresses.append(address)


def _strip_prefix(text: str) -> tuple[str, str]:
    folded = text.casefold()
    for prefix in _PREFIXES:
        if folded.startswith(prefix + " "):
            return text[: len(prefix)].strip(), text[len(prefix) :].strip()
    return "", text


def _is_name(text: str) -> bool:
    if any(c.isdigit() for c in text) or "@" in text:
        return False
    _, rest = _strip_prefix(text)
    bare, _ = split_credentials(rest)
    folded = fold(bare)
    if _ORGANIZATION.search(folded) or _DEPARTMENT.match(folded) or _TITLE.search(folded):
        return False
    words = bare.replace(",", " ").split()
    if not 2 <= len(words) <= 5:
        return False
    named = [w for w in words if w.casefold() not in _PARTICLES]
    return len(named) >= 2 and all(_NAME_WORD.match(w) for w in named)


def _set_name(draft: ContactDraft, text: str) -> None:
    from netdesk.services.contacts.records import split_name

    prefix, rest = _strip_prefix(text)
    bare, credentials = split_credentials(rest)
    words = bare.split()
    while len(words) > 2 and credential_spelling(words[-1]):  # "Jane Doe MD" without a comma
        credentials.insert(0, credential_spelling(words.pop()))
    draft.prefix = prefix
    draft.display_name = " ".join(words)
    draft.given_name, draft.family_name = split_name(draft.display_name)
    draft.credentials = ", ".join(credentials)


def _looks_like_org_name(text: str) -> bool:
    """A short leftover line in capitals or title case, like "MedTech Solutions"."""
    words = text.split()
    return 1 <= len(words) <= 6 and all(w[:1].isupper() or not w[:1].isalpha() for w in words)
