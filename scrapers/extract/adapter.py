"""What a site adapter may change in the generic extraction, and the generic default.

An adapter is data plus pure functions: where the main content is, what else is noise, a DOM
preparation step (to reveal what a page's scripts would assemble), and replacement parsers for
some concerns. Everything it does not replace is done by the generic extractors.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from scrapers.extract.blocks import TextBlock
from scrapers.extract.dom import Element
from scrapers.extract.facts import ExtractedFact


class Concern(enum.StrEnum):
    """A group of facts one parser reads from the text blocks."""

    CONTACTS = "contacts"
    DEADLINES = "deadlines"
    LANGUAGES = "languages"
    CREDITS = "credits"
    DURATION = "duration"


@dataclass(frozen=True, slots=True)
class PageContext:
    """What parsers know about the page besides its blocks.

    ``region`` is the ISO country used to read national phone numbers; ``winter`` what "winter
    semester" means there (``autumn`` in German-speaking countries, ``spring`` elsewhere).
    """

    url: str
    language: str | None
    region: str | None
    winter: str


BlockParser = Callable[[Sequence[TextBlock], PageContext], list[ExtractedFact]]


@dataclass(frozen=True, slots=True)
class SiteAdapter:
    """How to read the pages of one partner's site (keyed by host in ``scrapers.sites``)."""

    name: str
    hosts: tuple[str, ...] = ()
    #: Tried before the generic main-content selectors.
    main_selectors: tuple[str, ...] = ()
    #: Removed before reading, in addition to cookie banners and menus.
    noise_selectors: tuple[str, ...] = ()
    #: Changes the page's lxml tree in place (``scrapers.extract.dom``) before it is read.
    prepare: Callable[[Element], None] | None = None
    parsers: Mapping[Concern, BlockParser] = field(default_factory=dict)


GENERIC = SiteAdapter(name="generic")
