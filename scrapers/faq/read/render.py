"""Turn any FAQ source into HTML, the one format the walk reads.

Markdown goes through cmark (``cmarkgfm``, GitHub's fork of the CommonMark reference
implementation, in plain CommonMark mode, raw HTML kept): Hugo renders the page with Goldmark, a
CommonMark implementation, so nesting, lazy continuation lines and list interruption are read
the way the published page shows them. cmark tags each block element with its position in the
body (``data-sourcepos="line:column-line:column"``); :attr:`RenderedPage.line_offset` turns
those lines into the page's own, so findings point at the file's lines. HTML sources are
returned unchanged (the HTML parser knows their lines).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cmarkgfm
from cmarkgfm.cmark import Options

from scrapers.faq.read.front_matter import read_meta, split_front_matter
from scrapers.faq.read.page import RevisionMeta

#: The attribute cmark writes on block elements: ``"3:1-4:12"``.
POSITION_ATTRIBUTE = "data-sourcepos"
_HTML_START = re.compile(r"\s*<(?:!doctype|html|head|body|\?xml)\b", re.IGNORECASE)
#: Positions on blocks; raw HTML rendered as written (CommonMark's default, and Goldmark's
#: ``unsafe`` setting that Hugo sites use for such pages).
_OPTIONS = Options.CMARK_OPT_SOURCEPOS | Options.CMARK_OPT_UNSAFE


@dataclass(frozen=True, slots=True)
class RenderedPage:
    html: str
    #: Front-matter metadata; None for HTML sources (the walk reads their head instead).
    meta: RevisionMeta | None
    #: Added to a ``data-sourcepos`` line to give the source file's line (markdown only).
    line_offset: int = 0


def is_html(text: str) -> bool:
    """Whether ``text`` is a whole HTML document rather than markdown."""
    return _HTML_START.match(text[:1024]) is not None


def render_markdown(body: str) -> str:
    """``body`` (markdown without front matter) as HTML, block elements tagged with lines."""
    return str(cmarkgfm.markdown_to_html(body, options=_OPTIONS))


def render_page(text: str) -> RenderedPage:
    """HTML for the walk, and the front matter's metadata for markdown sources."""
    if is_html(text):
        return RenderedPage(html=text, meta=None)
    split = split_front_matter(text)
    meta = read_meta(split.front_matter) if split.front_matter is not None else RevisionMeta()
    return RenderedPage(
        html=render_markdown(split.body), meta=meta, line_offset=split.body_line - 1
    )
