"""The page reduced to its main content with its structure: ``remove_noise``, then furniture.

``dom.remove_noise`` takes out scripts, cookie banners and menus. Measured on the development set
(``tests/scrapers/extract/devset``, ``bench.devset``), what still misled the extractors was the
rest of a CMS page's furniture: news and agenda teasers that carry their own dates next to the
words "applications" or "candidatures", related-links boxes ("Housing - apply by 1 June"), menus
built as bare link lists with no ``<nav>``, site headers, and forms whose checkbox rows read like
language levels. Those are removed here; headings, lists and tables are left untouched, so the
block reader still sees the structure. Decision 0044 says why this reducer and not trafilatura.

Class names change with every theme and build (hashed by CSS modules): two rules read the
furniture by its shape alone (decision 0396): a list of links to other pages and nothing else is
a menu, and an item that opens with a date standing alone and goes on with one link is a
teaser.
"""

from __future__ import annotations

import re

from lxml import etree

from scrapers.extract.dates import find_dates
from scrapers.extract.dom import (
    REMOVED,
    REVEALED,
    Element,
    class_tokens,
    remove,
    tags,
    text_of,
)

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
_LISTS = frozenset(("ul", "ol"))
#: A date standing alone is short ("mercredi 12 janvier 2027").
_DATE_ALONE_MAX = 40
_WORD = re.compile(r"\w")


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
            if name != "span":
                return False
            if not _DATE_CLASSES.isdisjoint(class_tokens(child)):
                return True
            return _is_a_date_alone(child) and _is_a_link_after(tag, child)
        if not isinstance(name, str) and (child.text or "").strip():
            return False  # a comment is a string too, and this one is not blank
        if child.tail and child.tail.strip():
            return False
    return False


#: The text of a list item outside its links (in C).
_TEXT_OUTSIDE_LINKS = etree.XPath("descendant::text()[not(ancestor::a)]", smart_strings=False)
_PAGE_LINKS = etree.XPath(
    "descendant::a[@href and not(starts-with(@href, 'mailto:'))"
    " and not(starts-with(@href, 'tel:'))]"
)


def _is_link_list(tag: Element) -> bool:
    """Whether ``tag`` is a list of links to other pages and nothing else: a menu without a
    ``<nav>``, a mega menu's panel, a related-links box, whatever its classes (decision 0396).

    Each of its two or more items holds a link to a page (not a ``mailto:`` or ``tel:``: a
    list of addresses is a list of contacts) and no text outside its links.
    """
    items = [child for child in tag if child.tag == "li"]
    if len(items) < 2:
        return False
    for item in items:
        if (item.text and item.text.strip()) or not _PAGE_LINKS(item):
            return False  # the first test alone answers for most lists of content
        if any(text.strip() for text in _TEXT_OUTSIDE_LINKS(item)):
            return False
    return True


def _is_a_date_alone(tag: Element) -> bool:
    """Whether ``tag``'s whole text is one date (``<span>12/01/2027</span>``)."""
    text = text_of(tag).strip()
    if not text or len(text) > _DATE_ALONE_MAX:
        return False
    dates = find_dates(text)
    return len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(text)


def _is_a_link_after(tag: Element, first: Element) -> bool:
    """Whether all of ``tag``'s text after ``first`` is one link's (a teaser's title, pointing
    at its article), but for separators."""
    rest = [(first.tail or "")]
    link = None
    for child in first.itersiblings():
        if not isinstance(child.tag, str) or child.tag == REMOVED:
            rest.append(child.tail or "")
        elif child.tag == "a" and link is None and child.get("href"):
            link = child
            rest.append(child.tail or "")
        else:
            return False
    return link is not None and not _WORD.search("".join(rest))


_CARD_PARTS = frozenset(("p", "div", "span", "time"))
_CARD_TITLES = frozenset(("p", "h2", "h3", "h4", "h5", "h6"))


def _is_a_dated_card(tag: Element) -> bool:
    """Whether ``tag`` is a news or event card: its first element a date standing alone
    (``<p>20 January 2027</p>``), its second a title that is one link and nothing else
    (``<p><a href="/news/msc">…</a></p>``, ``<h3><a …>``), whatever their classes."""
    if tag.text and tag.text.strip():
        return False
    parts = [child for child in tag if isinstance(child.tag, str) and child.tag != REMOVED]
    if len(parts) < 2 or parts[0].tag not in _CARD_PARTS or parts[1].tag not in _CARD_TITLES:
        return False
    if (parts[0].tail or "").strip() or not _is_a_date_alone(parts[0]):
        return False
    title = parts[1]
    links = [child for child in title if child.tag == "a" and child.get("href")]
    if len(links) != 1 or len(title) != 1 or (title.text or "").strip():
        return False
    return not (links[0].tail or "").strip()


def is_furniture(tag: Element) -> bool:
    """Whether ``tag`` is page furniture: a form, the site header, a teaser or link box."""
    name = tag.tag
    if name == "form":
        return True
    if name in _LISTS:
        return _is_link_list(tag)
    if name == "header":
        # The site's header; an article's own header holds its title, which is context.
        return next(tag.iterancestors("main", "article"), None) is None
    if name in _TEASER_ITEMS and (_opens_with_its_date(tag) or _is_a_dated_card(tag)):
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
