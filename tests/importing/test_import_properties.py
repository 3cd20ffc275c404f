"""Random and mutated cards: the importer never crashes and never half-commits."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netdesk.errors import InputError
from netdesk.models import Contact, ContactMethod, EventAttendance, ImportBatch, database
from netdesk.services.importing.importer import commit_plan, plan_import, undo_import

GOOD = (
    "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Okafor;Chidi;;;MD\r\nFN:Chidi Okafor, MD\r\n"
    "ORG:Mayo Clinic;Cardiology\r\nitem1.EMAIL;type=INTERNET;type=pref:chidi@mayo.example.org\r\n"
    "item1.X-ABLabel:_$!<Other>!$_\r\nTEL;TYPE=WORK,VOICE:+1 507 555 0134\r\n"
    "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Caf=C3=A9 =\r\nnotes\r\n"
    "ADR;TYPE=WORK:;;200 First St;Rochester;MN;55905;USA\r\nBDAY:1980-04-05\r\n"
    "CATEGORIES:a,b\\,c\r\nPHOTO;ENCODING=b;TYPE=PNG:iVBORw0KGgo=\r\nUID:u-1\r\nEND:VCARD\r\n"
)
PROPS = [
    "FN",
    "N",
    "EMAIL",
    "TEL",
    "ORG",
    "TITLE",
    "NOTE",
    "ADR",
    "BDAY",
    "PHOTO",
    "UID",
    "CATEGORIES",
    "URL",
    "X-SOCIALPROFILE",
    "IMPP",
    "item1.EMAIL",
    "item1.X-ABLabel",
]
PARAMS = [
    "",
    ";TYPE=WORK",
    ";type=pref",
    ";ENCODING=QUOTED-PRINTABLE",
    ";CHARSET=bogus",
    ";ENCODING=QUOTED-PRINTABLE;CHARSET=Windows-1252",
    ";ENCODING=b",
    ";VALUE=uri",
    ";X",
]
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)
line = st.builds(
    lambda p, q, v: f"{p}{q}:{v}", st.sampled_from(PROPS), st.sampled_from(PARAMS), text
)
card = st.builds(
    lambda lines, end: (
        "BEGIN:VCARD\r\nVERSION:3.0\r\n"
        + "\r\n".join(lines)
        + ("\r\nEND:VCARD\r\n" if end else "\r\n")
    ),
    st.lists(line, max_size=8),
    st.booleans(),
)


def mutate(data: str, cuts: list[tuple[int, int, str]]) -> str:
    for position, length, insert in cuts:
        position %= max(len(data), 1)
        data = data[:position] + insert + data[position + length :]
    return data


mutation = st.lists(
    st.tuples(
        st.integers(0, 10_000),
        st.integers(0, 5),
        st.sampled_from(
            ["", "\r\n", ":", ";", "=", "\\", " ", "\x00", "BEGIN:VCARD\r\n", "END:VCARD\r\n", "é"]
        ),
    ),
    max_size=6,
)
SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def check_import(db, path) -> None:
    """Plan + commit either works completely or raises InputError having written nothing."""
    before = (Contact.select().count(), ImportBatch.select().count())
    try:
        plan = plan_import([path])
    except InputError as exc:
        assert str(path.name) in str(exc)
        assert (Contact.select().count(), ImportBatch.select().count()) == before
        return
    batch = commit_plan(plan, event_name="Fuzz", tag="fuzz")
    counts = plan.counts()
    assert ImportBatch.select().count() == before[1] + 1
    assert Contact.select().count() == before[0] + counts["created"]
    assert EventAttendance.select().where(EventAttendance.import_batch == batch).count() == len(
        set(batch.contact_ids)
    )
    undo_import(batch.id)
    assert Contact.select().count() == before[0]


@SETTINGS
@given(cards=st.lists(card, min_size=1, max_size=4))
def test_random_cards_never_crash_or_half_commit(db, tmp_path_factory, cards):
    path = tmp_path_factory.mktemp("fuzz") / "random.vcf"
    path.write_bytes("".join(cards).encode("utf-8", "surrogatepass"))
    check_import(db, path)


@SETTINGS
@given(cuts=mutation, encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]))
def test_mutated_real_cards_never_crash_or_half_commit(db, tmp_path_factory, cuts, encoding):
    path = tmp_path_factory.mktemp("fuzz") / "mutated.vcf"
    path.write_bytes(mutate(GOOD * 2, cuts).encode(encoding, "replace"))
    check_import(db, path)


@SETTINGS
@given(cuts=mutation)
def test_failing_commit_leaves_nothing(db, tmp_path_factory, cuts):
    """A failure in the middle of a commit (here: the disk says no) rolls it all back."""
    path = tmp_path_factory.mktemp("fuzz") / "fail.vcf"
    path.write_bytes(mutate(GOOD * 3, cuts).encode("utf-8"))
    try:
        plan = plan_import([path])
    except InputError:
        return
    if not plan.entries:
        return
    before = ContactMethod.select().count()
    database.execute_sql(
        "CREATE TEMP TRIGGER fail_issue BEFORE INSERT ON import_issue "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    )
    try:
        plan.problems.append(plan.problems[0] if plan.problems else _problem())
        try:
            commit_plan(plan, event_name="Fail")
        except Exception as exc:  # noqa: BLE001 — the point is what is left behind
            assert "disk full" in str(exc)
        else:
            raise AssertionError("commit should have failed")
    finally:
        database.execute_sql("DROP TRIGGER IF EXISTS temp.fail_issue")
    assert Contact.select().count() == 0 and ImportBatch.select().count() == 0
    assert ContactMethod.select().count() == before


def _problem():
    from netdesk.services.importing.drafts import ParseProblem

    return ParseProblem("x.vcf", 1, 1, "synthetic", "")
