"""Contact e-mails and phones with their labels; national numbers need the page's country."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.extract.contacts import (
    ASIDE_RULE,
    FOOTER_RULE,
    country_of_host,
    parse_contacts,
    without_boilerplate_emails,
)
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField
from tests.scrapers.extract.blocks_of import blocks_of


def _contacts(body: str, region: str | None = "FR") -> dict[str, dict[str, object]]:
    facts = parse_contacts(blocks_of(body), "https://x.example/", region=region)
    return {fact.key: dict(fact.value.to_json()) for fact in facts}


@pytest.mark.parametrize(
    ("text", "region", "number"),
    [
        ("Tél. : +33 (0)4 76 57 45 00", None, "+33476574500"),
        ("Tél. : 04 76 57 45 00", "FR", "+33476574500"),
        ("Puh. 050 442 1001", "FI", "+358504421001"),
        ("Vaihde +358 9 47001", None, "+358947001"),
        ("Tel. 0984 496 123", "IT", "+390984496123"),
        ("Telefon: +49 (0)5555 123-456", None, "+495555123456"),
        ("Téléphone : 819 821-8000, poste 65432", "CA", "+18198218000"),
    ],
)
def test_phones_are_normalized_to_e164(text: str, region: str | None, number: str) -> None:
    assert list(_contacts(f"<main><p>{text}</p></main>", region)) == [number]


def test_national_numbers_need_the_page_country() -> None:
    assert _contacts("<main><p>Tél. : 04 76 57 45 00</p></main>", region=None) == {}


def test_fax_numbers_are_not_contacts() -> None:
    body = "<main><p>Telefon: +49 5555 123456<br>Fax: +49 5555 123499</p></main>"
    assert list(_contacts(body)) == ["+495555123456"]


def test_a_contact_is_labelled_by_the_words_before_it_or_the_line_above() -> None:
    body = (
        "<main><p>International Relations Office<br>E-mail: incoming@tse.example<br>"
        "Phone: +33 4 77 91 58 80</p>"
        "<p>Aalto University, P.O. Box 11000, Finland. Switchboard +358 9 47001</p></main>"
    )
    assert _contacts(body) == {
        "incoming@tse.example": {
            "email": "incoming@tse.example",
            "label": "International Relations Office",
        },
        "+33477915880": {"phone": "+33477915880", "label": None},
        "+358947001": {"phone": "+358947001", "label": "Switchboard"},
    }


def test_links_count_and_the_footers_e_mails_give_way_to_the_pages_own() -> None:
    body = (
        '<main><p><a href="mailto:incoming@x.example">Write to us</a></p>'
        '<p><a href="tel:+33476574500">Call us</a></p></main>'
        "<footer><p>incoming@x.example · standard@x.example</p></footer>"
    )
    facts = {f.key: f for f in parse_contacts(blocks_of(body), "https://x.example/", region="FR")}
    assert {key: (f.field, f.confidence) for key, f in facts.items()} == {
        "incoming@x.example": (FactField.EMAIL, 0.9),
        "+33476574500": (FactField.PHONE, 0.9),
    }


def test_a_side_boxs_other_offices_give_way_to_the_contents_own_address() -> None:
    # Decision 0260: "Other offices: accommodation@" beside the content's exchange contact is
    # not this page's contact; the side box's phone stays, and so does an address of the
    # content that the side box repeats.
    body = (
        '<main><p>Exchange office: <a href="mailto:incoming@x.example">incoming@x.example</a>'
        "</p></main>"
        '<aside class="contact-panel"><p>Accommodation: accommodation@x.example</p>'
        "<p>Exchange office: incoming@x.example</p><p>Tel. +33 4 76 57 45 00</p></aside>"
    )
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert sorted((f.key, f.confidence) for f in facts) == [
        ("+33476574500", 0.6),
        ("incoming@x.example", 0.9),
    ]


def test_a_side_boxs_address_is_kept_when_the_content_names_none() -> None:
    # Ensimag's exchange contact sits in a side box; the footer's address gives way to it.
    body = (
        "<main><p>Exchange students are welcome for one semester.</p></main>"
        '<aside class="contact-panel"><p>Exchange office: incoming@x.example</p></aside>'
        "<footer><p>info@x.example</p></footer>"
    )
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert [(f.key, f.confidence, f.rule) for f in facts] == [("incoming@x.example", 0.6, "aside")]


def test_a_footer_phone_is_still_read_with_the_footers_lower_confidence() -> None:
    body = (
        "<main><p>Exchange students welcome.</p></main>"
        "<footer><p>Tel. +33 4 76 57 45 00</p></footer>"
    )
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert [(f.key, f.confidence) for f in facts] == [("+33476574500", 0.6)]


@pytest.mark.parametrize(
    ("host", "country"),
    [
        ("www.isima.fr", "FR"),
        ("www.aalto.fi", "FI"),
        ("unical.it.", "IT"),
        ("x.example", None),
        (None, None),
    ],
)
def test_the_country_of_a_host_is_its_country_code_domain(
    host: str | None, country: str | None
) -> None:
    assert country_of_host(host) == country


_BOILERPLATE = (
    '<nav><a href="/study">Study</a> <a href="/international">International</a></nav>'
    "<main><h1>Campus life</h1><p>The sports centre opens every day.</p></main>"
    '<aside class="news"><p><span class="date">30 November 2026</span> '
    '<a href="/n/1">Open day on 14 January 2027</a></p></aside>'
    '<footer><p>X University · <a href="mailto:info@x.example">info@x.example</a> · '
    "communication@x.example · Tel. +33 4 76 57 45 00</p></footer>"
)


def _page(body: str) -> list[tuple[FactField, str, str]]:
    html = f"<html><body>{body}</body></html>"
    found = extract_page(html, "https://x.example/campus", datetime(2026, 12, 1, tzinfo=UTC))
    return [(f.field, f.key, f.rule) for f in found.facts if f.field in _SCHOOL_FIELDS]


_SCHOOL_FIELDS = {
    FactField.EMAIL,
    FactField.DEADLINE,
    FactField.LANGUAGE_REQUIREMENT,
    FactField.CREDITS,
    FactField.DURATION,
}


def test_a_page_of_boilerplate_alone_yields_no_fact_not_even_its_footers_address() -> None:
    assert _page(_BOILERPLATE) == []


def test_a_page_with_a_fact_of_its_own_keeps_its_footers_only_address_flagged() -> None:
    body = _BOILERPLATE.replace(
        "The sports centre opens every day.", "Application deadline: 15 April 2027."
    )
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert {(f.key, f.rule, f.needs_review) for f in facts if f.field is FactField.EMAIL} == {
        ("info@x.example", FOOTER_RULE, True),
        ("communication@x.example", FOOTER_RULE, True),
    }
    emails = [key for field, key, _ in _page(body) if field is FactField.EMAIL]
    assert sorted(emails) == ["communication@x.example", "info@x.example"]


def test_a_contact_outside_the_footer_is_a_fact_of_the_page_itself() -> None:
    body = _BOILERPLATE.replace("The sports centre opens every day.", "Questions: campus@x.example")
    assert _page(body) == [(FactField.EMAIL, "campus@x.example", "")]
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert without_boilerplate_emails(facts) == facts


def test_a_side_boxs_address_on_a_page_with_no_fact_of_its_own_is_not_a_contact() -> None:
    # Decision 0310: a news list's "Press office: press@" box is another office's.
    body = (
        "<main><h1>News</h1><p>The library opens a new reading room.</p></main>"
        '<aside class="press"><p>Journalists: media@x.example</p></aside>'
    )
    assert _page(body) == []
    facts = parse_contacts(blocks_of(body), "https://x.example/", region="FR")
    assert [(f.key, f.rule) for f in facts] == [("media@x.example", ASIDE_RULE)]


def test_phone_numbers_in_the_content_do_not_make_a_page_its_own() -> None:
    # A directory of switchboard numbers keeps no footer address (decision 0310).
    body = (
        "<main><h1>Directory</h1><p>Admissions: +44 1752 600 100</p></main>"
        "<footer><p>webteam@x.example</p></footer>"
    )
    assert _page(body) == []


def test_a_page_for_the_schools_own_outgoing_students_yields_no_fact() -> None:
    # Decision 0380: an outgoing page's levels, loads, stays and office are its partners' or
    # its own students', not what an incoming student needs.
    body = (
        "<main><h1>Studying abroad: outgoing mobility</h1>"
        "<p>Our partners usually ask for English at level B2. You go for one semester or a"
        " year and must pass 30 ECTS per semester.</p>"
        "<h2>Contact</h2><p>Outgoing office: goabroad@x.example</p></main>"
        '<footer><p><a href="mailto:info@x.example">info@x.example</a></p></footer>'
    )
    assert _page(body) == []


def test_an_outgoing_box_or_a_summer_school_beside_the_incoming_content_is_not_read() -> None:
    body = (
        "<main><h1>Incoming exchange students</h1>"
        "<p>Apply by 15 April 2027. Questions: incoming@x.example</p>"
        "<h3>Students of the university going abroad</h3>"
        "<p>Outgoing office: goabroad@x.example</p>"
        "<h3>Summer school «Alpine cities»: applications close on 30 April 2027</h3>"
        "<p>Three weeks in July, taught in English (level B2).</p></main>"
    )
    assert sorted(key for _, key, _ in _page(body)) == ["application/any", "incoming@x.example"]


def test_job_offers_and_a_student_association_beside_the_exchange_are_not_read() -> None:
    # Decision 0416: a vacancy's level and closing date, an association's address.
    body = (
        "<main><h1>Exchange students</h1>"
        "<p>Apply by 15 April 2027. Questions: incoming@x.example</p>"
        "<h2>Vacancies</h2>"
        "<p>Project officer, fluent English (C1). Apply by 10 January 2027: hr@x.example</p>"
        "<h2>Lavora con noi</h2><p>Tecnico di laboratorio, inglese livello B1.</p>"
        "<h2>Associazione studentesca</h2><p>Scrivici: ciao@assoc.x.example</p></main>"
    )
    assert sorted(key for _, key, _ in _page(body)) == ["application/any", "incoming@x.example"]


@pytest.mark.parametrize(
    "box",
    [
        # Named by the words before the address, by its local part, by the line above it, by
        # its row header or by its heading (decision 0417).
        "<p>Jane Roe, outgoing students' adviser: j.roe@x.example</p>",
        "<p>Questions about internships? stage@x.example</p>",
        "<p>Write to placements.traineeships@x.example</p>",
        "<p>Chargée des partenariats et des accords</p><p>m.durand@x.example</p>",
        "<table><tr><th>Staff mobility</th><td>Karl Berg - k.berg@x.example</td></tr></table>",
        "<h3>Biblioteca centrale</h3><p>Banco informazioni: info.sala@x.example</p>",
        "<p>Segreteria studenti, per certificati: s.studenti@x.example</p>",
    ],
)
def test_another_offices_address_beside_the_exchange_contact_is_not_read(box: str) -> None:
    body = (
        "<main><h1>Exchange students</h1><p>Apply by 15 April 2027.</p>"
        f"<h2>Contacts</h2><p>Incoming students' office: welcome@x.example</p>{box}</main>"
    )
    emails = [key for field, key, _ in _page(body) if field is FactField.EMAIL]
    assert emails == ["welcome@x.example"]


def test_an_address_that_names_the_incoming_exchange_beside_another_office_is_kept() -> None:
    body = (
        "<main><h1>Contacts</h1><p>Apply by 15 April 2027.</p>"
        "<p>Erasmus office (incoming and outgoing students): erasmus@x.example</p>"
        "<p>Accueil des étudiants en échange et bibliothèque : accueil@x.example</p></main>"
    )
    emails = sorted(key for field, key, _ in _page(body) if field is FactField.EMAIL)
    assert emails == ["accueil@x.example", "erasmus@x.example"]
