"""The content as a sequence of text blocks, each with the context a reader would use.

A date in a table cell means nothing without its column header ("Nomination deadline") and its
row header ("Autumn semester"); a list item "Spring: 15 October" means nothing without the
sentence that introduces the list ("Application deadlines:"). The reader walks the tree once and
gives every block its heading, lead-in, row and column headers. A ``<br>`` ends a block, so that
"Autumn: 15 April<br>Spring: 1 October" is two blocks.

The walk does not recurse: each element's reading is a generator that yields the child elements
it wants read, and one loop runs them on an explicit stack. A page of 100,000 nested ``<div>``s
(the parser builds it) is read like any other instead of raising ``RecursionError``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

from scrapers.extract.dom import Element, child_tags, children, class_tokens, text_of
from service.text import collapse_spaces

_H_LEVELS = ("h1", "h2", "h3", "h4", "h5", "h6")
_HEADINGS = {*_H_LEVELS, "summary"}
# fmt: off
_BLOCKS = {
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "header", "hr", "li",
    "main", "ol", "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", *_HEADINGS,
}
# fmt: on
_SECTIONING = {"aside", "footer", "header"}
#: An element that is the site's footer by its id or class although it is no ``<footer>``: the
#: ``<div id="bottom">`` of an old layout, Drupal's ``region-footer``, WordPress's ``colophon``,
#: a layout table's ``<td class="pied">`` (development set, batch 2), a French ``<div id="bas">``
#: (batch 3).
_FOOTER_TOKEN = re.compile(
    r"^(?:[\w]+[-_])*(?:footer|pied(?:-de-page)?|bas(?:-de-page)?|colophon|bottom|site-info|piede|fusszeile)"
    r"(?:[-_]+[\w-]*)?$",
    re.IGNORECASE,
)
#: A column beside the content by its id or class, in layouts without ``<aside>``: the
#: ``<div id="colonne-droite">``, ``<div class="colonna-destra">``, ``<td class="colonna-dx">``,
#: ``<div id="rightcol">`` or ``right-column`` of CMS templates (development set, batches 4 and
#: 5), ARIA's ``complementary`` landmark. A word for a side alone (``text-right``,
#: ``pull-right``) is a utility class of any element, not a column: it needs a column's word.
_SIDE_WORD = r"(?:right|droite|destra|dx|side|lateral|laterale|secondary|secondaire|aside)"
_COLUMN_WORD = r"(?:col|cols|column|colonne|colonna|spalte|pane|panel|bar|rail|region)"
_SIDE_TOKEN = re.compile(
    rf"^(?:[\w]+[-_])*(?:{_COLUMN_WORD}[-_]?{_SIDE_WORD}|{_SIDE_WORD}[-_]?{_COLUMN_WORD}"
    r"|laterale|aside|side)(?:[-_]+[\w-]*)?$",
    re.IGNORECASE,
)
#: A block this short just before a list introduces it even without a colon.
_LEAD_IN_MAX = 120
#: A sentence that points at what follows ("Les dates ci-dessous sont les dates limites de
#: candidature.", "The deadlines below are for complete applications", "le seguenti
#: scadenze"): it introduces the table after it, however long its paragraph (decision 0326).
_POINTS_FORWARD = re.compile(
    r"(?<![\w-])(?:ci-dessous|ci-apr[eè]s|below|di seguito|qui sotto|sottostant[ei]|nachstehend\w*"
    r"|as follows|comme suit|(?:the|les|des|le|la|i|gli) (?:following|suivant(?:e|es|s)|seguenti))"
    r"(?![\w-])",
    re.IGNORECASE,
)
#: Where the sentence that points forward ends or starts inside its paragraph.
_SENTENCE_STOP = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True, slots=True)
class TextBlock:
    """One run of text and what surrounds it."""

    text: str
    #: The headings above the block, outermost first (h1 > h2 > h3 …).
    headings: tuple[str, ...] = ()
    lead_in: str | None = None
    row_header: str | None = None
    column_header: str | None = None
    in_main: bool = True
    #: Inside the site's footer (``<footer>``, ``<div id="footer">``, ``<td class="pied">``).
    in_footer: bool = False
    #: ``mailto:`` and ``tel:`` links inside the block.
    links: tuple[str, ...] = ()

    @property
    def heading(self) -> str | None:
        """The nearest heading above the block."""
        return self.headings[-1] if self.headings else None

    def context(self) -> list[str]:
        """The surrounding texts, nearest first: headers, lead-in, heading."""
        parts = (self.row_header, self.column_header, self.lead_in, self.heading)
        return [part for part in parts if part]


#: What an element's reading yields: the child elements to read next, each with its context.
_Steps = Iterator[tuple[Element, TextBlock]]

#: Level of headings that are not h1-h6 (accordion toggles, summaries): below every h-level.
_TOGGLE_LEVEL = 7


def _heading_level(tag: Element) -> int | None:
    """The heading level of ``tag`` (1-7), or ``None`` when it is not a heading."""
    name = tag.tag
    if name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return int(name[1])
    if not tag.attrib and name != "summary" and name != "p":
        return None
    level = tag.get("aria-level", "")
    if tag.get("role") == "heading":
        return int(level) if level.isdigit() and 1 <= int(level) <= 6 else _TOGGLE_LEVEL
    if name == "summary" or (name == "button" and tag.get("aria-expanded") is not None):
        return _TOGGLE_LEVEL
    if name == "p" and _is_bold_only(tag, _BOLD_HEADING_MAX):
        return _TOGGLE_LEVEL  # "<p><strong>Dates limites</strong></p>": a heading in all but name
    return None


#: A bold paragraph longer than this is emphasis, not a heading.
_BOLD_HEADING_MAX = 80
_BOLD = ("strong", "b")


def _is_bold_only(tag: Element, longest: int) -> bool:
    """Whether all of ``tag``'s text is inside one ``<strong>``/``<b>`` child (and short)."""
    elements = child_tags(tag)
    if len(elements) != 1 or elements[0].tag not in _BOLD:
        return False
    text = collapse_spaces(text_of(tag, " "))
    if not text or len(text) > longest or text.endswith(":"):
        return False
    return collapse_spaces(text_of(elements[0], " ")) == text


def _has_block_inside(tag: Element) -> bool:
    return next(tag.iterdescendants(*_BLOCKS), None) is not None


class _Reader:
    def __init__(self, main: Element, footer: Element | None = None) -> None:
        self.main = main
        #: The site's footer found by its place (``dom.trailing_region``), if any.
        self.footer = footer
        self.blocks: list[TextBlock] = []
        #: The heading chain, replaced (never changed in place) when a heading is entered, so
        #: that an element's reading can tell whether its own headings changed it.
        self.headings: list[tuple[int, str]] = []
        #: The chain's texts, as every block takes them (built once per chain, not per block).
        self.heading_texts: tuple[str, ...] = ()
        #: How many headings have been read, to tell a box's own text from its headings.
        self._headings_read = 0
        #: Whether the last block's lead-in came from :meth:`_paragraph_lead_in`.
        self._led_by_paragraph = False
        #: Whether a bold paragraph read now would be the main content's title: nothing of the
        #: main content read yet, and no ``<h1>``-``<h6>`` in it (its headings are all bold
        #: paragraphs, as a WYSIWYG editor writes them).
        self._title_open = next(main.iter(*_H_LEVELS), None) is None

    def _emit(self, text: str, context: TextBlock, links: list[str]) -> None:
        text = collapse_spaces(text)
        if text:
            headings = self.heading_texts
            led = False
            lead_in = context.lead_in
            if lead_in is None and context.row_header is None and len(text) <= _LEAD_IN_MAX:
                lead_in = self._paragraph_lead_in(headings, context.in_main)
                led = bool(lead_in)
            # Built field by field: ``dataclasses.replace`` costs a Python call per field, on
            # every block of the page.
            self.blocks.append(
                TextBlock(
                    text,
                    headings,
                    lead_in or None,
                    context.row_header,
                    context.column_header,
                    context.in_main,
                    context.in_footer,
                    tuple(links),
                )
            )
            self._led_by_paragraph = led
            if context.in_main:
                self._title_open = False

    def _paragraph_lead_in(self, headings: tuple[str, ...], in_main: bool) -> str | None:
        """The lead-in of a short paragraph: "<p>The last date to apply is:</p><p>1 March for
        the fall term</p><p>15 September for the winter term</p>" reads as a list does.

        A short block ending with a colon leads in the short blocks after it in its section,
        until a longer one or a heading.
        """
        if not self.blocks:
            return None
        last = self.blocks[-1]
        if last.headings != headings or last.in_main != in_main or len(last.text) > _LEAD_IN_MAX:
            return None
        if last.text.endswith(":"):
            return last.text
        # Only a paragraph's lead-in runs on: a list's ends with the list.
        return last.lead_in if self._led_by_paragraph else None

    def _set_headings(self, chain: list[tuple[int, str]]) -> None:
        self.headings = chain
        self.heading_texts = tuple(heading for _, heading in chain)

    def _enter_heading(self, level: int, text: str) -> None:
        # The chain's levels increase: the headings of a lower level are a prefix of it.
        kept = [heading for heading in self.headings if heading[0] < level]
        self._set_headings([*kept, (level, text)] if text else kept)
        self._headings_read += 1

    def walk(self, root: Element, context: TextBlock) -> None:
        """Read ``root`` and everything under it, in document order, without recursion."""
        stack = [self._element(root, context)]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
            else:
                stack.append(self._element(*step))

    def _element(self, element: Element, context: TextBlock) -> _Steps:
        """Read ``element``'s own text; yield each child element to be read in its place."""
        buffer: list[str] = []
        links: list[str] = []
        headings_before, blocks_before, read_before = (
            self.headings,
            len(self.blocks),
            self._headings_read,
        )

        def flush() -> None:
            self._emit("".join(buffer), context, links)
            buffer.clear()
            links.clear()

        for child in children(element):
            if isinstance(child, str):
                buffer.append(child)
                continue
            inner = (
                context
                if context.in_main or child is not self.main
                else (replace(context, in_main=True))
            )
            name = child.tag
            if name == "br":
                flush()
            elif (level := _heading_level(child)) is not None:
                flush()
                if self._title_open and level == _TOGGLE_LEVEL and inner.in_main:
                    # The first bold paragraph of a content without heading elements is its
                    # title, above the bold paragraphs that follow, as an <h1> would be.
                    level = 1
                heading = text_of(child, " ")
                self._enter_heading(level, collapse_spaces(heading))
                self._emit(heading, inner, [])
            elif name == "table":
                flush()
                yield from self._table(child, inner)
            elif name in ("ul", "ol"):
                flush()
                yield from self._list(child, inner)
            elif name == "dl":
                flush()
                yield from self._definitions(child, inner)
            elif (
                name in _SECTIONING
                or child is self.footer
                or _is_footer_like(child)
                or _is_side_column(child)
            ):
                flush()
                # A footer or sidebar is not under the heading that precedes it, and is not
                # the main content even when no main element stands out.
                outer_headings = self.headings
                self._set_headings([])
                # Not a sectioning element here means a footer or a side column by its id or
                # classes.
                footer = inner.in_footer or (
                    name not in ("aside", "header") and not _is_side_column(child)
                )
                yield child, replace(inner, in_main=child is self.main, in_footer=footer)
                self._set_headings(outer_headings)
            elif name in _BLOCKS or _has_block_inside(child):
                flush()
                yield child, inner
            else:
                links.extend(_contact_links(child))
                buffer.append(text_of(child))
        flush()
        if self.headings is not headings_before:
            headings_read = self._headings_read - read_before
            if len(self.blocks) - blocks_before > headings_read:
                # A box with its own heading and its own text (a news card, a teaser list, a
                # related-links box): its headings end with it, as a reader sees the box's
                # frame end; a wrapper holding a heading alone leaves it to what follows.
                self._set_headings(headings_before)

    def _lead_in(self, *, short_is_enough: bool) -> str | None:
        if not self.blocks:
            return None
        last = self.blocks[-1]
        if last.headings == self.heading_texts and (
            last.text.endswith(":") or (short_is_enough and len(last.text) <= _LEAD_IN_MAX)
        ):
            return last.text
        return None

    def _pointer(self) -> str | None:
        """The sentence of the block just before a table that points at it ("… ci-dessous …")."""
        if not self.blocks:
            return None
        last = self.blocks[-1]
        if last.headings != self.heading_texts:
            return None
        match = _POINTS_FORWARD.search(last.text)
        if match is None:
            return None
        starts = [stop.end() for stop in _SENTENCE_STOP.finditer(last.text, 0, match.start())]
        end = _SENTENCE_STOP.search(last.text, match.end())
        return last.text[starts[-1] if starts else 0 : end.start() if end else len(last.text)]

    def _list(self, element: Element, context: TextBlock) -> _Steps:
        item_context = replace(
            context, lead_in=self._lead_in(short_is_enough=True) or context.lead_in
        )
        for item in element.iterchildren("li"):
            yield item, item_context

    def _definitions(self, element: Element, context: TextBlock) -> _Steps:
        term: str | None = None
        for tag in _own_children(element, ("dt", "dd"), through=("div",)):
            if tag.tag == "dt":
                term = collapse_spaces(text_of(tag, " "))
                yield tag, context
            else:
                yield tag, replace(context, row_header=term or context.row_header)

    def _table(self, table: Element, context: TextBlock) -> _Steps:
        rows = list(_own_children(table, ("tr",), through=("thead", "tbody", "tfoot")))
        caption = next(table.iterchildren("caption"), None)
        lead_in = collapse_spaces(text_of(caption, " ")) if caption is not None else None
        lead_in = lead_in or self._lead_in(short_is_enough=False) or self._pointer()
        context = replace(context, lead_in=lead_in or context.lead_in)
        grid = [list(_cells(row)) for row in rows]
        header: list[str] = []
        if grid and (
            all(cell.tag == "th" for cell in grid[0])
            or getattr(rows[0].getparent(), "tag", None) == "thead"
            or _is_bold_row(grid[0])
        ):
            header = [collapse_spaces(text_of(cell, " ")) for cell in grid[0]]
            grid = grid[1:]
        for cells in grid:
            row_header = collapse_spaces(text_of(cells[0], " ")) if len(cells) > 1 else None
            for index, cell in enumerate(cells):
                column = header[index] if index < len(header) else None
                is_label = index == 0 and len(cells) > 1
                footer = _is_footer_like(cell)
                yield (
                    cell,
                    replace(
                        context,
                        row_header=None if is_label else row_header,
                        column_header=column or None,
                        in_main=context.in_main and not footer and not _is_side_column(cell),
                        in_footer=context.in_footer or footer,
                    ),
                )


_FOOTER_NAMES = frozenset(("div", "section", "td", "p", "table"))


def _is_footer_like(element: Element) -> bool:
    """Whether ``element`` is the site's footer by its id or classes (``<div id="footer">``)."""
    if not element.attrib or element.tag not in _FOOTER_NAMES:
        return False
    identity = (element.get("id"), *class_tokens(element))
    return any(_FOOTER_TOKEN.match(token) for token in identity if token)


_SIDE_NAMES = frozenset(("div", "section", "td", "table", "ul"))


def _is_side_column(element: Element) -> bool:
    """Whether ``element`` is a column beside the content (``<div id="colonne-droite">``)."""
    if not element.attrib or element.tag not in _SIDE_NAMES:
        return False
    if element.get("role") == "complementary":
        return True
    identity = (element.get("id"), *class_tokens(element))
    return any(_SIDE_TOKEN.match(token) for token in identity if token)


#: A bold cell longer than this is a value that stands out, not a column header.
_HEADER_CELL_MAX = 120


def _is_bold_row(cells: list[Element]) -> bool:
    """ "<tr><td><b>Semester</b></td><td><b>Nomination deadline</b></td>…": a header row."""
    bold = [cell for cell in cells if _is_bold_only(cell, _HEADER_CELL_MAX)]
    empty = [cell for cell in cells if not text_of(cell, strip=True)]
    return len(bold) >= 2 and len(bold) + len(empty) == len(cells)


def _own_children(
    element: Element, names: tuple[str, ...], *, through: tuple[str, ...]
) -> Iterator[Element]:
    """``element``'s children named ``names``, also inside its ``through`` children.

    Children only, never every descendant filtered by its nearest ancestor: on nested tables
    that search is quadratic (3,000 nested tables took a minute).
    """
    for child in element:
        if child.tag in names:
            yield child
        elif child.tag in through:
            yield from (tag for tag in child if tag.tag in names)


def _cells(row: Element) -> Iterator[Element]:
    """The row's cells, each repeated over the columns it spans."""
    for cell in row.iterchildren("td", "th"):
        span = cell.get("colspan", "1")
        for _ in range(int(span) if span.isdigit() and 0 < int(span) < 50 else 1):
            yield cell


def _contact_links(tag: Element) -> list[str]:
    anchors = [tag] if tag.tag == "a" else tag.iterdescendants("a")
    hrefs = [anchor.get("href", "") for anchor in anchors]
    return [href for href in hrefs if href.lower().startswith(("mailto:", "tel:"))]


def read_blocks(root: Element, main: Element, footer: Element | None = None) -> list[TextBlock]:
    """The text blocks under ``root`` in document order; those under ``main`` are marked so."""
    reader = _Reader(main, footer)
    reader.walk(root, TextBlock(text="", in_main=root is main))
    return reader.blocks
