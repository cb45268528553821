"""The sync's school handler: extract every page fetched in full, then reconcile the school.

Each fetch result of a school becomes a page outcome for :mod:`scrapers.reconcile`
(:mod:`.page_reader`):

- an HTML page fetched in full is extracted (``extract_page``; the site adapter is chosen by the
  host of the page's final URL, as ``scrapers.sites.registry`` keys them);
- a 304 Not Modified is an unchanged page: nothing to extract, its values are confirmed
  (``docs/decisions/0060-unchanged-pages-confirm-their-values.md``);
- a page that cannot be read (an extractor raised on it, or its extraction process died) is a
  failure like a failed fetch: its values keep their last good value, marked stale, with a
  ``fetch_failed`` finding saying why;
- anything else is a failure, which keeps the last good values, marked stale. A failure that the
  link health reports (``dead_link``, once a link has failed ``SYNC_DEAD_LINK_RUNS`` runs in a
  row) raises no ``fetch_failed`` finding besides; one that it does not report (robots.txt
  forbids the page, the page is no longer HTML) does
  (``docs/decisions/0061-one-finding-per-failed-link.md``).

Extraction is pure and CPU-bound: it runs off the event loop (a run's process pool, or one worker
thread), before the school's transaction opens, so the event loop keeps fetching other schools
and no lock is held while pages are parsed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import FetchResult
from scrapers.reconcile import PageOutcome, reconcile_school
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope
from scrapers.sync.page_reader import PageReader
from scrapers.sync.plan import PlannedSchool
from service.db import utcnow


class SchoolFactsReader:
    """The school handler that extracts with ``pages`` and reconciles (a :class:`SchoolHandler`)."""

    def __init__(self, pages: PageReader) -> None:
        self._pages = pages

    async def __call__(
        self, school: PlannedSchool, results: Mapping[str, FetchResult]
    ) -> ApplySchool:
        """Extract the school's pages now; reconcile them when the returned step is applied."""
        return self.apply_read(
            school, await self._pages.outcomes([results[url] for url in school.urls])
        )

    async def read_page(self, result: FetchResult) -> PageOutcome:
        """What one fetch result tells reconciliation, as soon as it is fetched: a run reads
        each page so, and lets its text go at once (:data:`scrapers.sync.visit.ReadFetched`)."""
        [outcome] = await self._pages.outcomes([result])
        return outcome

    def apply_read(self, school: PlannedSchool, outcomes: Sequence[PageOutcome]) -> ApplySchool:
        """The school's second step, its pages read (``outcomes`` in ``school.urls`` order)."""

        async def apply(session: AsyncSession, scope: RunScope) -> FactCounts:
            report = await reconcile_school(
                session, school.id, outcomes, now=utcnow(), partners=scope.partner_sites
            )
            return FactCounts(
                changed=len(report.changes),
                confirmed=report.confirmed,
                marked_stale=len(report.marked_stale),
                findings=len(report.findings),
            )

        return apply


#: Extraction in one worker thread of the calling process (a run given no handler uses the pool
#: of ``SYNC_EXTRACT_PROCESSES`` instead; the thread starts with the first page).
read_school_facts = SchoolFactsReader(PageReader(1))
