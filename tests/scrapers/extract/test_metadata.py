"""Page metadata and schema.org JSON-LD, pinned on the fixture pages."""

from __future__ import annotations

from scrapers.extract.dom import parse_html
from scrapers.extract.jsonld import country_code_of, parse_json_ld, read_json_ld
from service.catalogue.fact_values import PageText
from service.catalogue.fields import FactField
from tests.scrapers.extract.fixture_pages import extract_fixture, only, values


def test_metadata_of_a_page_with_json_ld() -> None:
    page = extract_fixture("aalto-incoming-exchange-en")
    assert only(page, FactField.TITLE).value.to_json() == {
        "text": "Incoming exchange students: how to apply | Aalto University"
    }
    assert only(page, FactField.LANGUAGE).value.to_json() == {"code": "en"}
    assert only(page, FactField.CANONICAL_URL).value.to_json() == {
        "url": "https://www.aalto.fi/en/study-at-aalto/incoming-exchange-students"
    }
    assert only(page, FactField.DESCRIPTION).value.to_json()["text"] == (
        "Nomination and application periods, language requirements and study load for students"
        " coming to Aalto University on exchange from a partner university."
    )
    name = only(page, FactField.NAME)
    assert (name.value.to_json(), name.extractor, name.confidence) == (
        {"name": "Aalto University"},
        "generic/jsonld",
        0.9,
    )
    assert only(page, FactField.ADDRESS).value.to_json() == {
        "street": "Otakaari 24",
        "postal_code": "02150",
        "locality": "Espoo",
        "country_code": "FI",
        "country": "FI",
    }
    assert only(page, FactField.LOGO).value.to_json() == {
        "url": "https://www.aalto.fi/themes/aalto/logo-aalto.svg"
    }
    assert set(values(page, FactField.SAME_AS)) == {
        "https://en.wikipedia.org/wiki/Aalto_University",
        "https://www.linkedin.com/school/aalto-university/",
    }


def test_metadata_of_a_page_without_json_ld() -> None:
    page = extract_fixture("telecom-st-etienne-incoming-en")
    assert only(page, FactField.LANGUAGE).value.to_json() == {"code": "en"}
    assert only(page, FactField.NAME).value.to_json() == {"name": "Télécom Saint-Etienne"}
    assert only(page, FactField.DESCRIPTION).value == PageText(
        "Everything exchange students from partner universities need to know before applying:"
        " dates, courses, language and housing."
    )
    assert only(page, FactField.LOGO).value.to_json() == {
        "url": "https://www.telecom-st-etienne.fr/wp-content/uploads/2023/05/logo-tse.png"
    }
    assert page.of(FactField.ADDRESS) == []


def test_json_ld_country_names_become_codes() -> None:
    page = extract_fixture("unical-incoming-students-it")
    assert only(page, FactField.ADDRESS).value.to_json()["country_code"] == "IT"
    assert (country_code_of("France"), country_code_of("Finlande"), country_code_of("Suomi")) == (
        "FR",
        "FI",
        None,
    )


def test_invalid_json_ld_is_reported_and_the_valid_blocks_are_still_read() -> None:
    soup = parse_html(
        '<script type="application/ld+json">{"@type": "CollegeOrUniversity",</script>'
        '<script type="application/ld+json">'
        '{"@type": "https://schema.org/EducationalOrganization", "name": "ISIMA"}</script>'
    )
    blocks, problems = read_json_ld(soup)
    assert len(problems) == 1
    assert problems[0].startswith("invalid JSON-LD block ignored: ")
    facts = parse_json_ld(blocks, "https://www.isima.fr/")
    assert [(f.field, dict(f.value.to_json())) for f in facts] == [
        (FactField.NAME, {"name": "ISIMA"})
    ]


def test_a_plain_organization_is_trusted_less_than_a_university() -> None:
    soup = parse_html(
        '<script type="application/ld+json">{"@graph": ['
        '{"@type": "Organization", "name": "Publisher Ltd"},'
        '{"@type": "CollegeOrUniversity", "name": "Partner University"}]}</script>'
    )
    (name,) = parse_json_ld(read_json_ld(soup)[0], "https://x.example/")
    assert (name.value.to_json(), name.confidence) == ({"name": "Partner University"}, 0.9)
