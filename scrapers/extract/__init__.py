"""Extraction: pure functions from a decoded page to facts with their provenance.

No network, no database. ``scrapers.extract.pipeline.extract_page`` is the single entry point;
the other modules are one concern each (page metadata, JSON-LD, contacts, dates, deadlines,
language requirements, credits and duration), reusable by the site adapters in
``scrapers.sites``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.faces import lazy_face

if TYPE_CHECKING:
    from scrapers.extract.adapter import GENERIC, BlockParser, Concern, PageContext, SiteAdapter
    from scrapers.extract.blocks import TextBlock
    from scrapers.extract.credits import parse_credits, parse_duration
    from scrapers.extract.deadlines import parse_deadlines
    from scrapers.extract.dom import Element, select
    from scrapers.extract.facts import ExtractedFact, PageExtraction
    from scrapers.extract.languages import parse_language_requirements
    from scrapers.extract.pipeline import extract_page
    from scrapers.extract.report import format_extraction
    from scrapers.extract.textmatch import compile_cues, fold_aligned

__all__ = [
    "GENERIC",
    "BlockParser",
    "Concern",
    "Element",
    "ExtractedFact",
    "PageContext",
    "PageExtraction",
    "SiteAdapter",
    "TextBlock",
    "compile_cues",
    "extract_page",
    "fold_aligned",
    "format_extraction",
    "parse_credits",
    "parse_deadlines",
    "parse_duration",
    "parse_language_requirements",
    "select",
]

__getattr__ = lazy_face(__name__, __file__)
