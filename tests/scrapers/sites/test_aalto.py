"""Aalto: the schools of technology's deadlines, and contact e-mails built by a script."""

from __future__ import annotations

import pytest

from scrapers.extract.adapter import GENERIC
from scrapers.sites.aalto import ADAPTER
from service.catalogue.fields import FactField
from tests.scrapers.extract.fixture_pages import deadline_dates, extract_fixture, values

TECHNOLOGY_DEADLINES = {
    "nomination/autumn": "2025-04-01",
    "application/autumn": "2025-04-15",
    "nomination/spring": "2025-10-01",
    "application/spring": "2025-10-15",
}


@pytest.mark.parametrize("name", ["aalto-incoming-exchange-en", "aalto-vaihto-opiskelijat-fi"])
def test_the_adapter_reads_the_schools_of_technology_row_in_every_language(name: str) -> None:
    page = extract_fixture(name)
    assert page.adapter == "aalto"
    assert deadline_dates(extract_fixture(name)) == TECHNOLOGY_DEADLINES
    assert {fact.extractor for fact in page.of(FactField.DEADLINE)} == {"aalto/deadlines"}


def test_the_generic_reading_puts_the_first_row_which_is_another_school_first() -> None:
    # Every row is kept (``…/2``, ``…/3``), but the usual keys go to the first row, another
    # school's: the adapter is still needed.
    dates = deadline_dates(extract_fixture("aalto-incoming-exchange-en", adapter=GENERIC))
    assert {key: date for key, date in dates.items() if key.count("/") == 1} == {
        "nomination/autumn": "2025-03-01",
        "application/autumn": "2025-03-15",
        "nomination/spring": "2025-09-15",
        "application/spring": "2025-10-01",
    }
    assert dates["application/autumn/3"] == "2025-04-15"


def test_contact_cards_give_the_addresses_their_script_would_build() -> None:
    adapted = values(extract_fixture("aalto-incoming-exchange-en"), FactField.EMAIL)
    assert adapted["incoming-tech@aalto.example"] == {
        "email": "incoming-tech@aalto.example",
        "label": "Incoming exchange, schools of technology",
    }
    assert set(adapted) == {
        "incoming-tech@aalto.example",
        "incoming-biz@aalto.example",
    }  # the footer's registry address gives way to the offices' own (decision 0180)
    generic = values(
        extract_fixture("aalto-incoming-exchange-en", adapter=GENERIC), FactField.EMAIL
    )
    # Without the adapter the cards are empty: the footer's address is the page's only one.
    assert set(generic) == {"kirjaamo@aalto.example"}


def test_publication_dates_under_the_article_are_not_read() -> None:
    page = extract_fixture("aalto-incoming-exchange-en")
    assert all("12.11.2024" not in fact.snippet for fact in page.facts)
    assert ADAPTER.noise_selectors == (".aalto-article__meta",)
