"""The page as a tree: parsing, removing what is not content, finding the main content.

Cookie banners, menus, breadcrumbs and skip links surround the content of every partner page;
they hold words ("apply", "deadline", "contact") that would mislead the extractors, so they are
removed before reading. Footers and sidebars stay: they often hold the contact details.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bs4 import BeautifulSoup, Tag

_NOT_TEXT = (
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "iframe",
    "object",
    "embed",
    "canvas",
    "select",
    "textarea",
    "input",
)
_NOT_TEXT_NAMES = frozenset(_NOT_TEXT)
_COOKIE = re.compile(
    r"cookie|consent|gdpr|rgpd|tarteaucitron|didomi|onetrust|cookiebot|axeptio|cmplz|klaro"
    r"|^cc[-_](?:window|banner)",
    re.IGNORECASE,
)
_MENU_TOKEN = re.compile(
    r"^(?:[\w]+[-_])*(?:menu|menus|navbar|nav|navigation|breadcrumbs?|megamenu|skip-?links?"
    r"|sr-only|visually-hidden|screen-reader-text|social-share|share-buttons)(?:[-_]+[\w-]*)?$",
    re.IGNORECASE,
)
_MENU_ROLES = {"navigation", "search", "menubar", "menu", "banner-menu"}

#: Where the main content usually is, most specific first.
MAIN_SELECTORS = (
    "main",
    "[role=main]",
    "#main-content",
    "#content",
    "#contenu",
    "#main",
    ".main-content",
    "article",
    ".content",
)
#: A candidate main element with less text than this is a wrapper or a teaser, not the content.
_MAIN_MIN_TEXT = 200


def parse_html(html: str) -> BeautifulSoup:
    """Parse decoded HTML with libxml2 (``lxml``) under BeautifulSoup (decision 0165).

    The same facts as with the standard library's parser on every development page, for less
    CPU. libxml2 takes UTF-8, so a lone surrogate (never in text decoded from bytes, possible in a
    string built otherwise) is replaced by U+FFFD rather than failing the page.
    """
    try:
        return BeautifulSoup(html, "lxml")
    except UnicodeEncodeError:
        repaired = html.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
        return BeautifulSoup(repaired, "lxml")


#: Containers whose classes describe the whole page ("has-menu"), never noise themselves.
_NEVER_NOISE = {"html", "body", "main"}


def class_tokens(tag: Tag) -> list[str]:
    """The element's class names (none when it has no class attribute)."""
    return [str(token) for token in tag.get_attribute_list("class") if token]


def _is_noise(tag: Tag) -> bool:
    if tag.name in _NEVER_NOISE or tag.get("role") == "main":
        return False
    if tag.name == "nav" or str(tag.get("role", "")).lower() in _MENU_ROLES:
        return True
    identity = [str(tag.get("id", "")), *class_tokens(tag)]
    return any(_COOKIE.search(token) or _MENU_TOKEN.match(token) for token in identity if token)


def remove_noise(
    soup: BeautifulSoup,
    extra_selectors: tuple[str, ...] = (),
    *,
    also: Callable[[Tag], bool] | None = None,
) -> None:
    """Remove scripts, cookie banners, menus (and ``extra_selectors``) from ``soup`` in place.

    ``also`` names more elements to remove in the same pass over the tree
    (``scrapers.extract.reduce``): one walk instead of two keeps a 60 KB page's cost as it was.
    """
    for selector in extra_selectors:
        for tag in soup.select(selector):
            tag.decompose()
    # Collect first, then remove: decomposing while iterating skips siblings. One walk of
    # ``descendants`` for everything: each ``find_all`` was a walk of its own, through bs4's
    # filter machinery.
    noisy = [
        tag
        for tag in soup.descendants
        if isinstance(tag, Tag)
        and (tag.name in _NOT_TEXT_NAMES or _is_noise(tag) or (also is not None and also(tag)))
    ]
    for tag in noisy:
        if not tag.decomposed:
            tag.decompose()


def select_main(soup: BeautifulSoup, selectors: tuple[str, ...] = MAIN_SELECTORS) -> Tag:
    """The element holding the page's main content (the whole body when none stands out)."""
    for selector in selectors:
        for candidate in soup.select(selector):
            if len(candidate.get_text(" ", strip=True)) >= _MAIN_MIN_TEXT:
                return candidate
    return soup.body or soup
