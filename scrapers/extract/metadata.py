"""What every page says about itself: title, description, language, canonical URL, image."""

from __future__ import annotations

from urllib.parse import urljoin

from bs4 import BeautifulSoup, Tag

from scrapers.extract.dom import class_tokens
from scrapers.extract.facts import ExtractedFact, clip_snippet
from service.catalogue import FactField, FactValue, Link, Name, PageLanguage, PageText
from service.text import collapse_spaces

EXTRACTOR = "generic/metadata"
VERSION = "1"

#: A description shorter than this is a placeholder ("Home"), not a description.
_MIN_DESCRIPTION = 20
_LOGO_HINTS = ("logo",)


class _HeadTags:
    """The tags metadata is read from, collected in one walk over the tree.

    A 60 KB page made each ``soup.find`` a walk of its own: eight walks (most of them to the
    end, for tags a page does not have) cost more than reading its deadlines.
    """

    def __init__(self, soup: BeautifulSoup) -> None:
        self.metas: dict[tuple[str, str], str] = {}
        self.first: dict[str, Tag] = {}
        self.images: list[Tag] = []
        for tag in soup.descendants:
            if not isinstance(tag, Tag) or tag.name not in _WANTED:
                continue
            if tag.name == "meta":
                for attribute in ("name", "property"):
                    named = tag.get(attribute)
                    if isinstance(named, str):
                        self.metas.setdefault((attribute, named), str(tag.get("content", "")))
            elif tag.name == "img":
                if tag.get("src") is not None:
                    self.images.append(tag)
            elif tag.name == "link":
                if "canonical" in tag.get_attribute_list("rel") and tag.get("href") is not None:
                    self.first.setdefault("canonical", tag)
            elif tag.name != "base" or tag.get("href") is not None:
                self.first.setdefault(tag.name, tag)

    def meta(self, *, name: str | None = None, prop: str | None = None) -> str | None:
        found = self.metas.get(("name", name) if name else ("property", prop or ""))
        content = collapse_spaces(found) if found is not None else ""
        return content or None


_WANTED = frozenset({"meta", "title", "html", "link", "img", "base"})


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


def _language(tags: _HeadTags) -> str | None:
    html = tags.first.get("html")
    raw = str(html.get("lang", "")) if html is not None else ""
    raw = raw or tags.meta(prop="og:locale") or ""
    primary = raw.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _logo_image(tags: _HeadTags) -> Tag | None:
    for image in tags.images:
        attributes = [str(image.get(name, "")) for name in ("alt", "src", "id")]
        hints = " ".join([*attributes, *class_tokens(image)]).lower()
        if any(hint in hints for hint in _LOGO_HINTS):
            return image
    return None


def parse_metadata(soup: BeautifulSoup, url: str) -> list[ExtractedFact]:
    """Title, description, language, canonical URL, site name and image of the page."""
    tags = _HeadTags(soup)
    base_tag = tags.first.get("base")
    base = urljoin(url, str(base_tag["href"])) if base_tag is not None else url
    facts: list[ExtractedFact] = []
    title_tag = tags.first.get("title")
    title = collapse_spaces(title_tag.get_text(" ")) if title_tag is not None else ""
    title = title or tags.meta(prop="og:title") or ""
    if title:
        facts.append(_fact(FactField.TITLE, PageText(title), url, title, 1.0))
    for description, confidence in (
        (tags.meta(name="description"), 0.8),
        (tags.meta(prop="og:description"), 0.7),
    ):
        if description and len(description) >= _MIN_DESCRIPTION:
            facts.append(
                _fact(FactField.DESCRIPTION, PageText(description), url, description, confidence)
            )
            break
    language = _language(tags)
    if language:
        facts.append(
            _fact(FactField.LANGUAGE, PageLanguage(language), url, f'lang="{language}"', 0.9)
        )
    canonical = tags.first.get("canonical")
    canonical_url = str(canonical["href"]) if canonical is not None else None
    canonical_url = canonical_url or tags.meta(prop="og:url")
    if canonical_url:
        absolute = urljoin(base, canonical_url)
        facts.append(_fact(FactField.CANONICAL_URL, Link(absolute), url, canonical_url, 0.9))
    site_name = tags.meta(prop="og:site_name")
    if site_name:
        facts.append(_fact(FactField.NAME, Name(site_name), url, site_name, 0.6))
    image = tags.meta(prop="og:image")
    logo = _logo_image(tags)
    if logo is not None:
        source = urljoin(base, str(logo["src"]))
        facts.append(_fact(FactField.LOGO, Link(source), url, str(logo), 0.6))
    elif image:
        facts.append(_fact(FactField.LOGO, Link(urljoin(base, image)), url, image, 0.5))
    return facts
