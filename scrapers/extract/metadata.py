"""What every page says about itself: title, description, language, canonical URL, image."""

from __future__ import annotations

from urllib.parse import urljoin

from scrapers.extract.dom import Element, class_tokens, tags, text_of
from scrapers.extract.facts import ExtractedFact, clip_snippet
from service.catalogue import FactField, FactValue, Link, Name, PageLanguage, PageText
from service.text import collapse_spaces

EXTRACTOR = "generic/metadata"
VERSION = "1"

#: A description shorter than this is a placeholder ("Home"), not a description.
_MIN_DESCRIPTION = 20
_LOGO_HINTS = ("logo",)


class _HeadTags:
    """The tags metadata is read from, collected in one walk over the tree (in C: lxml picks
    the tags by name)."""

    def __init__(self, root: Element) -> None:
        self.metas: dict[tuple[str, str], str] = {}
        self.first: dict[str, Element] = {}
        self.images: list[Element] = []
        for tag in tags(root, *_WANTED):
            name = tag.tag
            if name == "meta":
                for attribute in ("name", "property"):
                    named = tag.get(attribute)
                    if named is not None:
                        self.metas.setdefault((attribute, named), tag.get("content", ""))
            elif name == "img":
                if tag.get("src") is not None:
                    self.images.append(tag)
            elif name == "link":
                if "canonical" in tag.get("rel", "").split() and tag.get("href") is not None:
                    self.first.setdefault("canonical", tag)
            elif name != "base" or tag.get("href") is not None:
                self.first.setdefault(str(name), tag)

    def meta(self, *, name: str | None = None, prop: str | None = None) -> str | None:
        found = self.metas.get(("name", name) if name else ("property", prop or ""))
        content = collapse_spaces(found) if found is not None else ""
        return content or None


_WANTED = ("meta", "title", "html", "link", "img", "base")
#: Attributes whose value is a list of words, written back joined by single spaces.
_WORD_LISTS = frozenset(("class", "accesskey", "dropzone"))
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _markup(image: Element) -> str:
    """An ``<img>`` written as BeautifulSoup wrote it (the logo's snippet has always been that):
    attributes in alphabetical order, ``&``, ``<`` and ``>`` escaped, double quotes unless the
    value holds one."""
    parts = ["<img"]
    for name, value in sorted(image.items()):
        if name in _WORD_LISTS:
            value = " ".join(value.split())
        value = value.translate(_ESCAPES)
        if '"' not in value:
            quoted = f'"{value}"'
        elif "'" not in value:
            quoted = f"'{value}'"
        else:
            quoted = '"{}"'.format(value.replace('"', "&quot;"))
        parts.append(f" {name}={quoted}")
    return "".join(parts) + "/>"


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
    raw = html.get("lang", "") if html is not None else ""
    raw = raw or tags.meta(prop="og:locale") or ""
    primary = raw.replace("_", "-").split("-")[0].strip().lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 3 else None


def _logo_image(tags: _HeadTags) -> Element | None:
    for image in tags.images:
        attributes = [image.get(name, "") for name in ("alt", "src", "id")]
        hints = " ".join([*attributes, *class_tokens(image)]).lower()
        if any(hint in hints for hint in _LOGO_HINTS):
            return image
    return None


def parse_metadata(root: Element, url: str) -> list[ExtractedFact]:
    """Title, description, language, canonical URL, site name and image of the page."""
    tags = _HeadTags(root)
    base_tag = tags.first.get("base")
    base = urljoin(url, base_tag.get("href", "")) if base_tag is not None else url
    facts: list[ExtractedFact] = []
    title_tag = tags.first.get("title")
    title = collapse_spaces(text_of(title_tag, " ")) if title_tag is not None else ""
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
    canonical_url = canonical.get("href") if canonical is not None else None
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
        source = urljoin(base, logo.get("src", ""))
        facts.append(_fact(FactField.LOGO, Link(source), url, _markup(logo), 0.6))
    elif image:
        facts.append(_fact(FactField.LOGO, Link(urljoin(base, image)), url, image, 0.5))
    return facts
