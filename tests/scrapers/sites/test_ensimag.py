"""Ensimag: exchange values, not the double degree's, and not the sidebar agenda's."""

from __future__ import annotations

import pytest

from scrapers.extract.adapter import GENERIC
from service.catalogue.fields import FactField
from tests.scrapers.extract.fixture_pages import deadline_dates, extract_fixture, only, values

EXCHANGE_DEADLINES = {
    "nomination/autumn": "2025-04-15",
    "nomination/spring": "2025-10-15",
    "application/autumn": "2025-05-01",
    "application/spring": "2025-11-01",
}


@pytest.mark.parametrize(
    "name", ["ensimag-venir-en-echange-fr", "ensimag-coming-for-an-exchange-en"]
)
def test_the_adapter_reads_the_exchange_section_only(name: str) -> None:
    page = extract_fixture(name)
    assert page.adapter == "ensimag"
    assert deadline_dates(extract_fixture(name)) == EXCHANGE_DEADLINES
    requirements = values(page, FactField.LANGUAGE_REQUIREMENT)
    assert requirements["fr/cefr/required"]["level"] == "B1"
    assert requirements["fr/cefr/recommended"]["level"] == "A2"
    assert only(page, FactField.CREDITS).value.to_json() == {
        "per": "semester",
        "min": 15,
        "max": 30,
        "typical": None,
    }
    assert only(page, FactField.DURATION).value.to_json() == {"options": ["semester", "year"]}


def test_the_generic_reading_takes_the_double_degree_values_that_come_first() -> None:
    page = extract_fixture("ensimag-venir-en-echange-fr", adapter=GENERIC)
    # A double-degree track's deadline without a semester is the year's (decision 0405).
    assert deadline_dates(extract_fixture("ensimag-venir-en-echange-fr", adapter=GENERIC)) == {
        "application/year": "2025-03-01",
        **EXCHANGE_DEADLINES,
    }
    assert values(page, FactField.LANGUAGE_REQUIREMENT)["fr/cefr/required"]["level"] == "B2"


def test_the_sidebar_contact_is_read_but_trusted_less_than_main_content() -> None:
    page = extract_fixture("ensimag-venir-en-echange-fr")
    email = only(page, FactField.EMAIL)
    assert (email.key, email.value.to_json()["label"], email.confidence) == (
        "ri-ensimag@grenoble-inp.example",
        "Service des relations internationales",
        0.6,
    )
    assert set(values(page, FactField.PHONE)) == {"+33476827200"}
