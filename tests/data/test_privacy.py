"""The patient-data guard on real-looking notes: what it must catch and must leave alone."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netdesk.services.data.privacy import (
    check_before_save,
    find_patient_identifiers,
    redact,
)

TRUE_POSITIVES = [
    ("pt John Smith, MRN 00482913, DOB 3/4/1961", {"mrn", "dob"}),
    ("Asked about MRN: 4829133 for the referral", {"mrn"}),
    ("MR# A-0048291 follow up", {"mrn"}),
    ("medical record number 12-345-678 in Epic", {"mrn"}),
    ("chart #7734921 was wrong", {"mrn"}),
    ("patient ID 55512345 still open", {"mrn"}),
    ("Encounter # 900123456 billed twice", {"mrn"}),
    ("her SSN is 123-45-6789", {"ssn"}),
    ("SSN: 123456789", {"ssn"}),
    ("social security number 123 45 6789", {"ssn"}),
    ("D.O.B. 04/03/61", {"dob"}),
    ("date of birth: March 4, 1961", {"dob"}),
    ("born on 4 Mar 1961 in Lagos", {"dob"}),
    ("DOB 1961-03-04", {"dob"}),
    ("pt J. Smith 3/4/1961 came back", {"dob"}),
    ("patient Maria Lopez, 12/01/1955, needs a bed", {"dob"}),
    ("pt Smith with CHF", {"diagnosis"}),
    ("Discussed pt Robert Jones w/ COPD exacerbation", {"diagnosis"}),
    ("Mrs. Lee, admitted for sepsis last night", {"diagnosis"}),
    ("Mr. Brown has diabetes and asked about the trial", {"diagnosis"}),
    ("patient Ana Silva (HIV) wants a referral", {"diagnosis"}),
    ("COPD patient John Brown called", {"diagnosis"}),
    ("Pt Garcia diagnosed with lymphoma", {"diagnosis"}),
]

FALSE_POSITIVES = [
    "Call her at 617-555-0199 or (617) 555-0123 after clinic",
    "Cell +1 617 555 0199; office 617.555.0100",
    "NPI 1234567893, cardiology, Mass General",
    "Met on 3/4/2024 at ASCO; follow up in May",
    "Patient safety summit 5/12/2025 in Boston",
    "patient experience day 2025-06-01, she is presenting",
    "Patients first conference March 4, 2025",
    "Works on patient flow; born and raised in Chicago",
    "ZIP 02115-1234, Longwood Ave",
    "Chair of the CHF committee; talk on COPD outcomes",
    "Dr. Smith with the CHF team at Mayo",
    "Mr. Brown has a new job at Kaiser",
    "Room 12345, building B; extension 55123",
    "Published 2023-04-05 in NEJM, doi 10.1056/NEJMoa2034577",
    "Patient advocate Maria Lopez, met at HIMSS 3/14/2025",
    "Patient Experience Day 5/12/2025 keynote",
    "Ms. Patel (MS, RN) leads the unit",
    "Mrs. Okafor, PharmD, with the oncology pharmacy team",
    "Invoice 123-45-678 paid",
    "",
]


@pytest.mark.parametrize("text, kinds", TRUE_POSITIVES, ids=[t for t, _ in TRUE_POSITIVES])
def test_catches_patient_identifiers(text, kinds):
    found = {f.kind for f in find_patient_identifiers(text)}
    assert kinds <= found, (text, found)
    out = redact(text)
    assert "[redacted" in out
    for f in find_patient_identifiers(text):
        assert f.excerpt not in out


@pytest.mark.parametrize("text", FALSE_POSITIVES)
def test_leaves_professional_notes_alone(text):
    assert find_patient_identifiers(text) == [], text
    assert redact(text) == text


def test_check_before_save_gives_a_message_and_a_redacted_text():
    check = check_before_save("Great chat. pt Smith with CHF, MRN 00482913. Send slides.")
    assert not check.ok
    assert check.kinds == ["diagnosis", "mrn"]
    assert "medical record" in check.message and "name with a diagnosis" in check.message
    assert check.redacted == "Great chat. [redacted diagnosis], [redacted mrn]. Send slides."
    assert check_before_save("Send slides to Ana.").ok
    assert check_before_save(None).ok


def test_findings_are_in_order_and_do_not_overlap():
    text = "pt John Smith with CHF, DOB 3/4/1961, MRN 00482913, SSN 123-45-6789"
    found = find_patient_identifiers(text)
    assert [f.start for f in found] == sorted(f.start for f in found)
    assert all(a.end <= b.start for a, b in zip(found, found[1:], strict=False))
    assert {f.kind for f in found} == {"diagnosis", "dob", "mrn", "ssn"}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_guard_never_fails_and_redaction_is_stable(text):
    found = find_patient_identifiers(text)
    for f in found:
        assert text[f.start : f.end] == f.excerpt
    once = redact(text)
    assert redact(once) == once or find_patient_identifiers(once) != []
    assert check_before_save(text).ok == (found == [])


@pytest.mark.timeout(60)  # a regex blow-up would take hours, not seconds
def test_guard_copes_with_a_huge_note_of_near_misses():
    text = ("pt " + "Aaaa " * 5 + "with " + "x" * 20 + " 12/12/") * 2000
    assert find_patient_identifiers(text) == []
