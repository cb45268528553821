"""The pure checks behind page findings: names, soft 404s, hosts."""

from __future__ import annotations

import pytest

from scrapers.extract.pipeline import extract_page
from scrapers.reconcile.identity import host_of, names_match, soft_404
from tests.scrapers.extract.fixture_pages import FETCHED_AT, extract_fixture


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Aalto University", "Aalto-yliopisto"),
        ("University of Calabria", "Università della Calabria"),
        ("ENSIMAG", "Ensimag, UGA"),
        ("Télécom Saint-Etienne", "TELECOM SAINT ETIENNE"),
        ("Grenoble INP", "Greoble INP"),
        ("Université de Sherbrooke", "Universite de Sherbrooke"),
    ],
)
def test_the_same_institution_under_other_spellings_matches(one: str, other: str) -> None:
    assert names_match(one, other)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("ENSEIRB-MATMECA", "Esisar"),
        ("Aalto University", "University of Calabria"),
        ("University", "Université"),  # nothing distinctive to compare
    ],
)
def test_different_institutions_do_not_match(one: str, other: str) -> None:
    assert not names_match(one, other)


def test_a_deep_url_serving_the_homepage_is_a_soft_404_even_without_a_redirect() -> None:
    served_as_is = extract_fixture("isima-homepage", url="https://www.isima.fr/international/")
    assert soft_404(served_as_is) == (
        "https://www.isima.fr/international/ lands on the homepage https://www.isima.fr/"
    )
    assert soft_404(extract_fixture("isima-homepage")) is None


@pytest.mark.parametrize(
    "title", ["Page introuvable - ISIMA", "404 | Aalto University", "Seite nicht gefunden"]
)
def test_a_page_that_says_it_was_not_found_is_a_soft_404(title: str) -> None:
    page = extract_page(
        f"<html><head><title>{title}</title></head><body><p>Sorry.</p></body></html>",
        "https://www.isima.fr/international/",
        FETCHED_AT,
    )
    assert soft_404(page) == f"the page says it was not found: {title!r}"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.aalto.fi/en/", "aalto.fi"),
        ("https://AALTO.FI./x", "aalto.fi"),
        ("http://127.0.0.1:8001/ensimag/", "127.0.0.1:8001"),
        ("http://127.0.0.1:bad/", "127.0.0.1"),
        ("not a url", ""),
    ],
)
def test_a_site_is_its_host_without_www_and_with_its_port(url: str, host: str) -> None:
    assert host_of(url) == host
