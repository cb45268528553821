"""Link normalization, roles and what looks wrong with them."""

from __future__ import annotations

import pytest

from scrapers.faq.interpret.links import (
    classify_link,
    foreign_owners,
    host_labels,
    normalize_url,
    origin,
)
from service.db.models import LinkRole


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        ("https://www.isima.fr/ingénieur-isima/", "https://www.isima.fr/ing%C3%A9nieur-isima/"),
        (
            "https://www.isima.fr/ing%C3%A9nieur-isima/",
            "https://www.isima.fr/ing%C3%A9nieur-isima/",
        ),
        (" HTTP://WWW.Aalto.FI/en ", "http://www.aalto.fi/en"),
        ("https://x.fr/a?b=c#frag", "https://x.fr/a?b=c#frag"),
        ("mailto:ri@example.org", None),
        ("/fr/international", None),
        ("https://", None),
    ],
)
def test_urls_are_absolute_http_and_ascii(raw: str, url: str | None) -> None:
    assert normalize_url(raw) == url


@pytest.mark.parametrize(
    ("url", "has_programme", "role"),
    [
        ("https://www.aalto.fi/en", True, LinkRole.HOMEPAGE),
        ("https://www.mines-stetienne.fr", True, LinkRole.HOMEPAGE),
        ("https://www.mines-stetienne.fr/", False, LinkRole.HOMEPAGE),
        ("https://ense3.grenoble-inp.fr/fr/formation/sicom", True, LinkRole.PROGRAMME_PAGE),
        ("https://www.ensiie.fr/missions/venir/", False, LinkRole.EXCHANGE_PAGE),
        ("https://www.unical.it/portale/international/francese/", False, LinkRole.EXCHANGE_PAGE),
        ("https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1", False, LinkRole.OTHER),
    ],
)
def test_links_get_a_role(url: str, has_programme: bool, role: LinkRole) -> None:
    assert classify_link(url, has_programme=has_programme) is role


def test_host_labels_name_schools_not_generic_parts() -> None:
    assert host_labels("https://esisar.grenoble-inp.fr/fr/") == ["esisar", "grenoble-inp"]
    assert host_labels("https://www.ensiie.fr/") == ["ensiie"]
    assert origin("https://phelma.grenoble-inp.fr/fr/a#b") == "https://phelma.grenoble-inp.fr/"


def test_a_host_naming_another_school_is_foreign() -> None:
    identifiers = {"esisar": {"esisar"}, "grenoble-inp": {"grenoble-inp"}, "ensimag": {"ensimag"}}
    url = "https://esisar.grenoble-inp.fr/fr/formation/cycle-ingenieur-1"
    assert foreign_owners(url, {"enseirb-matmeca", "bordeaux-inp"}, identifiers) == [
        "esisar",
        "grenoble-inp",
    ]
    assert foreign_owners(url, {"esisar", "grenoble-inp"}, identifiers) == []
