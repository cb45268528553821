"""What a sync hands to reconciliation for one school, and what reconciliation reports back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from scrapers.extract import PageExtraction


@dataclass(frozen=True, slots=True)
class FetchFailure:
    """A page that could not be fetched (or the whole school, when it is the outcome).

    ``finding`` is False when another record already reports the failure (the sync's link
    health raises ``dead_link`` for a link that keeps failing): the values are marked stale all
    the same, but no ``fetch_failed`` finding repeats the observation.
    """

    url: str
    reason: str
    finding: bool = True


@dataclass(frozen=True, slots=True)
class PageUnchanged:
    """A page the site says is what it was when last read in full (HTTP 304 Not Modified).

    ``url`` is the address that answered (the page's final URL, the ``source_url`` of the values
    read from it); ``checked_at`` when it answered. There is nothing to extract: the values read
    from the page keep their value and provenance and are confirmed as of ``checked_at``
    (``docs/decisions/0060-unchanged-pages-confirm-their-values.md``).
    """

    url: str
    checked_at: datetime


#: Per page: extracted, unchanged, or failed. A lone :class:`FetchFailure` means the whole
#: school failed.
PageOutcome = PageExtraction | PageUnchanged | FetchFailure
Outcome = FetchFailure | Sequence[PageOutcome]


def pages_of(outcome: Outcome) -> list[PageOutcome]:
    """The outcome as a list of page outcomes."""
    return [outcome] if isinstance(outcome, FetchFailure) else list(outcome)


@dataclass(frozen=True, slots=True)
class ValueChange:
    """One stored change of a scraped value (``old`` is ``None`` for a new value)."""

    field: str
    key: str
    old: dict[str, object] | None
    new: dict[str, object]
    source_url: str


@dataclass(slots=True)
class ReconcileReport:
    """What reconciling one school did."""

    school_id: int
    changes: list[ValueChange] = field(default_factory=list)
    #: Values confirmed by a newer fetch (their ``last_good_at`` moved); not changes.
    confirmed: int = 0
    #: ``(field, key)`` of values kept but marked stale by this run.
    marked_stale: list[tuple[str, str]] = field(default_factory=list)
    #: Kinds of the findings this run recorded (new ones, or reopened).
    findings: list[str] = field(default_factory=list)
    resolved_findings: int = 0
    #: Pages fetched but not used, with the reason (soft 404, another school's page, …).
    unusable_pages: dict[str, str] = field(default_factory=dict)
    #: Set by ``reconcile_schools`` when reconciling this school failed and was rolled back.
    error: str | None = None

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def ok_pages(pages: Sequence[PageOutcome]) -> list[PageExtraction]:
    return [page for page in pages if isinstance(page, PageExtraction)]
