"""The page's HTML as an lxml tree: parsed in C, read without BeautifulSoup.

The walk reads elements (``tag``, attributes, ``sourceline``) and the text between them
(``text`` and ``tail``), like BeautifulSoup's strings: comments are skipped, and the text of
``script``, ``style`` and ``template`` elements is never part of an element's text (those
elements are removed, their tails kept, before anything reads the tree).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from lxml import etree

from service.text import collapse_spaces

Element = etree._Element
_INVISIBLE = ("script", "style", "template")


def parse_html(pieces: Iterable[str | bytes]) -> tuple[Element | None, int]:
    """The document element of the HTML given in ``pieces`` (str, or UTF-8 bytes), None for a
    document without any element; and how many line feeds the HTML holds."""
    parser = etree.HTMLParser(remove_pis=True, no_network=True, encoding="utf-8")
    lines = 0
    blank = True
    for piece in pieces:
        data = piece.encode("utf-8") if isinstance(piece, str) else piece
        lines += data.count(b"\n")
        blank = blank and not data.strip()
        parser.feed(data)
    if blank:
        return None, lines
    try:
        root = parser.close()
    except etree.XMLSyntaxError:  # nothing but text that holds no element
        return None, lines
    etree.strip_elements(root, *_INVISIBLE, with_tail=False)
    return root, lines


def is_element(node: object) -> bool:
    """Whether ``node`` is an element (not a comment or a string)."""
    return isinstance(node, Element) and isinstance(node.tag, str)


def children(element: Element) -> Iterator[Element | str]:
    """``element``'s children in document order: its strings and its child nodes (comments
    included, so that a caller can tell where one string ends and the next begins)."""
    if element.text:
        yield element.text
    for child in element:
        yield child
        if child.tail:
            yield child.tail


def element_children(element: Element) -> Iterator[Element]:
    """``element``'s child elements (no comments)."""
    return (child for child in element if isinstance(child.tag, str))


def strings(element: Element) -> Iterator[str]:
    """Every string inside ``element``, in document order (comments excluded)."""
    return element.itertext()


def text_of(element: Element) -> str:
    """``element``'s text, its strings joined by spaces, whitespace collapsed."""
    return collapse_spaces(" ".join(strings(element)))
