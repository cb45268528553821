"""The page reduced to its main content with its structure: ``remove_noise``, then furniture.

``dom.remove_noise`` takes out scripts, cookie banners and menus. Measured on the development set
(``tests/scrapers/extract/devset``, ``bench.devset``), what still misled the extractors was the
rest of a CMS page's furniture: news and agenda teasers that carry their own dates next to the
words "applications" or "candidatures", related-links boxes ("Housing - apply by 1 June"), menus
built as bare link lists with no ``<nav>``, site headers, and forms whose checkbox rows read like
language levels. Those are removed here; headings, lists and tables are left untouched, so the
block reader still sees the structure. Decision 0044 says why this reducer and not trafilatura.
"""

from __future__ import annotations

import re

from scrapers.extract.dom import REMOVED, REVEALED, Element, class_tokens, remove, tags

#: Class or id tokens of boxes that are not the page's content: news, agenda, events teasers,
#: related and useful links, sidebars of a CMS layout, top bars.
_FURNITURE_TOKEN = re.compile(
    r"^(?:[\w]+[-_])*(?:news|actus?|actualites?|actualities|agenda|events?|evenements?|teasers?"
    r"|notizie|eventi|related(?:-links)?|liens(?:-associes)?|links?|link-utili|useful-links"
    r"|sidebar|sidebar-first|sidebar-second|widgets?|top-bar|topbar|site-header)"
    r"(?:[-_]+[\w-]*)?$",
    re.IGNORECASE,
)
#: Containers never removed, whatever their classes say ("page-news" on a news article's body).
_NEVER = {"html", "body", "main", "article", "td", "th", "tr", "table", "tbody"}
#: A teaser item by its shape, whatever box holds it: a paragraph or list item that opens with
#: its publication date, ``<p><span class="date">01/12/2026</span> Erasmus+ call: apply by …``
#: (development set, batch 3: it27's "laterale" column, it30's "page-side").
_TEASER_ITEMS = frozenset(("p", "div", "li"))
_DATE_CLASSES = frozenset(("date", "data", "datum", "news-date", "date-news"))


def _opens_with_its_date(tag: Element) -> bool:
    if tag.text and tag.text.strip():
        return False
    for child in tag:
        name = child.tag
        if name == REVEALED:
            return False  # a string of its own, and not blank: a Cloudflare address
        if isinstance(name, str) and name != REMOVED:
            if name == "time":
                return True
            return name == "span" and not _DATE_CLASSES.isdisjoint(class_tokens(child))
        if not isinstance(name, str) and (child.text or "").strip():
            return False  # a comment is a string too, and this one is not blank
        if child.tail and child.tail.strip():
            return False
    return False


def is_furniture(tag: Element) -> bool:
    """Whether ``tag`` is page furniture: a form, the site header, a teaser or link box."""
    name = tag.tag
    if name == "form":
        return True
    if name == "header":
        # The site's header; an article's own header holds its title, which is context.
        return next(tag.iterancestors("main", "article"), None) is None
    if name in _TEASER_ITEMS and _opens_with_its_date(tag):
        return True
    if not tag.attrib or name in _NEVER or tag.get("role") == "main":
        return False
    identity = [tag.get("id", ""), *class_tokens(tag)]
    return any(_FURNITURE_TOKEN.match(token) for token in identity if token)


def reduce_to_content(root: Element) -> None:
    """Remove teasers, link boxes, bare menus, site headers and forms from the page in place.

    The pipeline passes :func:`is_furniture` to ``remove_noise`` instead, to walk the tree once.
    """
    # Collect first, then remove: removing while iterating skips siblings.
    for tag in [tag for tag in tags(root) if is_furniture(tag)]:
        remove(tag)
