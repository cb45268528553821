"""The page as a tree: parsing, removing what is not content, finding the main content.

Cookie banners, menus, breadcrumbs and skip links surround the content of every partner page;
they hold words ("apply", "deadline", "contact") that would mislead the extractors, so they are
removed before reading. Footers and sidebars stay: they often hold the contact details.

The tree is libxml2's, read through lxml without BeautifulSoup (decision 0280): parsing is 40
times cheaper and every walk runs in C. The text of an element is read as BeautifulSoup read it
(decision 0165's facts stay identical): its strings are the ``text`` and ``tail`` runs, comments
and processing instructions are skipped, and a removed element leaves the strings on its two
sides apart (``Dates<svg/>limites`` is "Dates limites" when joined by spaces): it stays in the
tree as an empty :data:`REMOVED` placeholder, its tail kept. libxml2 writes every tag name in
lower case, so no element of a page has a placeholder's upper-case name.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from lxml import etree

#: An element of the page's tree (comments and processing instructions are nodes too, whose
#: ``tag`` is not a string: :func:`is_tag` tells them apart).
Element = etree._Element
#: The placeholder a removed element leaves (see the module's docstring).
REMOVED = "REMOVED"
#: The placeholder of an element replaced by a string (a Cloudflare-protected address): one
#: string of its own, its ``text``, as BeautifulSoup's ``replace_with`` left it.
REVEALED = "REVEALED"
_PLACEHOLDERS = frozenset((REMOVED, REVEALED))
#: Strings under these elements are not part of their ancestors' text, nor theirs of their
#: descendants' (BeautifulSoup's string containers; scripts, styles and templates are removed
#: before anything reads text).
_RUBY = ("rt", "rp")

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
    # "gnb", "lnb", "snb": the global, local and side navigation bars of Korean sites.
    r"|gnb|lnb|snb"
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


def parse_html(html: str) -> Element:
    """The document element of decoded HTML, parsed by libxml2 (decision 0280).

    libxml2 takes UTF-8, so a lone surrogate (never in text decoded from bytes, possible in a
    string built otherwise) is replaced by U+FFFD rather than failing the page.
    """
    try:
        root = _parse(html)
    except UnicodeEncodeError:
        root = _parse(html.encode("utf-16", "surrogatepass").decode("utf-16", "replace"))
    if _has_invisible_characters(html):
        _drop_invisible_characters(root)
    return root


#: Characters a reader never sees: the soft hyphen of hyphenation plug-ins (``Candi&shy;dature``),
#: the zero-width space of CMS line-break hints, the word joiner, a stray byte-order mark.
_INVISIBLE = "\u00ad\u200b\u2060\ufeff"
_INVISIBLE_RUN = re.compile(f"[{_INVISIBLE}]+")
#: The same characters as the source may write them: ``&shy;``, ``&#173;``, ``&#x200B;``…
_INVISIBLE_REFERENCE = re.compile(
    r"&(?:shy;?|#0*(?:173|8203|8288|65279);?|#x0*(?:ad|200b|2060|feff);?)", re.IGNORECASE
)
#: The text nodes that hold one (in C, but a pass over every text node: only on the pages
#: whose source holds one).
_WITH_INVISIBLE = etree.XPath(
    "//text()[" + " or ".join(f"contains(., '{char}')" for char in _INVISIBLE) + "]"
)


def _has_invisible_characters(html: str) -> bool:
    return any(char in html for char in _INVISIBLE) or bool(_INVISIBLE_REFERENCE.search(html))


def _drop_invisible_characters(root: Element) -> None:
    """Take the invisible characters out of the page's text: a cue word with a soft hyphen
    in it is still the word the reader reads (decision 0396)."""
    for found in _WITH_INVISIBLE(root):
        parent = found.getparent()
        if parent is None:
            continue
        if found.is_tail:
            parent.tail = _INVISIBLE_RUN.sub("", parent.tail or "")
        else:
            parent.text = _INVISIBLE_RUN.sub("", parent.text or "")


#: libxml2 builds its own tree at most about 2,048 elements deep (``huge_tree``) and drops what
#: is deeper; a tree built from its parsing events, as BeautifulSoup's was, has no such limit.
_DEEP = etree.XPath("/" + "/".join(["*"] * 2_000))


def _parse(html: str) -> Element:
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    parser.feed(html)
    root = _closed(parser.close)
    if root is not None and _DEEP(root):
        # 100,000 nested ``<div>``s are a page like any other (issue 17): rare, and five
        # times slower to build than libxml2's own tree.
        builder = etree.HTMLParser(target=etree.TreeBuilder(), recover=True, huge_tree=True)
        builder.feed(html)
        root = _closed(builder.close)
    # A document without an element: one empty ``<html>`` is the same page to read.
    return root if root is not None else etree.Element("html")


def _closed(close: Callable[[], Element]) -> Element | None:
    try:
        return close()
    except etree.XMLSyntaxError:
        return None


def is_tag(node: Element) -> bool:
    """Whether ``node`` is an element of the page (not a comment, nor a placeholder)."""
    tag = node.tag
    return isinstance(tag, str) and tag not in _PLACEHOLDERS


#: ``element`` and its descendant elements in document order (in C: lxml's ``iter`` takes time
#: quadratic in the depth of a deep tree).
_ELEMENTS = etree.XPath("descendant-or-self::*")


def tags(element: Element, *names: str) -> list[Element]:
    """``element`` and its descendant elements in document order (named ``names`` if given)."""
    if names:
        return [node for node in element.iter(*names) if is_tag(node)]
    found: list[Element] = _ELEMENTS(element)
    return [node for node in found if node.tag not in _PLACEHOLDERS]


def child_tags(element: Element) -> list[Element]:
    """``element``'s child elements (no comments, no placeholders)."""
    return [child for child in element if is_tag(child)]


def children(element: Element) -> Iterator[Element | str]:
    """``element``'s children in document order: its strings and its child elements."""
    if element.text:
        yield element.text
    for child in element:
        tag = child.tag
        if tag == REVEALED:
            yield child.text or ""
        elif isinstance(tag, str) and tag != REMOVED:
            yield child
        if child.tail:
            yield child.tail


def _in_ruby(element: Element) -> bool:
    return element.tag in _RUBY or next(element.iterancestors(*_RUBY), None) is not None


#: Every text node under an element, in document order (in C; lxml's ``itertext`` takes time
#: quadratic in the depth of a deep tree).
_TEXTS = etree.XPath("descendant::text()", smart_strings=False)


def strings(element: Element) -> list[str]:
    """The strings of ``element``'s text, in document order, as BeautifulSoup's ``get_text``.

    Ruby annotations (``<rt>``, ``<rp>``) are strings of their own kind there: an element's text
    holds only the strings of its own kind.
    """
    if next(element.iterdescendants(*_RUBY), None) is None and not _in_ruby(element):
        found: list[str] = _TEXTS(element)
        return found
    return list(_ruby_strings(element, _ruby_container(element)))


def _ruby_container(element: Element) -> str | None:
    if element.tag in _RUBY:
        return str(element.tag)
    found = next(element.iterancestors(*_RUBY), None)
    return str(found.tag) if found is not None else None


def _ruby_strings(element: Element, own: str | None) -> Iterator[str]:
    """The strings under ``element`` whose innermost ruby container is ``own`` (no recursion)."""
    stack: list[Iterator[Element | str]] = [children(element)]
    kinds = [own]
    wanted = own if element.tag in _RUBY else None
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            kinds.pop()
        elif isinstance(node, str):
            if kinds[-1] == wanted:
                yield node
        else:
            stack.append(children(node))
            kinds.append(str(node.tag) if node.tag in _RUBY else kinds[-1])


def text_of(element: Element, separator: str = "", *, strip: bool = False) -> str:
    """``element``'s text: its strings joined by ``separator`` (each stripped, empty ones
    dropped, when ``strip``), as BeautifulSoup's ``get_text(separator, strip=strip)``."""
    if strip:
        return separator.join(text for text in (s.strip() for s in strings(element)) if text)
    return separator.join(strings(element))


def remove(element: Element) -> None:
    """Take ``element`` and everything under it out of the page, its tail kept apart."""
    element.clear(keep_tail=True)
    element.tag = REMOVED


def replace_with_text(element: Element, text: str) -> None:
    """Put ``text`` in ``element``'s place, as one string of its own."""
    element.clear(keep_tail=True)
    element.tag = REVEALED
    element.text = text


def body_of(root: Element) -> Element:
    """The page's ``<body>``, else the whole document."""
    return next(root.iter("body"), root)


_SELECTOR_PART = re.compile(r"([#.]?)([\w-]+)|\[([\w-]+)(?:=\"?([^\]\"']*)\"?)?\]")
_XML_NAME = re.compile(r"[A-Za-z_][\w.-]*")


def select(root: Element, selector: str) -> list[Element]:
    """The elements under ``root`` (itself included) that ``selector`` matches, in order.

    A selector here is one compound selector, what the adapters and :data:`MAIN_SELECTORS`
    use: a tag name, ``#id``, ``.class`` and ``[attribute]`` / ``[attribute=value]``, in any
    combination (``article.aalto-article``, ``a[data-user][data-domain]``); anything else is a
    ``ValueError``, never a silent mismatch.
    """
    find, classes = _compiled(selector)
    found: list[Element] = find(root)
    return [element for element in found if classes.issubset(class_tokens(element))]


@functools.cache
def _compiled(selector: str) -> tuple[etree.XPath, frozenset[str]]:
    """The selector as an XPath (in C) and the class names its matches must have.

    XPath's ``contains`` only narrows a class down (``.content`` is in "contents"); the class
    names are compared as BeautifulSoup did, split on white space.
    """
    name = "*"
    conditions: list[str] = []
    classes: set[str] = set()
    position = 0
    for match in _SELECTOR_PART.finditer(selector):
        if match.start() != position:
            break
        kind, word, attribute, value = match.groups()
        if attribute is not None and _XML_NAME.fullmatch(attribute):
            conditions.append(f"@{attribute}" if value is None else f"@{attribute}='{value}'")
        elif kind == "#":
            conditions.append(f"@id='{word}'")
        elif kind == ".":
            conditions.append(f"contains(@class, '{word}')")
            classes.add(word)
        elif position == 0 and attribute is None and _XML_NAME.fullmatch(word):
            name = word
        else:
            break
        position = match.end()
    if position != len(selector) or not selector:
        raise ValueError(f"unsupported selector: {selector!r}")
    predicates = "".join(f"[{condition}]" for condition in conditions)
    return etree.XPath(f"descendant-or-self::{name}{predicates}"), frozenset(classes)


#: Containers whose classes describe the whole page ("has-menu"), never noise themselves.
_NEVER_NOISE = {"html", "body", "main"}


def class_tokens(tag: Element) -> list[str]:
    """The element's class names (none when it has no class attribute)."""
    classes = tag.get("class")
    return classes.split() if classes else []


def _is_noise(tag: Element) -> bool:
    name = tag.tag
    if name in _NEVER_NOISE or tag.get("role") == "main":
        return False
    if name == "nav" or tag.get("role", "").lower() in _MENU_ROLES:
        return True
    identity = [tag.get("id", ""), *class_tokens(tag)]
    return any(_COOKIE.search(token) or _MENU_TOKEN.match(token) for token in identity if token)


def remove_noise(
    root: Element,
    extra_selectors: tuple[str, ...] = (),
    *,
    also: Callable[[Element], bool] | None = None,
) -> None:
    """Remove scripts, cookie banners, menus (and ``extra_selectors``) from the page in place.

    ``also`` names more elements to remove in the same pass over the tree
    (``scrapers.extract.reduce``).
    """
    for selector in extra_selectors:
        for tag in select(root, selector):
            remove(tag)
    # Collect first, then remove: the walk never sees a changed tree. An element removed with
    # an ancestor is already out of the page, so the walk does not go under one it removes (a
    # mega menu's hundreds of links are not judged one by one).
    noisy: list[Element] = []
    pending = [root]
    while pending:  # a stack, not recursion: a page may be nested thousands deep
        tag = pending.pop()
        if tag.tag in _NOT_TEXT_NAMES or _is_noise(tag) or (also is not None and also(tag)):
            noisy.append(tag)
        else:
            pending.extend(child_tags(tag))
    for tag in noisy:
        remove(tag)


def select_main(root: Element, selectors: tuple[str, ...] = MAIN_SELECTORS) -> Element:
    """The element holding the page's main content (the whole body when none stands out)."""
    for selector in selectors:
        for candidate in select(root, selector):
            if len(text_of(candidate, " ", strip=True)) >= _MAIN_MIN_TEXT:
                return candidate
    return body_of(root)


#: A page's last region is its footer when it holds at most this share of the page's text.
_FOOTER_SHARE = 0.25


def trailing_region(body: Element) -> Element | None:
    """The page's footer by its place, for a page whose main content does not stand out.

    Below the wrappers that hold everything (an element with one child of text), the page is a
    row of regions; with three or more (a header, the content, a footer), the last is the
    site's footer when it is not the longest and holds at most a quarter of their text,
    whatever its element or classes (a ``<footer>`` written as a ``<div>``, decision 0396).
    """
    region = body
    while True:
        parts = [
            (child, length)
            for child in child_tags(region)
            if (length := len(text_of(child, " ", strip=True)))
        ]
        if len(parts) != 1:
            break
        region = parts[0][0]
    if len(parts) < 3:
        return None
    lengths = [length for _, length in parts]
    last, length = parts[-1]
    if length == max(lengths) or length > _FOOTER_SHARE * sum(lengths):
        return None
    return last
