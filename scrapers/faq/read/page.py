"""The FAQ page as the structural walk sees it: typed, still in the page's own words.

Nothing here is resolved yet (country headings are raw text, link texts unsplit, counts unparsed):
:mod:`scrapers.faq.interpret.reader` reads these records the way a careful human reads the page.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class Section(enum.StrEnum):
    """The parts of the page the importer understands."""

    #: ``## Pour qui ?``: the selection rules.
    RULES = "rules"
    #: ``## Mobilités en commun``: offers open to every home track.
    OPEN = "open"
    #: ``## Mobilités fléchées``: offers reserved to the track of their sub-list.
    RESERVED = "reserved"


@dataclass(frozen=True, slots=True)
class RevisionMeta:
    """What the front matter (or the HTML head) says about this revision."""

    title: str | None = None
    published_at: datetime | None = None
    contributor: str | None = None


@dataclass(frozen=True, slots=True)
class PageItem:
    """One list item under a mobility section: a partner school, usually with its link.

    ``link_text`` and ``url`` are those of the item's first link (``url`` is None for an item
    without a link); ``tail`` is the text after that link, where counts are written, with
    wrapped lines joined; ``lead`` is any text before the link.
    """

    line: int | None
    section: Section
    track: str | None
    country_heading: str | None
    country_line: int | None
    academic_year: str | None
    link_text: str
    url: str | None
    tail: str = ""
    lead: str = ""
    extra_urls: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PageNote:
    """Something on the page that was seen but not understood (it becomes a finding)."""

    kind: str
    line: int | None
    text: str


@dataclass(slots=True)
class ParsedPage:
    """Everything the walk found, in page order."""

    meta: RevisionMeta
    #: The ``Pour qui ?`` paragraphs with their lines; None when the page has no such section.
    rules_text: list[tuple[int | None, str]] | None = None
    #: Every academic year announced ("Ecoles et Chiffres de l'année 2019/2020"), in page order.
    academic_years: list[tuple[int | None, str]] = field(default_factory=list)
    items: list[PageItem] = field(default_factory=list)
    notes: list[PageNote] = field(default_factory=list)
    #: Whether any section the importer knows was found (or the title names the mobility page).
    recognized: bool = False
