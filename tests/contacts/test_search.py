from netdesk.services.contacts.records import create_contact, update_contact
from netdesk.services.contacts.search import (
    ContactFilter,
    contact_query,
    fts_expression,
    search_contacts,
)


def names(contacts):
    return sorted(c.name for c in contacts)


def test_search_ignores_accents_and_case_and_matches_prefixes(db):
    create_contact(name="José Álvarez", organization="Clínica Mayor")
    create_contact(name="Jane Doe", emails=["jane.doe@stmarys.org"])
    assert names(search_contacts("jose")) == ["José Álvarez"]
    assert names(search_contacts("ALVA")) == ["José Álvarez"]
    assert names(search_contacts("clinica")) == ["José Álvarez"]
    assert names(search_contacts("stmarys")) == ["Jane Doe"]
    assert names(search_contacts("jane.doe@stm")) == ["Jane Doe"]
    assert search_contacts("nobody") == []


def test_search_follows_edits_and_organization_renames(db):
    c = create_contact(name="Ana Silva", organization="Mercy")
    update_contact(c, family_name="Costa", display_name="Ana Costa")
    assert names(search_contacts("costa")) == ["Ana Costa"]
    assert search_contacts("silva") == []
    c.organization.name = "Providence"
    c.organization.save()
    assert names(search_contacts("providence")) == ["Ana Costa"]


def test_hostile_search_text_is_never_a_syntax_error(db):
    create_contact(name="Ana Silva")
    for text in ['"', "AND OR NOT", "*", 'ana"*) OR (', "NEAR(", "'; DROP TABLE contact; --"]:
        list(contact_query(ContactFilter(search=text)))
    assert fts_expression("  ") is None


def test_filters_by_tag_and_role_and_hides_archived(db):
    a = create_contact(name="Ana Silva", role="nurse", tags=["AHA"])
    create_contact(name="Ben Okafor", role="physician", tags=["AHA"])
    assert names(contact_query(ContactFilter(tag="AHA", role="nurse"))) == ["Ana Silva"]
    update_contact(a)
    a.archived = True
    a.save()
    assert names(contact_query(ContactFilter(tag="AHA"))) == ["Ben Okafor"]
    assert len(list(contact_query(ContactFilter(tag="AHA", include_archived=True)))) == 2
