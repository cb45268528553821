"""Rewrites of a page's markup that leave its facts as a careful reader finds them (issue 12).

The development set's rules are tuned page by page; a rule that holds only for the way one page
is marked up passes there and fails on the next site. Each transformation here rewrites the
markup the way another site, theme or build would write the same page: semantic containers as
plain ``<div>``\\ s, hashed class names, headings as bold paragraphs (and back), ``<th>`` as
``<td><b>``, lists as ``<br>`` lines, white-space noise, boilerplate around the content, a theme's
wrapper around it. ``bench.extraction_robustness`` scores the extraction of each rewritten page
against the page's own labels (metamorphic testing: the labels do not change).

Every transformation is a pure function ``(html, page) -> html`` of a :class:`Page` (the
page's language and URL, and whether its labels hold an e-mail address); the same input always
gives the same output. The boilerplate lives in ``bench.boilerplate``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

from lxml import etree

from bench.boilerplate import after_content, before_content, top_of_page

Element = etree._Element


@dataclass(frozen=True)
class Page:
    """What a transformation may know of the page besides its markup."""

    language: str
    url: str
    #: Whether the page's labels hold an e-mail address: a footer's general address is then
    #: not a fact of the page (decision 0180), whereas on a page with none it would be.
    has_email: bool = True

    @property
    def domain(self) -> str:
        host = urlsplit(self.url).hostname or "example.org"
        return host.removeprefix("www.")


Transform = Callable[[str, Page], str]


def parse(html: str) -> Element:
    """The page's tree, as libxml2 builds it (the extractors' parser, decision 0280)."""
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    parser.feed(html)
    root = parser.close()
    return root if root is not None else etree.Element("html")


def serialize(root: Element) -> str:
    """The tree as HTML again."""
    return "<!DOCTYPE html>\n" + etree.tostring(root, method="html", encoding="unicode")


def _tree_transform(change: Callable[[Element, Page], None]) -> Transform:
    def transform(html: str, page: Page) -> str:
        root = parse(html)
        change(root, page)
        return serialize(root)

    transform.__doc__ = change.__doc__
    return transform


def _body(root: Element) -> Element:
    body = next(root.iter("body"), None)
    if body is None:
        body = etree.SubElement(root, "body")
    return body


def _elements(root: Element, *names: str) -> list[Element]:
    return [node for node in root.iter(*names) if isinstance(node.tag, str)]


# -- the transformations ------------------------------------------------------------------------


def _reparse(root: Element, page: Page) -> None:
    """Nothing: the page parsed and written again (the control row)."""


_SEMANTIC = ("main", "nav", "header", "footer", "aside", "article")


def _semantic_to_div(root: Element, page: Page) -> None:
    """``main``, ``nav``, ``header``, ``footer``, ``aside``, ``article`` become ``<div>``; every
    ``role`` attribute is dropped (a page built before HTML5, or by a page builder)."""
    for element in _elements(root, *_SEMANTIC):
        element.tag = "div"
    for element in _elements(root):
        element.attrib.pop("role", None)


def neutral_token(name: str) -> str:
    """A class or id name as a CSS-modules or utility build writes it: a hash, no words."""
    return "x" + hashlib.sha1(name.encode()).hexdigest()[:7]


def _neutral_names(root: Element, page: Page) -> None:
    """Every class and id name replaced by a hashed token (CSS modules, Tailwind-like builds);
    the same name gives the same token, so the page's structure is unchanged."""
    for element in _elements(root):
        if (identifier := element.get("id")) is not None:
            element.set("id", neutral_token(identifier))
        if (classes := element.get("class")) is not None:
            element.set("class", " ".join(neutral_token(token) for token in classes.split()))


_HEADING_NAMES = ("h1", "h2", "h3", "h4", "h5", "h6")
_BLOCK_NAMES = frozenset(
    (
        "address",
        "article",
        "aside",
        "blockquote",
        "div",
        "dl",
        "fieldset",
        "figure",
        "footer",
        "form",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "ul",
        *_HEADING_NAMES,
    )
)


def _has_blocks(element: Element) -> bool:
    return any(node.tag in _BLOCK_NAMES for node in element.iterdescendants())


def _wrap_children(element: Element, name: str) -> None:
    """Move ``element``'s content (text and children) into a new child ``name``."""
    wrapper = etree.Element(name)
    wrapper.text, element.text = element.text, None
    for child in list(element):
        wrapper.append(child)  # moves the child, its tail with it
    element.append(wrapper)


def _headings_as_bold(root: Element, page: Page) -> None:
    """Each heading (``h1``-``h6``) becomes a bold paragraph, ``<p><strong>…</strong></p>``, as
    a WYSIWYG editor writes it; its attributes are kept."""
    for heading in _elements(root, *_HEADING_NAMES):
        if _has_blocks(heading):
            continue
        heading.tag = "p"
        _wrap_children(heading, "strong")


#: A bold paragraph longer than this is emphasis, not a heading, to a reader too.
_BOLD_HEADING_MAX = 80


def _bold_only(paragraph: Element) -> Element | None:
    children = [child for child in paragraph if isinstance(child.tag, str)]
    if len(children) != 1 or children[0].tag not in ("strong", "b"):
        return None
    if (paragraph.text or "").strip() or (children[0].tail or "").strip():
        return None
    text = " ".join("".join(paragraph.itertext()).split())
    return children[0] if text and len(text) <= _BOLD_HEADING_MAX else None


def _bold_as_headings(root: Element, page: Page) -> None:
    """Each short bold paragraph (``<p><strong>Deadlines</strong></p>``) becomes an ``<h3>``."""
    for paragraph in _elements(root, "p"):
        bold = _bold_only(paragraph)
        if bold is None:
            continue
        paragraph.tag = "h3"
        paragraph.text = bold.text
        index = paragraph.index(bold)
        for offset, child in enumerate(list(bold)):
            paragraph.insert(index + 1 + offset, child)
        paragraph.remove(bold)  # its tail is blank (``_bold_only``)


def _header_cells_as_bold(root: Element, page: Page) -> None:
    """A table's ``<th>`` becomes ``<td><b>…</b></td>`` and its ``<thead>`` a ``<tbody>``, as an
    old layout or an editor's table writes its header row."""
    for section in _elements(root, "thead"):
        section.tag = "tbody"
    for cell in _elements(root, "th"):
        cell.tag = "td"
        cell.attrib.pop("scope", None)
        if "".join(cell.itertext()).strip() and not _has_blocks(cell):
            _wrap_children(cell, "b")


def _flat_lists(root: Element, page: Page) -> None:
    """A list whose items hold no block becomes one paragraph, an item a line (``<br>``)."""
    for listing in _elements(root, "ul", "ol"):
        items = [child for child in listing if isinstance(child.tag, str)]
        if not items or any(item.tag != "li" or _has_blocks(item) for item in items):
            continue
        paragraph = etree.Element("p")
        for key, value in listing.attrib.items():
            paragraph.set(key, value)
        for number, item in enumerate(items):
            if number:
                etree.SubElement(paragraph, "br")
            _append_content(paragraph, item)
        paragraph.tail = listing.tail
        parent = listing.getparent()
        if parent is not None:
            parent.replace(listing, paragraph)


def _append_content(target: Element, source: Element) -> None:
    """Append ``source``'s text and children at the end of ``target``."""
    last = target[-1] if len(target) else None
    if source.text:
        if last is None:
            target.text = (target.text or "") + source.text
        else:
            last.tail = (last.tail or "") + source.text
    for child in list(source):
        target.append(child)


_NOT_TEXT = frozenset(("script", "style", "template", "textarea", "pre", "code"))
#: A space before a French high punctuation mark, one after a number, one inside a date.
_BEFORE_PUNCTUATION = re.compile(r" (?=[:;!?»])")
_AFTER_NUMBER = re.compile(r"(?<=\d) (?=\w)")
#: A word long enough for a hyphenation plug-in to break it, and not part of an address.
_LONG_WORD = re.compile(r"(?<![\w@.])([^\W\d_]{4})([^\W\d_]{4,})(?![\w@]|\.\w)")


def noisy_text(text: str) -> str:
    """``text`` with the white-space noise of real pages: non-breaking spaces where typography
    wants them (before ``:`` in French, after a number), a soft hyphen in each long word, a
    line break and indentation in place of every fifth remaining space."""
    text = _BEFORE_PUNCTUATION.sub("\u202f", text)
    text = _AFTER_NUMBER.sub("\u00a0", text)
    text = _LONG_WORD.sub("\\1\u00ad\\2", text)
    parts = text.split(" ")
    return "".join(
        part + ("" if index == len(parts) - 1 else "\n      " if index % 5 == 4 else " ")
        for index, part in enumerate(parts)
    )


def _white_space_noise(root: Element, page: Page) -> None:
    """Non-breaking and narrow spaces, soft hyphens, line breaks and indentation in the text
    (``noisy_text``), outside scripts, styles and preformatted text."""
    for element in _elements(root):
        if element.tag in _NOT_TEXT or next(element.iterancestors(*_NOT_TEXT), None) is not None:
            continue
        if element.text and element.tag not in ("html", "head", "title"):
            element.text = noisy_text(element.text)
        if element.tail and element.tag not in ("head", "body"):
            element.tail = noisy_text(element.tail)


def _content_of(root: Element) -> Element:
    """The page's ``<main>``, else its ``<body>``."""
    found = next(iter(_elements(root, "main")), None)
    return found if found is not None else _body(root)


def _boilerplate_around(root: Element, page: Page) -> None:
    """A cookie banner and a mega menu at the top of the page, a news teaser just before the
    content, an agenda, a related-links box, a newsletter box and a footer with the
    institution's general address after it, all in the page's language (``bench.boilerplate``)."""
    body = _body(root)
    for offset, block in enumerate(top_of_page(page.language, page.domain)):
        body.insert(offset, block)
    content = _content_of(root)
    before = before_content(page.language, page.domain)
    after = after_content(page.language, page.domain, with_email=page.has_email)
    if content is body:
        start = len(top_of_page(page.language, page.domain))
        for offset, block in enumerate(before):
            body.insert(start + offset, block)
        body.extend(after)
        return
    parent = content.getparent()
    assert parent is not None
    index = parent.index(content)
    for offset, block in enumerate(before):
        parent.insert(index + offset, block)
    tail, content.tail = content.tail, None
    for offset, block in enumerate(after):
        parent.insert(index + len(before) + 1 + offset, block)
    after[-1].tail = tail


#: A WordPress theme on Bootstrap's grid, outermost first: (tag, id, class).
_WRAPPER = (
    ("div", "page", "site"),
    ("div", "content", "site-content"),
    ("div", None, "container"),
    ("div", None, "row"),
    ("div", "primary", "content-area col-lg-8 col-md-12"),
    ("div", "main", "site-main"),
    ("div", "post-1284", "post-1284 page type-page status-publish hentry"),
    ("div", None, "entry-content clearfix"),
)


def _theme_wrapper(root: Element, page: Page) -> None:
    """The content moved into a WordPress theme's Bootstrap grid: the ``<main>``'s children (or,
    on a page without one, the body's) in eight nested ``<div>``\\ s, the ``<main>`` itself
    gone."""
    content = _content_of(root)
    outer = etree.Element(_WRAPPER[0][0])
    inner = outer
    for level, (name, identifier, classes) in enumerate(_WRAPPER):
        if level:
            inner = etree.SubElement(inner, name)
        if identifier:
            inner.set("id", identifier)
        inner.set("class", classes)
    _append_content(inner, content)
    content.text = None
    if content.tag == "body":
        content.append(outer)
        return
    outer.tail = content.tail
    parent = content.getparent()
    assert parent is not None
    parent.replace(content, outer)


def _everything(html: str, page: Page) -> str:
    """Every transformation above, one after the other (boilerplate before names are hashed)."""
    for name in _COMPOSED:
        html = TRANSFORMS[name](html, page)
    return html


TRANSFORMS: dict[str, Transform] = {
    "reparsed": _tree_transform(_reparse),
    "semantic containers as divs": _tree_transform(_semantic_to_div),
    "neutral class and id names": _tree_transform(_neutral_names),
    "headings as bold paragraphs": _tree_transform(_headings_as_bold),
    "bold paragraphs as headings": _tree_transform(_bold_as_headings),
    "th as td > b": _tree_transform(_header_cells_as_bold),
    "lists as br lines": _tree_transform(_flat_lists),
    "white-space noise": _tree_transform(_white_space_noise),
    "boilerplate around": _tree_transform(_boilerplate_around),
    "theme wrapper": _tree_transform(_theme_wrapper),
}
_COMPOSED = (
    "boilerplate around",
    "theme wrapper",
    "semantic containers as divs",
    "headings as bold paragraphs",
    "th as td > b",
    "lists as br lines",
    "white-space noise",
    "neutral class and id names",
)
TRANSFORMS["all of them"] = _everything


def transformed(html: str, page: Page) -> Iterator[tuple[str, str]]:
    """``(name, html)`` for every transformation of the page, in :data:`TRANSFORMS`' order."""
    for name, transform in TRANSFORMS.items():
        yield name, transform(html, page)
