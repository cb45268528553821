"""One BeautifulSoup walk over the page's HTML, producing a :class:`ParsedPage`.

The walk follows the document in order: headings open sections ("Pour qui ?", "Mobilités en
commun", "Mobilités fléchées") and set the context (track, country, academic year) that list
items inherit; nested lists carry the same context down. Site chrome (``nav``, ``header``,
``footer``, ``aside``, scripts) is skipped. Nothing is interpreted here beyond structure:
country headings stay raw text and link texts stay unsplit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bs4 import BeautifulSoup
from bs4.element import NavigableString, Tag

from scrapers.faq.errors import SourceError
from scrapers.faq.read.counts import looks_like_count
from scrapers.faq.read.depth import check_depth
from scrapers.faq.read.page import PageItem, PageNote, ParsedPage, RevisionMeta, Section
from scrapers.faq.read.published import content_root, read_html_meta
from scrapers.faq.read.render import LINE_ATTRIBUTE, RenderedPage, render_page
from scrapers.faq.read.sections import classify_heading, read_academic_year, read_track
from service.text import collapse_spaces

_SKIPPED = frozenset(
    {"nav", "header", "footer", "aside", "script", "style", "template", "noscript", "head"}
    | {"form", "button", "svg", "iframe"}
)
_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_LISTS = frozenset({"ul", "ol"})
_CONTAINERS = frozenset({"html", "body", "main", "article", "section", "div", "span"})
_MOBILITY = (Section.OPEN, Section.RESERVED)


def _line(tag: Tag) -> int | None:
    value = tag.get(LINE_ATTRIBUTE)
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return tag.sourceline


def _text(tag: Tag) -> str:
    return collapse_spaces(tag.get_text(" "))


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


def _split_item(parts: list[Tag | NavigableString]) -> _ItemText:
    split = _ItemText(lead=[], link_text=[], tail=[])
    extra: list[str] = []

    def visit(node: Tag | NavigableString) -> None:
        if isinstance(node, NavigableString):
            if type(node) is NavigableString:  # not a comment, CDATA or doctype
                (split.lead if split.url is None else split.tail).append(str(node))
            return
        if node.name == "br":
            (split.lead if split.url is None else split.tail).append("\n")
            return
        href = node.get("href") if node.name == "a" else None
        if isinstance(href, str) and href.strip():
            if split.url is None:
                split.url = href.strip()
                split.link_text.append(node.get_text(" "))
                return
            extra.append(href.strip())
        for child in node.children:
            if isinstance(child, Tag | NavigableString):
                visit(child)

    for part in parts:
        visit(part)
        (split.lead if split.url is None else split.tail).append(" ")
    split.extra_urls = tuple(extra)
    return split


class _Walker:
    def __init__(self, meta: RevisionMeta) -> None:
        self.page = ParsedPage(meta=meta)
        self.context: _Context | None = None
        self.unknown_heading: tuple[str, int | None] | None = None
        self.year: str | None = None

    # Document level -------------------------------------------------------------------------

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                text = collapse_spaces(str(child)) if type(child) is NavigableString else ""
                if text:
                    self.on_paragraph(text, node.sourceline)
            elif isinstance(child, Tag) and child.name not in _SKIPPED:
                if child.name in _HEADINGS:
                    self.on_heading(child)
                elif child.name in _LISTS:
                    self.on_list(child)
                elif child.name in _CONTAINERS:
                    self.walk(child)
                else:
                    self.on_paragraph(_text(child), _line(child))

    def on_heading(self, tag: Tag) -> None:
        text, line = _text(tag), _line(tag)
        section = classify_heading(text)
        if section is not None:
            self.page.recognized = True
            self.unknown_heading = None
            self.context = _Context(section=section, year=self.year)
            if section is Section.RULES and self.page.rules_text is None:
                self.page.rules_text = []
            return
        context = self.context
        if context is not None and context.section in _MOBILITY and tag.name not in ("h1", "h2"):
            self.context = self._refine(context, text, line) or context
        elif context is not None and tag.name in ("h1", "h2"):
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

    def on_list(self, tag: Tag) -> None:
        context = self.context
        if context is None:
            if self.unknown_heading is not None:
                heading, _ = self.unknown_heading
                links = len(tag.find_all("a", href=True))
                self.page.notes.append(
                    PageNote(
                        kind="unknown_section",
                        line=_line(tag),
                        text=f"{heading} ({links} links)",
                    )
                )
            return
        if context.section is Section.RULES:
            assert self.page.rules_text is not None
            for item in tag.find_all("li"):
                self.page.rules_text.append((_line(item), _text(item)))
            return
        self.walk_list(tag, context)

    # List level -----------------------------------------------------------------------------

    def walk_list(self, tag: Tag, context: _Context) -> None:
        for item in tag.find_all("li", recursive=False):
            self.walk_item(item, context)

    def walk_item(self, item: Tag, context: _Context) -> None:
        own: list[Tag | NavigableString] = []
        nested: list[Tag] = []
        for child in item.children:
            if isinstance(child, Tag) and child.name in _LISTS:
                nested.append(child)
            elif isinstance(child, Tag | NavigableString):
                own.append(child)
        split = _split_item(own)
        line = _line(item)
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
        self, split: _ItemText, nested: list[Tag], line: int | None, context: _Context
    ) -> None:
        tail = [collapse_spaces("".join(split.tail))]
        for sub_list in nested:
            fragments = list(sub_list.find_all("li", recursive=False))
            texts = [_text(li) for li in fragments]
            # A count wrapped onto a line starting with "+" becomes a nested list in CommonMark.
            if (
                texts
                and all(not li.find(["a", "ul", "ol"]) for li in fragments)
                and all(looks_like_count(text) for text in texts)
            ):
                tail.extend(f"+ {text}" for text in texts)
                continue
            for li, text in zip(fragments, texts, strict=True):
                self.page.notes.append(PageNote(kind="unparsed_item", line=_line(li), text=text))
        self.page.items.append(
            self._item(
                context,
                line,
                link_text=collapse_spaces("".join(split.link_text)),
                url=split.url,
                tail=collapse_spaces(" ".join(tail)),
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
    """Walk the rendered page once, in document order; refuse a page nested too deep to walk."""
    soup = BeautifulSoup(rendered.html, "html.parser")
    check_depth(soup, label)
    walker = _Walker(rendered.meta if rendered.meta is not None else read_html_meta(soup))
    # Rendered markdown is all content; a published page has its site around the content.
    walker.walk(soup if rendered.meta is not None else content_root(soup))
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
