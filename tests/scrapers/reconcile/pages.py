"""Fixture pages as sync outcomes, at chosen fetch times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scrapers.extract.facts import PageExtraction
from tests.scrapers.extract.fixture_pages import extract_fixture

FIRST_FETCH = datetime(2025, 1, 15, 8, 30, tzinfo=UTC)
NOW = datetime(2025, 1, 15, 9, 0, tzinfo=UTC)
ENSIMAG_URL = "https://ensimag.grenoble-inp.fr/fr/international/venir-en-echange-a-l-ensimag"


def fetched(
    name: str,
    *,
    days_later: int = 0,
    url: str | None = None,
    requested_url: str | None = None,
) -> PageExtraction:
    """The fixture page as fetched ``days_later`` days after the first fetch."""
    return extract_fixture(
        name,
        fetched_at=FIRST_FETCH + timedelta(days=days_later),
        url=url,
        requested_url=requested_url,
    )


def later(days: int) -> datetime:
    return NOW + timedelta(days=days)
