"""The typed result of extraction: facts with their provenance, grouped per page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from service.catalogue import FactField, FactValue, Link, PageText, needs_review

#: Longest snippet kept with a fact: enough to show a reader where the value came from.
SNIPPET_LIMIT = 300


def clip_snippet(text: str) -> str:
    """``text`` shortened to :data:`SNIPPET_LIMIT` characters, on a word boundary."""
    if len(text) <= SNIPPET_LIMIT:
        return text
    cut = text[: SNIPPET_LIMIT - 1].rsplit(" ", 1)[0]
    return f"{cut}…"


@dataclass(frozen=True, slots=True)
class ExtractedFact:
    """One value read from one page, with where and how it was read.

    ``value`` is the typed value of the field (``service.catalogue.fact_values``);
    ``key`` identifies the item within a multi-valued field (``""`` for single-valued fields).
    ``rule`` names how the extractor decided (for deadlines, where the kind was found:
    ``clause``, ``headers``, ``heading``, …); ``confidence`` is that rule's measured precision on
    the development set when it has been measured (``scrapers.extract.calibration``), else the
    extractor's own estimate, between 0 and 1.
    """

    field: FactField
    key: str
    value: FactValue
    source_url: str
    snippet: str
    extractor: str
    extractor_version: str
    confidence: float
    rule: str = ""

    @property
    def needs_review(self) -> bool:
        """Whether the value is served flagged for review (confidence under the threshold)."""
        return needs_review(self.confidence)

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"confidence out of [0, 1]: {self.confidence}")


def ranked_key(found: Mapping[str, ExtractedFact], base: str, value: FactValue) -> str | None:
    """The key for one more value of a multi-valued field: ``base``, then ``base/2``, ``base/3``.

    ``None`` when ``value`` is already known under ``base`` or one of its ranks. The first value
    keeps the key it always had, so stored values keep their identity
    (``docs/decisions/0045-every-deadline-kept-under-ranked-keys.md``).
    """
    key, rank = base, 1
    while key in found:
        if found[key].value == value:
            return None
        rank += 1
        key = f"{base}/{rank}"
    return key


@dataclass(frozen=True, slots=True)
class PageExtraction:
    """Everything extracted from one page.

    ``url`` is the page as fetched (after redirects); ``requested_url`` the link that was
    followed to reach it, when it differs. ``problems`` lists what could not be read (invalid
    JSON-LD, …), so that failures are visible rather than silent.
    """

    url: str
    fetched_at: datetime
    adapter: str
    facts: tuple[ExtractedFact, ...]
    requested_url: str | None = None
    problems: tuple[str, ...] = field(default=())
    #: Every fact the extractors proposed, the kept ones included, in page order: what
    #: ``mobility extract`` and ``mobility try`` show beside the values kept.
    candidates: tuple[ExtractedFact, ...] = field(default=())

    def of(self, fact_field: FactField) -> list[ExtractedFact]:
        """The facts of one field, in page order."""
        return [fact for fact in self.facts if fact.field is fact_field]

    @property
    def title(self) -> str | None:
        """The page's title, when it has one."""
        found = next((f.value for f in self.of(FactField.TITLE)), None)
        return found.text if isinstance(found, PageText) else None

    @property
    def canonical_url(self) -> str | None:
        """The URL the page names as its canonical address, when it names one."""
        found = next((f.value for f in self.of(FactField.CANONICAL_URL)), None)
        return found.url if isinstance(found, Link) else None
