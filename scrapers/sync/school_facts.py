"""The sync's school handler: extract every page fetched in full, then reconcile the school.

Each fetch result of a school becomes a page outcome for :mod:`scrapers.reconcile`:

- an HTML page fetched in full is extracted (``extract_page``; the site adapter is chosen by the
  host of the page's final URL, as ``scrapers.sites.registry`` keys them);
- a 304 Not Modified is an unchanged page: nothing to extract, its values are confirmed
  (``docs/decisions/0060-unchanged-pages-confirm-their-values.md``);
- a page that cannot be read (an extractor raised on it) is a failure like a failed fetch: its
  values keep their last good value, marked stale, with a ``fetch_failed`` finding saying why;
- anything else is a failure, which keeps the last good values, marked stale. A failure that the
  link health reports (``dead_link``, once a link has failed ``SYNC_DEAD_LINK_RUNS`` runs in a
  row) raises no ``fetch_failed`` finding besides; one that it does not report (robots.txt
  forbids the page, the page is no longer HTML) does
  (``docs/decisions/0061-one-finding-per-failed-link.md``).

Extraction is pure and CPU-bound: it runs in a worker thread, before the school's transaction
opens, so the event loop keeps fetching other schools and no lock is held while pages are parsed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.extract import extract_page
from scrapers.fetch import FetchResult
from scrapers.reconcile import FetchFailure, PageOutcome, PageUnchanged, reconcile_school
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope
from scrapers.sync.plan import PlannedSchool
from service.db.models import LinkStatus
from service.db.types import utcnow

log = logging.getLogger(__name__)

#: Failures the link health does not turn into a finding: reconciliation reports them.
_UNREADABLE = frozenset({LinkStatus.BLOCKED_BY_ROBOTS, LinkStatus.UNSUPPORTED_CONTENT})


def page_outcome(result: FetchResult) -> PageOutcome:
    """What one fetch result tells reconciliation (extracting the page when there is one)."""
    page = result.page
    if page is not None:
        try:
            return extract_page(page.text, page.final_url, page.fetched_at, requested_url=page.url)
        except Exception as exc:  # one unreadable page must not leave its values un-staled
            log.exception("extracting %s failed", page.final_url)
            return FetchFailure(page.url, f"page not read: {type(exc).__name__}: {exc}")
    if result.not_modified:
        return PageUnchanged(result.final_url or result.url, result.checked_at)
    reason = result.status.value + (f": {result.error}" if result.error else "")
    return FetchFailure(result.url, reason, finding=result.status in _UNREADABLE)


def _page_outcomes(results: Sequence[FetchResult]) -> list[PageOutcome]:
    return [page_outcome(result) for result in results]


async def read_school_facts(
    school: PlannedSchool, results: Mapping[str, FetchResult]
) -> ApplySchool:
    """Extract the school's pages now; reconcile them when the returned step is applied."""
    outcomes = await asyncio.to_thread(_page_outcomes, [results[url] for url in school.urls])

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
