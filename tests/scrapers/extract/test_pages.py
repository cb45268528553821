"""Whole fixture pages: what a student needs, pinned with its provenance."""

from __future__ import annotations

from scrapers.extract.calibration import MEASURED, confidence_of
from service.catalogue.fields import FactField
from tests.scrapers.extract.fixture_pages import (
    FETCHED_AT,
    deadline_dates,
    extract_fixture,
    only,
    values,
)


def test_an_english_page_with_lists_and_a_cloudflare_address() -> None:
    page = extract_fixture("telecom-st-etienne-incoming-en")
    assert (page.adapter, page.fetched_at, page.problems) == ("generic", FETCHED_AT, ())
    assert deadline_dates(page) == {
        "nomination/autumn": "2025-04-30",
        "nomination/spring": "2025-10-31",
        "application/autumn": "2025-05-31",
        "application/spring": "2025-11-30",
    }
    assert set(values(page, FactField.LANGUAGE_REQUIREMENT)) == {
        "en/cefr/required",
        "fr/cefr/recommended",
    }
    assert only(page, FactField.CREDITS).value.to_json() == {
        "per": "semester",
        "min": 24,
        "max": 30,
        "typical": None,
    }
    assert values(page, FactField.EMAIL) == {
        "incoming@telecom-st-etienne.example": {
            "email": "incoming@telecom-st-etienne.example",
            "label": "International Relations Office",
        }
    }
    assert set(values(page, FactField.PHONE)) == {"+33477915880", "+33477915800"}


def test_every_fact_says_where_it_came_from() -> None:
    page = extract_fixture("telecom-st-etienne-incoming-en")
    deadline = next(f for f in page.of(FactField.DEADLINE) if f.key == "application/spring")
    assert (
        deadline.source_url
        == "https://www.telecom-st-etienne.fr/en/international/exchange-students/"
    )
    assert deadline.snippet == "Application deadlines | Spring semester: November 30, 2025"
    # Its kind comes from the list's lead-in: that rule's measured precision (calibration).
    assert (deadline.extractor, deadline.extractor_version, deadline.rule) == (
        "generic/deadlines",
        "1",
        "lead_in",
    )
    assert deadline.confidence == confidence_of(*MEASURED[("generic/deadlines", "lead_in")])


def test_an_italian_page_in_prose_with_json_ld_and_a_sidebar_of_other_deadlines() -> None:
    page = extract_fixture("unical-incoming-students-it")
    assert deadline_dates(page) == {
        "nomination/autumn": "2025-05-15",
        "nomination/spring": "2025-11-15",
        "application/autumn": "2025-06-15",
        "application/spring": "2025-12-15",
    }
    assert values(page, FactField.LANGUAGE_REQUIREMENT)["it/cefr/recommended"]["level"] == "B1"
    # The footer's certified-mail address is the university's, not the office's (decision 0180).
    assert set(values(page, FactField.EMAIL)) == {"incoming@unical.example"}
    assert set(values(page, FactField.PHONE)) == {"+390984496123", "+3909844911"}


def test_a_canadian_table_where_winter_is_the_january_term() -> None:
    page = extract_fixture("usherbrooke-etudiants-echange-fr")
    assert deadline_dates(page) == {
        "nomination/autumn": "2025-03-01",
        "application/autumn": "2025-03-15",
        "nomination/spring": "2025-09-15",
        "application/spring": "2025-10-01",
    }
    # "un minimum de 12 crédits par trimestre": Quebec credits, on a page that never names
    # ECTS, are not ECTS (decision 0415, the labels' convention of decision 0393).
    assert not values(page, FactField.CREDITS)
    assert set(values(page, FactField.PHONE)) == {"+18198218000", "+18198217000"}


def test_a_german_table_where_winter_is_the_autumn_semester() -> None:
    page = extract_fixture("th-nordstadt-austausch-de")
    assert deadline_dates(page) == {
        "nomination/autumn": "2025-05-15",
        "nomination/spring": "2025-11-15",
        "application/autumn": "2025-06-01",
        "application/spring": "2025-12-01",
    }
    assert only(page, FactField.CREDITS).value.to_json() == {
        "per": "semester",
        "min": 20,
        "max": 30,
        "typical": None,
    }
    assert set(values(page, FactField.EMAIL)) == {
        "international@th-nordstadt.example",
        "incoming@th-nordstadt.example",
    }
    assert set(values(page, FactField.PHONE)) == {"+495555123456"}


def test_a_page_whose_content_moved_into_a_script_yields_no_exchange_facts() -> None:
    page = extract_fixture("ensimag-venir-en-echange-fr-redesign")
    fields = {fact.field for fact in page.facts}
    assert fields.isdisjoint(
        {FactField.DEADLINE, FactField.LANGUAGE_REQUIREMENT, FactField.CREDITS, FactField.EMAIL}
    )
    assert set(values(page, FactField.PHONE)) == {"+33476827200"}


def test_a_redirect_is_remembered_and_a_same_url_is_not() -> None:
    landed = extract_fixture(
        "isima-homepage",
        url="https://www.isima.fr/",
        requested_url="https://www.isima.fr/ingénieur-isima/",
    )
    assert landed.requested_url == "https://www.isima.fr/ingénieur-isima/"
    direct = extract_fixture("isima-homepage", requested_url="https://www.isima.fr/")
    assert direct.requested_url is None
