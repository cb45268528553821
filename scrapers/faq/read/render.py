"""Turn any FAQ source into HTML, the one format the walk reads.

Markdown goes through markdown-it-py in CommonMark mode: Hugo renders the page with Goldmark, a
CommonMark implementation, so nesting, lazy continuation lines and list interruption are read
the way the published page shows them. Each block element is tagged with the line it starts on
in the source file (``data-source-line``), so findings can point at the page's own lines.
HTML sources are returned unchanged (BeautifulSoup knows their lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore

from scrapers.faq.read.front_matter import read_meta, split_front_matter
from scrapers.faq.read.page import RevisionMeta

LINE_ATTRIBUTE = "data-source-line"
_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml)\b", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class RenderedPage:
    html: str
    #: Front-matter metadata; None for HTML sources (the walk reads their head instead).
    meta: RevisionMeta | None


def is_html(text: str) -> bool:
    """Whether ``text`` is a whole HTML document rather than markdown."""
    return _HTML_START.match(text[:1024]) is not None


def _markdown(first_line: int) -> MarkdownIt:
    renderer = MarkdownIt("commonmark")

    def tag_source_lines(state: StateCore) -> None:
        for token in state.tokens:
            if token.map is not None and token.nesting == 1:
                token.attrSet(LINE_ATTRIBUTE, str(token.map[0] + first_line))

    renderer.core.ruler.push("source_lines", tag_source_lines)
    return renderer


def render_page(text: str) -> RenderedPage:
    """HTML for the walk, and the front matter's metadata for markdown sources."""
    if is_html(text):
        return RenderedPage(html=text, meta=None)
    split = split_front_matter(text)
    meta = read_meta(split.front_matter) if split.front_matter is not None else RevisionMeta()
    return RenderedPage(html=_markdown(split.body_line).render(split.body), meta=meta)
