"""What a published HTML page has around its content: metadata in its head, site chrome.

Hugo renders the FAQ's front matter into the page's head (Open Graph title, article date,
author) and wraps the content in menus, sidebars and related-post lists, which are not the
FAQ's lists.
"""

from __future__ import annotations

from scrapers.faq.read.front_matter import parse_timestamp
from scrapers.faq.read.page import RevisionMeta
from scrapers.faq.read.sections import classify_heading
from scrapers.faq.read.tree import Element, text_of
from service.text import collapse_spaces

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _first(root: Element, tag: str, attribute: str, value: str | None = None) -> Element | None:
    """The first ``tag`` element with ``attribute`` (equal to ``value``, when given)."""
    for element in root.iter(tag):
        found = element.get(attribute)
        if found is not None and (value is None or found == value):
            return element
    return None


def read_html_meta(root: Element) -> RevisionMeta:
    """Title, date and author from the page's head (Open Graph, article metadata, ``<time>``)."""

    def meta(*names: str) -> str | None:
        for name in names:
            tag = _first(root, "meta", "property", name)
            if tag is None:
                tag = _first(root, "meta", "name", name)
            content = tag.get("content") if tag is not None else None
            if content is not None and content.strip():
                return collapse_spaces(content)
        return None

    title = meta("og:title")
    if title is None:
        heading = next(root.iter("h1"), None)
        if heading is None:
            heading = next(root.iter("title"), None)
        title = text_of(heading) if heading is not None else None
    published = meta("article:published_time", "date")
    if published is None:
        time_tag = _first(root, "time", "datetime")
        published = time_tag.get("datetime") if time_tag is not None else None
    return RevisionMeta(
        title=title or None,
        published_at=parse_timestamp(published),
        contributor=meta("author", "article:author"),
    )


def content_root(document: Element) -> Element:
    """The smallest element holding every section heading: a published page's article, without
    the site's related-posts lists or sidebars around it."""
    root = next(document.iter("body"), document)
    headings = [tag for tag in root.iter(*_HEADINGS) if classify_heading(text_of(tag)) is not None]
    if not headings:
        return root
    common = list(headings[0].iterancestors())
    for heading in headings[1:]:
        ancestors = set(heading.iterancestors())
        common = [parent for parent in common if parent in ancestors]
    return common[0] if common else root
