"""One walk over the page's HTML tree (lxml), producing a :class:`ParsedPage`.

The walk follows the document in order: headings open sections ("Pour qui ?", "Mobilités en
commun", "Mobilités fléchées") and set the context (track, country, academic year) that list
items inherit; nested lists carry the same context down. Site chrome (``nav``, ``header``,
``footer``, ``aside``, scripts) is skipped. Nothing is interpreted here beyond structure:
country headings stay raw text and link texts stay unsplit.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace

from scrapers.faq.errors import SourceError
from scrapers.faq.read.counts import looks_like_count
from scrapers.faq.read.depth import check_depth
from scrapers.faq.read.page import PageItem, PageNote, ParsedPage, RevisionMeta, Section
from scrapers.faq.read.published import content_root, read_html_meta
from scrapers.faq.read.render import POSITION_ATTRIBUTE, RenderedPage, render_page
from scrapers.faq.read.sections import classify_heading, read_academic_year, read_track
from scrapers.faq.read.tree import (
    Element,
    children,
    is_element,
    parse_html,
    text_of,
)
from service.text import collapse_spaces

_SKIPPED = frozenset(
    {"nav", "header", "footer", "aside", "script", "style", "template", "noscript", "head"}
    | {"form", "button", "svg", "iframe"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_CONTAINERS = frozenset({"html", "body", "main", "article", "section", "div", "span"})
_MOBILITY = (Section.OPEN, Section.RESERVED)


@dataclass(frozen=True, slots=True)
class _Context:
    """What a list item inherits from the headings and list items above it."""

    section: Section
    track: str | None = None
    country: str | None = None
    country_line: int | None = None
    year: str | None = None


@dataclass(slots=True)
class _ItemText:
    """An item's own content split around its first link."""

    lead: list[str]
    link_text: list[str]
    tail: list[str]
    url: str | None = None
    extra_urls: tuple[str, ...] = ()


def _split_item(parts: list[Element | str]) -> _ItemText:
    split = _ItemText(lead=[], link_text=[], tail=[])
    extra: list[str] = []

    def visit(node: Element | str) -> None:
        if isinstance(node, str):
            (split.lead if split.url is None else split.tail).append(node)
            return
        if not isinstance(node.tag, str):  # a comment
            return
        if node.tag == "br":
            (split.lead if split.url is None else split.tail).append("\n")
            return
        href = node.get("href") if node.tag == "a" else None
        if href is not None and href.strip():
            if split.url is None:
                split.url = href.strip()
                split.link_text.append(" ".join(node.itertext()))
                return
            extra.append(href.strip())
        for child in children(node):
            visit(child)

    for part in parts:
        visit(part)
        (split.lead if split.url is None else split.tail).append(" ")
    split.extra_urls = tuple(extra)
    return split


class _Walker:
    def __init__(self, meta: RevisionMeta, *, markdown: bool) -> None:
        self.page = ParsedPage(meta=meta)
        self.markdown = markdown
        #: Markdown: what turns a cmark position of the current part into a line of the file.
        self.line_offset = 0
        #: Lines of the HTML of the parts walked before this one (lines of elements cmark gives
        #: no position are the rendered HTML's, counted as if it were rendered in one piece).
        self.html_lines = 0
        self.context: _Context | None = None
        self.unknown_heading: tuple[str, int | None] | None = None
        self.year: str | None = None

    # Document level -------------------------------------------------------------------------

    def line(self, element: Element) -> int | None:
        if self.markdown:
            position = element.get(POSITION_ATTRIBUTE)
            if position is not None:
                line, _, _ = position.partition(":")
                if line.isdigit():
                    return int(line) + self.line_offset
        return self.html_line(element)

    def html_line(self, element: Element) -> int | None:
        line = element.sourceline
        return line + self.html_lines if line is not None else None

    def walk(self, node: Element) -> None:
        for child in children(node):
            if isinstance(child, str):
                text = collapse_spaces(child)
                if text:
                    self.on_paragraph(text, self.html_line(node))
            elif is_element(child) and child.tag not in _SKIPPED:
                if child.tag in _HEADINGS:
                    self.on_heading(child)
                elif child.tag in _LISTS:
                    self.on_list(child)
                elif child.tag in _CONTAINERS:
                    self.walk(child)
                else:
                    self.on_paragraph(text_of(child), self.line(child))

    def on_heading(self, tag: Element) -> None:
        text, line = text_of(tag), self.line(tag)
        section = classify_heading(text)
        if section is not None:
            self.page.recognized = True
            self.unknown_heading = None
            self.context = _Context(section=section, year=self.year)
            if section is Section.RULES and self.page.rules_text is None:
                self.page.rules_text = []
            return
        context = self.context
        if context is not None and context.section in _MOBILITY and tag.tag not in ("h1", "h2"):
            self.context = self._refine(context, text, line) or context
        elif context is not None and tag.tag in ("h1", "h2"):
            self.context = None
            self.unknown_heading = (text, line)

    def on_paragraph(self, text: str, line: int | None) -> None:
        if not text:
            return
        context = self.context
        if self._read_year(text, line):
            if context is not None:
                self.context = replace(context, year=self.year)
            return
        if context is None:
            return
        if context.section is Section.RULES:
            assert self.page.rules_text is not None
            self.page.rules_text.append((line, text))
            return
        track = read_track(text)
        if track is not None:
            self.context = replace(context, track=track[0], country=None, country_line=None)
            return
        if len(text) <= 60:
            # A short paragraph followed by a list ("**France**") is a country heading.
            self.context = replace(context, country=text, country_line=line)
        # Reported unless the interpreter resolves it to a country: "Coming soon" must not vanish.
        self.page.notes.append(PageNote(kind="paragraph", line=line, text=text))

    def on_list(self, tag: Element) -> None:
        context = self.context
        if context is None:
            if self.unknown_heading is not None:
                heading, _ = self.unknown_heading
                links = sum(1 for link in tag.iter("a") if link.get("href") is not None)
                self.page.notes.append(
                    PageNote(
                        kind="unknown_section",
                        line=self.line(tag),
                        text=f"{heading} ({links} links)",
                    )
                )
            return
        if context.section is Section.RULES:
            assert self.page.rules_text is not None
            for item in tag.iter("li"):
                self.page.rules_text.append((self.line(item), text_of(item)))
            return
        self.walk_list(tag, context)

    # List level -----------------------------------------------------------------------------

    def walk_list(self, tag: Element, context: _Context) -> None:
        for item in tag.iterchildren("li"):
            self.walk_item(item, context)

    def walk_item(self, item: Element, context: _Context) -> None:
        own: list[Element | str] = []
        nested: list[Element] = []
        for child in children(item):
            if not isinstance(child, str) and child.tag in _LISTS:
                nested.append(child)
            else:
                own.append(child)
        split = _split_item(own)
        line = self.line(item)
        if split.url is not None:
            self.on_link_item(split, nested, line, context)
            return
        text = collapse_spaces("".join(split.lead)).rstrip(" :")
        if nested:
            inner = self._refine(context, text, line, in_list=True) or context
            for sub_list in nested:
                self.walk_list(sub_list, inner)
        elif looks_like_count(text):
            self.page.notes.append(PageNote(kind="unparsed_item", line=line, text=text))
        elif text:
            self.page.items.append(self._item(context, line, link_text=text, url=None))

    def on_link_item(
        self, split: _ItemText, nested: list[Element], line: int | None, context: _Context
    ) -> None:
        tail = [collapse_spaces("".join(split.tail))]
        for sub_list in nested:
            fragments = list(sub_list.iterchildren("li"))
            texts = [text_of(li) for li in fragments]
            # A count wrapped onto a line starting with "+" becomes a nested list in CommonMark.
            if (
                texts
                and all(next(li.iter("a", "ul", "ol"), li) is li for li in fragments)
                and all(looks_like_count(text) for text in texts)
            ):
                tail.extend(f"+ {text}" for text in texts)
                continue
            for li, text in zip(fragments, texts, strict=True):
                self.page.notes.append(
                    PageNote(kind="unparsed_item", line=self.line(li), text=text)
                )
        self.page.items.append(
            self._item(
                context,
                line,
                link_text=collapse_spaces("".join(split.link_text)),
                url=split.url,
                # Interned: a page writes the same few counts after thousands of links.
                tail=sys.intern(collapse_spaces(" ".join(tail))),
                lead=collapse_spaces("".join(split.lead)),
                extra_urls=split.extra_urls,
            )
        )

    # Context --------------------------------------------------------------------------------

    def _read_year(self, text: str, line: int | None) -> bool:
        year = read_academic_year(text)
        if year is None:
            return False
        self.year = year
        self.page.academic_years.append((line, year))
        return True

    def _refine(
        self, context: _Context, text: str, line: int | None, *, in_list: bool = False
    ) -> _Context | None:
        """The context under a heading-like text: a track, a year, or (by default) a country."""
        track = read_track(text)
        if track is not None:
            return replace(context, track=track[0], country=None, country_line=None)
        if self._read_year(text, line):
            return replace(context, year=self.year)
        if in_list or len(text) <= 60:
            return replace(context, country=text, country_line=line)
        return None

    @staticmethod
    def _item(
        context: _Context, line: int | None, *, link_text: str, url: str | None, **more: object
    ) -> PageItem:
        return PageItem(
            line=line,
            section=context.section,
            track=context.track,
            country_heading=context.country,
            country_line=context.country_line,
            academic_year=context.year,
            link_text=link_text,
            url=url,
            **more,  # type: ignore[arg-type]
        )


def walk_page(rendered: RenderedPage, label: str = "<text>") -> ParsedPage:
    """Walk the rendered page once, in document order, a part at a time (each part's HTML and
    tree let go before the next is rendered); refuse a page nested too deep to walk."""
    markdown = rendered.is_markdown
    walker = _Walker(rendered.meta or RevisionMeta(), markdown=markdown)
    for part in rendered.parts():
        root, html_lines = parse_html(part.html())
        if root is not None:
            check_depth(root, label)
            walker.line_offset = part.line_offset
            if markdown:
                walker.walk(root)
            else:
                # A published page has its site around the content, and its metadata in its head.
                walker.page.meta = read_html_meta(root)
                walker.walk(content_root(root))
        walker.html_lines += html_lines
        del root
    title = walker.page.meta.title
    if title is not None and any(word in title.casefold() for word in ("mobilit", "diplôm")):
        walker.page.recognized = True
    return walker.page


def parse_page(text: str, label: str = "<text>") -> ParsedPage:
    """Render and walk a page; refuse what is not a FAQ page."""
    page = walk_page(render_page(text), label)
    if not page.recognized:
        raise SourceError(
            f'{label} is not a FAQ page: no "Pour qui ?", "Mobilités en commun" or '
            '"Mobilités fléchées" section and no mobility title'
        )
    return page
