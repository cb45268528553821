"""What every page says about itself: title, description, language, canonical URL, image."""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from scrapers.extract.dom import base_url, class_tokens
from scrapers.extract.facts import ExtractedFact, clip_snippet
from service.catalogue.fact_values import FactValue, Link, Name, PageLanguage, PageText
from service.catalogue.fields import FactField
from service.text import collapse_spaces

EXTRACTOR = "generic/metadata"
VERSION = "1"

#: A description shorter than this is a placeholder ("Home"), not a description.
_MIN_DESCRIPTION = 20
_LOGO_HINTS = ("logo",)


def _meta(soup: BeautifulSoup, *, name: str | None = None, prop: str | None = None) -> str | None:
    attrs = {"name": name} if name else {"property": prop}
    tag = soup.find("meta", attrs=attrs)  # type: ignore[arg-type]
    if isinstance(tag, Tag):
        content = collapse_spaces(str(tag.get("content", "")))
        return content or None
    return None


def _fact(
    field: FactField, value: FactValue, url: str, snippet: str, confidence: float, key: str = ""
) -> ExtractedFact:
    return ExtractedFact(
        field=field,
        key=key,
        value=value,
        source_url=url,
        snippet=clip_snippet(snippet),
        extractor=EXTRACTOR,
        extractor_version=VERSION,
        confidence=confidence,
    )


def _language(soup: BeautifulSoup) -> str | None:
    html = soup.find("html")
    raw = str(html.get("lang", "")) if isinstance(html, Tag) else ""
    raw = raw or _meta(soup, prop="og:locale") or ""
    primary = raw.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _logo_image(soup: BeautifulSoup) -> Tag | None:
    for image in soup.find_all("img", src=True):
        attributes = [str(image.get(name, "")) for name in ("alt", "src", "id")]
        hints = " ".join([*attributes, *class_tokens(image)]).lower()
        if any(hint in hints for hint in _LOGO_HINTS):
            return image
    return None


def parse_metadata(soup: BeautifulSoup, url: str) -> list[ExtractedFact]:
    """Title, description, language, canonical URL, site name and image of the page."""
    base = base_url(soup, url)
    facts: list[ExtractedFact] = []
    title_tag = soup.find("title")
    title = collapse_spaces(title_tag.get_text(" ")) if isinstance(title_tag, Tag) else ""
    title = title or _meta(soup, prop="og:title") or ""
    if title:
        facts.append(_fact(FactField.TITLE, PageText(title), url, title, 1.0))
    for description, confidence in (
        (_meta(soup, name="description"), 0.8),
        (_meta(soup, prop="og:description"), 0.7),
    ):
        if description and len(description) >= _MIN_DESCRIPTION:
            facts.append(
                _fact(FactField.DESCRIPTION, PageText(description), url, description, confidence)
            )
            break
    language = _language(soup)
    if language:
        facts.append(
            _fact(FactField.LANGUAGE, PageLanguage(language), url, f'lang="{language}"', 0.9)
        )
    canonical = soup.find("link", rel="canonical", href=True)
    canonical_url = str(canonical["href"]) if isinstance(canonical, Tag) else None
    canonical_url = canonical_url or _meta(soup, prop="og:url")
    if canonical_url:
        absolute = urljoin(base, canonical_url)
        facts.append(_fact(FactField.CANONICAL_URL, Link(absolute), url, canonical_url, 0.9))
    site_name = _meta(soup, prop="og:site_name")
    if site_name:
        facts.append(_fact(FactField.NAME, Name(site_name), url, site_name, 0.6))
    image = _meta(soup, prop="og:image")
    logo = _logo_image(soup)
    if logo is not None:
        source = urljoin(base, str(logo["src"]))
        facts.append(_fact(FactField.LOGO, Link(source), url, str(logo), 0.6))
    elif image:
        facts.append(_fact(FactField.LOGO, Link(urljoin(base, image)), url, image, 0.5))
    return facts
