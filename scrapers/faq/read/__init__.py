"""Read: the FAQ page's source becomes a :class:`ParsedPage` (sections, items, notes).

The source is a file, the packaged seed or a URL fetched through the guarded fetcher
(:mod:`.source`, :mod:`.download`); Markdown has its front matter read (:mod:`.front_matter`) and
is rendered to HTML (:mod:`.render`), the published HTML page is read as it is
(:mod:`.published`); either is checked for depth (:mod:`.depth`) and walked once
(:mod:`.walk`). Headings are classified as they are walked (:mod:`.sections`), and a line that
is only a count joins the item above it (:mod:`.counts`).
"""

from scrapers.faq.read.counts import Count, parse_counts
from scrapers.faq.read.page import PageItem, PageNote, ParsedPage, RevisionMeta, Section
from scrapers.faq.read.source import SourceDocument, read_seed, read_source
from scrapers.faq.read.walk import parse_page

__all__ = [
    "Count",
    "PageItem",
    "PageNote",
    "ParsedPage",
    "RevisionMeta",
    "Section",
    "SourceDocument",
    "parse_counts",
    "parse_page",
    "read_seed",
    "read_source",
]
