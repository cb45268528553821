"""What a published HTML page has around its content: metadata in its head, site chrome.

Hugo renders the FAQ's front matter into the page's head (Open Graph title, article date,
author) and wraps the content in menus, sidebars and related-post lists, which are not the
FAQ's lists.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from bs4.element import Tag

from scrapers.faq.read.front_matter import parse_timestamp
from scrapers.faq.read.page import RevisionMeta
from scrapers.faq.read.sections import classify_heading
from service.text import collapse_spaces

_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")


def _text(tag: Tag) -> str:
    return collapse_spaces(tag.get_text(" "))


def read_html_meta(soup: BeautifulSoup) -> RevisionMeta:
    """Title, date and author from the page's head (Open Graph, article metadata, ``<time>``)."""

    def meta(*names: str) -> str | None:
        for name in names:
            tag = soup.find("meta", attrs={"property": name}) or soup.find(
                "meta", attrs={"name": name}
            )
            content = tag.get("content") if isinstance(tag, Tag) else None
            if isinstance(content, str) and content.strip():
                return collapse_spaces(content)
        return None

    title = meta("og:title")
    if title is None:
        heading = soup.find("h1") or soup.find("title")
        title = _text(heading) if isinstance(heading, Tag) else None
    published = meta("article:published_time", "date")
    if published is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        value = time_tag.get("datetime") if isinstance(time_tag, Tag) else None
        published = value if isinstance(value, str) else None
    return RevisionMeta(
        title=title or None,
        published_at=parse_timestamp(published),
        contributor=meta("author", "article:author"),
    )


def content_root(soup: BeautifulSoup) -> Tag:
    """The smallest element holding every section heading: a published page's article, without
    the site's related-posts lists or sidebars around it."""
    root: Tag = soup.body if soup.body is not None else soup
    headings = [
        tag
        for tag in root.find_all(_HEADINGS)
        if isinstance(tag, Tag) and classify_heading(_text(tag)) is not None
    ]
    if not headings:
        return root
    common = [parent for parent in headings[0].parents if isinstance(parent, Tag)]
    for heading in headings[1:]:
        ancestors = {id(parent) for parent in heading.parents}
        common = [parent for parent in common if id(parent) in ancestors]
    return common[0] if common else root
