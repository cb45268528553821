"""The single entry point of extraction: decoded HTML in, a :class:`PageExtraction` out.

The site adapter is chosen by the page's host (``scrapers.sites.registry``); the generic
extractors do whatever it does not replace. Pure: no network, no database, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from urllib.parse import urlsplit

from scrapers.extract.adapter import BlockParser, Concern, PageContext, SiteAdapter
from scrapers.extract.blocks import TextBlock, read_blocks
from scrapers.extract.calibration import calibrate
from scrapers.extract.contacts import (
    country_of_host,
    parse_contacts,
    without_boilerplate_emails,
)
from scrapers.extract.credits import parse_credits, parse_duration
from scrapers.extract.deadlines import for_a_year_only, parse_deadlines
from scrapers.extract.dom import (
    MAIN_SELECTORS,
    body_of,
    parse_html,
    remove_noise,
    select_main,
    trailing_region,
)
from scrapers.extract.emails import reveal_cloudflare_emails
from scrapers.extract.facts import ExtractedFact, PageExtraction
from scrapers.extract.jsonld import parse_json_ld, read_json_ld
from scrapers.extract.languages import parse_language_requirements
from scrapers.extract.metadata import parse_metadata
from scrapers.extract.reduce import is_furniture
from scrapers.extract.vocabulary import ANOTHER_PROGRAMME, AUTUMN, SPRING, names_other_than_incoming
from scrapers.sites import adapter_for
from service.catalogue import Address, FactField, PageLanguage

#: Countries whose universities call the autumn semester the winter semester: a year of a
#: winter and a summer (or, in Greece, spring) semester, in Central Europe, the Balkans and
#: Greece (decision 0405).
_WINTER_IS_AUTUMN = {
    *("DE", "AT", "CH", "LI", "PL", "CZ", "SK", "HU", "SI", "HR"),
    *("RS", "BA", "ME", "MK", "BG", "GR", "CY"),
}

GENERIC_PARSERS: dict[Concern, BlockParser] = {
    Concern.CONTACTS: lambda blocks, page: parse_contacts(blocks, page.url, region=page.region),
    Concern.DEADLINES: lambda blocks, page: parse_deadlines(blocks, page.url, winter=page.winter),
    Concern.LANGUAGES: lambda blocks, page: parse_language_requirements(blocks, page.url),
    Concern.CREDITS: lambda blocks, page: parse_credits(blocks, page.url),
    Concern.DURATION: lambda blocks, page: parse_duration(blocks, page.url),
}


def _page_context(url: str, facts: list[ExtractedFact]) -> PageContext:
    language = next((f.value.code for f in facts if isinstance(f.value, PageLanguage)), None)
    region = country_of_host(urlsplit(url).hostname)
    if region is None:
        region = next(
            (
                f.value.country_code
                for f in facts
                if isinstance(f.value, Address) and f.value.country_code
            ),
            None,
        )
    winter = AUTUMN if language == "de" or region in _WINTER_IS_AUTUMN else SPRING
    return PageContext(url=url, language=language, region=region, winter=winter)


@lru_cache(maxsize=256)
def _about_another_programme(headings: tuple[str, ...]) -> bool:
    """Whether the nearest heading that names a programme names the school's own outgoing
    students or a summer school rather than the incoming exchange (decision 0380)."""
    return names_other_than_incoming(reversed(headings), ANOTHER_PROGRAMME)


def _about_the_exchange(blocks: list[TextBlock]) -> list[TextBlock]:
    """The blocks, less those under a heading about another programme."""
    return [block for block in blocks if not _about_another_programme(block.headings)]


def _best_of_each(facts: Iterable[ExtractedFact]) -> tuple[ExtractedFact, ...]:
    """One fact per ``(field, key)``: the most confident, the first on a tie."""
    best: dict[tuple[FactField, str], ExtractedFact] = {}
    for fact in facts:
        known = best.get((fact.field, fact.key))
        if known is None or fact.confidence > known.confidence:
            best[(fact.field, fact.key)] = fact
    return tuple(best.values())


def extract_page(
    html: str,
    url: str,
    fetched_at: datetime,
    *,
    requested_url: str | None = None,
    adapter: SiteAdapter | None = None,
) -> PageExtraction:
    """Every fact the page holds, with its provenance.

    ``url`` is the page's final URL (after redirects), which also chooses the site adapter
    unless ``adapter`` is given; ``requested_url`` is the link that was followed, when it
    differs (a deep link that lands on a homepage is a soft 404).
    """
    chosen = adapter or adapter_for(urlsplit(url).hostname)
    root = parse_html(html)
    facts = parse_metadata(root, url)
    json_ld, problems = read_json_ld(root)
    facts += parse_json_ld(json_ld, url)
    reveal_cloudflare_emails(root)
    if chosen.prepare is not None:
        chosen.prepare(root)
    remove_noise(root, chosen.noise_selectors, also=is_furniture)
    main = select_main(root, chosen.main_selectors + MAIN_SELECTORS)
    body = body_of(root)
    footer = trailing_region(body) if main is body else None
    blocks = _about_the_exchange(read_blocks(body, main, footer))
    page = _page_context(url, facts)
    for concern, generic in GENERIC_PARSERS.items():
        facts += chosen.parsers.get(concern, generic)(blocks, page)
    facts = for_a_year_only(facts)
    facts = without_boilerplate_emails([calibrate(fact) for fact in facts])
    return PageExtraction(
        url=url,
        fetched_at=fetched_at,
        adapter=chosen.name,
        facts=_best_of_each(facts),
        requested_url=requested_url if requested_url != url else None,
        problems=tuple(problems),
        candidates=tuple(facts),
    )
