"""The fixture partner pages (``pages/*.html``) with the URLs they are served at."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

from scrapers.extract.adapter import SiteAdapter
from scrapers.extract.facts import ExtractedFact, PageExtraction
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField

PAGES = Path(__file__).resolve().parent / "pages"
FETCHED_AT = datetime(2025, 1, 15, 8, 30, tzinfo=UTC)


@cache
def page_urls() -> dict[str, str]:
    """Fixture file stem → URL, from the labelled set."""
    labels = json.loads((PAGES / "labels.json").read_text(encoding="utf-8"))
    return {Path(page["file"]).stem: page["url"] for page in labels["pages"]}


def read_page(name: str) -> str:
    return (PAGES / f"{name}.html").read_text(encoding="utf-8")


def extract_fixture(
    name: str,
    *,
    adapter: SiteAdapter | None = None,
    url: str | None = None,
    requested_url: str | None = None,
    fetched_at: datetime = FETCHED_AT,
) -> PageExtraction:
    """Extract a fixture page as if fetched from its URL (or ``url``)."""
    return extract_page(
        read_page(name),
        url or page_urls()[name],
        fetched_at,
        requested_url=requested_url,
        adapter=adapter,
    )


def values(extraction: PageExtraction, field: FactField) -> dict[str, dict[str, object]]:
    """Key → value of every fact of ``field``."""
    return {fact.key: dict(fact.value.to_json()) for fact in extraction.of(field)}


def deadline_dates(extraction: PageExtraction) -> dict[str, object]:
    """Key → date of every deadline fact."""
    return {key: value["date"] for key, value in values(extraction, FactField.DEADLINE).items()}


def only(extraction: PageExtraction, field: FactField) -> ExtractedFact:
    facts = extraction.of(field)
    assert len(facts) == 1, facts
    return facts[0]
