"""Links from any imported file are stored only with a safe scheme (never javascript:, data:, …)."""

import pytest

from netdesk.models import ContactMethod
from netdesk.services.contacts.normalize import is_safe_link, link_scheme
from netdesk.services.importing.importer import commit_plan, plan_import


@pytest.mark.parametrize(
    ("value", "scheme", "safe"),
    [
        ("https://mayo.example.org", "https", True),
        ("www.mayo.example.org", "", True),
        ("mayo.example.org:8443/x", "", True),
        ("mailto:a@b.org", "mailto", True),
        ("javascript:alert(1)", "javascript", False),
        ("  JaVaScRiPt:alert(1)", "javascript", False),
        ("java\tscript:alert(1)", "javascript", False),
        ("\x01javascript:alert(1)", "javascript", False),
        ("data:text/html;base64,PHNjcmlwdD4=", "data", False),
        ("file:///etc/passwd", "file", False),
        ("vbscript:msgbox", "vbscript", False),
    ],
)
def test_link_schemes(value, scheme, safe):
    assert link_scheme(value) == scheme
    assert is_safe_link(value) is safe


def test_vcard_and_csv_never_store_unsafe_links(db, tmp_path):
    vcf = tmp_path / "leads.vcf"
    vcf.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ana Silva\nEMAIL:ana@prov.example.org\n"
        "URL:javascript:alert(1)\nURL:https://prov.example.org\n"
        "X-SOCIALPROFILE;TYPE=linkedin:data:text/html,hi\nEND:VCARD\n"
    )
    csv = tmp_path / "leads.csv"
    csv.write_text(
        "First Name,Last Name,E-mail Address,Web Page\n"
        "Ben,Okafor,ben@x.example.org,javascript:alert(1)\n"
    )
    plan = plan_import([vcf, csv])
    warnings = " ".join(p.message for p in plan.all_problems())
    assert "javascript: link" in warnings and "data: link" in warnings
    commit_plan(plan)
    values = [m.value for m in ContactMethod.select()]
    assert "https://prov.example.org" in values
    assert not [v for v in values if not is_safe_link(v)]
