"""The page's tree: text that libxml2 cannot take as it is still parses into the same facts."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapers.extract.dom import parse_html
from scrapers.extract.pipeline import extract_page
from service.catalogue.fields import FactField

URL = "https://www.example.edu/exchange"
FETCHED = datetime(2026, 12, 1, tzinfo=UTC)


def test_a_lone_surrogate_is_replaced_not_a_failure() -> None:
    html = "<html><body><p>Contact \ud800: incoming@example.edu</p></body></html>"
    assert parse_html(html).get_text() == "Contact \ufffd: incoming@example.edu"
    emails = [f.key for f in extract_page(html, URL, FETCHED).of(FactField.EMAIL)]
    assert emails == ["incoming@example.edu"]


def test_a_nul_is_the_replacement_character() -> None:
    assert parse_html("<p>a\x00b</p>").get_text() == "a\ufffdb"
