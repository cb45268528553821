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

from bs4 import Tag
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction

from service.text import collapse_spaces

_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6", "summary"}
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
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
#: A block this short just before a list introduces it even without a colon.
_LEAD_IN_MAX = 120


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
_Steps = Iterator[tuple[Tag, TextBlock]]

#: Level of headings that are not h1-h6 (accordion toggles, summaries): below every h-level.
_TOGGLE_LEVEL = 7


def _heading_level(tag: Tag) -> int | None:
    """The heading level of ``tag`` (1-7), or ``None`` when it is not a heading."""
    if tag.name in ("h1", "h2", "h3", "h4", "h5", "h6"):
        return int(tag.name[1])
    level = str(tag.get("aria-level", ""))
    if tag.get("role") == "heading":
        return int(level) if level.isdigit() and 1 <= int(level) <= 6 else _TOGGLE_LEVEL
    if tag.name == "summary" or (tag.name == "button" and tag.has_attr("aria-expanded")):
        return _TOGGLE_LEVEL
    if tag.name == "p" and _is_bold_only(tag, _BOLD_HEADING_MAX):
        return _TOGGLE_LEVEL  # "<p><strong>Dates limites</strong></p>": a heading in all but name
    return None


#: A bold paragraph longer than this is emphasis, not a heading.
_BOLD_HEADING_MAX = 80
_BOLD = ("strong", "b")


def _is_bold_only(tag: Tag, longest: int) -> bool:
    """Whether all of ``tag``'s text is inside one ``<strong>``/``<b>`` child (and short)."""
    elements = [child for child in tag.children if isinstance(child, Tag)]
    if len(elements) != 1 or elements[0].name not in _BOLD:
        return False
    text = collapse_spaces(tag.get_text(" "))
    if not text or len(text) > longest or text.endswith(":"):
        return False
    return collapse_spaces(elements[0].get_text(" ")) == text


def _has_block_inside(tag: Tag) -> bool:
    return tag.find(_BLOCKS) is not None


class _Reader:
    def __init__(self, main: Tag) -> None:
        self.main = main
        self.blocks: list[TextBlock] = []
        self.headings: list[tuple[int, str]] = []

    def _emit(self, text: str, context: TextBlock, links: list[str]) -> None:
        text = collapse_spaces(text)
        if text:
            headings = tuple(heading for _, heading in self.headings)
            self.blocks.append(replace(context, text=text, headings=headings, links=tuple(links)))

    def _enter_heading(self, level: int, text: str) -> None:
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        if text:
            self.headings.append((level, text))

    def walk(self, root: Tag, context: TextBlock) -> None:
        """Read ``root`` and everything under it, in document order, without recursion."""
        stack = [self._element(root, context)]
        while stack:
            step = next(stack[-1], None)
            if step is None:
                stack.pop()
            else:
                stack.append(self._element(*step))

    def _element(self, element: Tag, context: TextBlock) -> _Steps:
        """Read ``element``'s own text; yield each child element to be read in its place."""
        buffer: list[str] = []
        links: list[str] = []

        def flush() -> None:
            self._emit("".join(buffer), context, links)
            buffer.clear()
            links.clear()

        for child in element.children:
            if isinstance(child, _SKIPPED_STRINGS):
                continue
            if isinstance(child, NavigableString):
                buffer.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            inner = (
                context
                if context.in_main or child is not self.main
                else (replace(context, in_main=True))
            )
            if child.name == "br":
                flush()
            elif (level := _heading_level(child)) is not None:
                flush()
                self._enter_heading(level, collapse_spaces(child.get_text(" ")))
                self._emit(child.get_text(" "), inner, [])
            elif child.name == "table":
                flush()
                yield from self._table(child, inner)
            elif child.name in ("ul", "ol"):
                flush()
                yield from self._list(child, inner)
            elif child.name == "dl":
                flush()
                yield from self._definitions(child, inner)
            elif child.name in _SECTIONING or _is_footer_like(child):
                flush()
                # A footer or sidebar is not under the heading that precedes it, and is not
                # the main content even when no main element stands out.
                outer_headings, self.headings = self.headings, []
                # Not a sectioning element here means a footer by its id or classes.
                footer = inner.in_footer or child.name not in ("aside", "header")
                yield child, replace(inner, in_main=child is self.main, in_footer=footer)
                self.headings = outer_headings
            elif child.name in _BLOCKS or _has_block_inside(child):
                flush()
                yield child, inner
            else:
                links.extend(_contact_links(child))
                buffer.append(child.get_text(""))
        flush()

    def _lead_in(self, *, short_is_enough: bool) -> str | None:
        if not self.blocks:
            return None
        last = self.blocks[-1]
        if last.headings == tuple(heading for _, heading in self.headings) and (
            last.text.endswith(":") or (short_is_enough and len(last.text) <= _LEAD_IN_MAX)
        ):
            return last.text
        return None

    def _list(self, element: Tag, context: TextBlock) -> _Steps:
        item_context = replace(
            context, lead_in=self._lead_in(short_is_enough=True) or context.lead_in
        )
        for item in element.find_all("li", recursive=False):
            yield item, item_context

    def _definitions(self, element: Tag, context: TextBlock) -> _Steps:
        term: str | None = None
        for tag in _own_children(element, ("dt", "dd"), through=("div",)):
            if tag.name == "dt":
                term = collapse_spaces(tag.get_text(" "))
                yield tag, context
            else:
                yield tag, replace(context, row_header=term or context.row_header)

    def _table(self, table: Tag, context: TextBlock) -> _Steps:
        rows = list(_own_children(table, ("tr",), through=("thead", "tbody", "tfoot")))
        caption = table.find("caption", recursive=False)
        lead_in = collapse_spaces(caption.get_text(" ")) if isinstance(caption, Tag) else None
        lead_in = lead_in or self._lead_in(short_is_enough=False)
        context = replace(context, lead_in=lead_in or context.lead_in)
        grid = [list(_cells(row)) for row in rows]
        header: list[str] = []
        if grid and (
            all(cell.name == "th" for cell in grid[0])
            or (rows[0].parent is not None and rows[0].parent.name == "thead")
            or _is_bold_row(grid[0])
        ):
            header = [collapse_spaces(cell.get_text(" ")) for cell in grid[0]]
            grid = grid[1:]
        for cells in grid:
            row_header = collapse_spaces(cells[0].get_text(" ")) if len(cells) > 1 else None
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
                        in_main=context.in_main and not footer,
                        in_footer=context.in_footer or footer,
                    ),
                )


_FOOTER_NAMES = frozenset(("div", "section", "td", "p", "table"))


def _is_footer_like(element: Tag) -> bool:
    """Whether ``element`` is the site's footer by its id or classes (``<div id="footer">``)."""
    if not element.attrs or element.name not in _FOOTER_NAMES:
        return False
    identity = (element.get("id"), *element.get_attribute_list("class"))
    return any(_FOOTER_TOKEN.match(str(token)) for token in identity if token)


#: A bold cell longer than this is a value that stands out, not a column header.
_HEADER_CELL_MAX = 120


def _is_bold_row(cells: list[Tag]) -> bool:
    """ "<tr><td><b>Semester</b></td><td><b>Nomination deadline</b></td>…": a header row."""
    bold = [cell for cell in cells if _is_bold_only(cell, _HEADER_CELL_MAX)]
    empty = [cell for cell in cells if not cell.get_text(strip=True)]
    return len(bold) >= 2 and len(bold) + len(empty) == len(cells)


def _own_children(
    element: Tag, names: tuple[str, ...], *, through: tuple[str, ...]
) -> Iterator[Tag]:
    """``element``'s children named ``names``, also inside its ``through`` children.

    Children only, never every descendant filtered by its nearest ancestor: on nested tables
    that search is quadratic (3,000 nested tables took a minute).
    """
    for child in element.children:
        if not isinstance(child, Tag):
            continue
        if child.name in names:
            yield child
        elif child.name in through:
            yield from (tag for tag in child.children if isinstance(tag, Tag) and tag.name in names)


def _cells(row: Tag) -> Iterator[Tag]:
    """The row's cells, each repeated over the columns it spans."""
    for cell in row.find_all(("td", "th"), recursive=False):
        span = str(cell.get("colspan", "1"))
        for _ in range(int(span) if span.isdigit() and 0 < int(span) < 50 else 1):
            yield cell


def _contact_links(tag: Tag) -> list[str]:
    anchors = [tag] if tag.name == "a" else tag.find_all("a", href=True)
    hrefs = [str(anchor.get("href", "")) for anchor in anchors]
    return [href for href in hrefs if href.lower().startswith(("mailto:", "tel:"))]


def read_blocks(root: Tag, main: Tag) -> list[TextBlock]:
    """The text blocks under ``root`` in document order; those under ``main`` are marked so."""
    reader = _Reader(main)
    reader.walk(root, TextBlock(text="", in_main=root is main))
    return reader.blocks
