"""Aggregate figures about link health, sync runs and imports, for the metrics snapshot.

``service.observability.snapshot`` reads these at each scrape of ``/metrics`` (see
docs/operations/metrics.md); each is one small aggregate statement.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, func, literal, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import FaqRevision, Link, SchoolFact, SyncRun, SyncRunStatus, UrlHealth
from service.observability import last_scheduled_successes

#: The health label of a current link whose URL was never checked.
UNCHECKED = "UNCHECKED"
#: Sync runs that recorded their results (PARTIAL: some links deferred or schools failed).
_COMPLETED = (SyncRunStatus.OK, SyncRunStatus.PARTIAL)


async def count_links_by_health(session: AsyncSession) -> dict[str, int]:
    """Current links by the status of their URL's last check (``UNCHECKED`` when never)."""
    # Read as plain text: the enum type would refuse the UNCHECKED label.
    status = func.coalesce(type_coerce(UrlHealth.status, String), literal(UNCHECKED))
    rows = await session.execute(
        select(status, func.count(Link.id))
        .select_from(Link)
        .outerjoin(UrlHealth, UrlHealth.url == Link.url)
        .where(Link.retired_at.is_(None))
        .group_by(status)
    )
    return {str(label): count for label, count in rows}


async def count_sync_runs_by_status(session: AsyncSession) -> dict[str, int]:
    """Every recorded sync run, by status."""
    rows = await session.execute(select(SyncRun.status, func.count()).group_by(SyncRun.status))
    return {SyncRunStatus(status).value: count for status, count in rows}


async def count_school_facts_by_freshness(session: AsyncSession) -> dict[str, int]:
    """Current scraped values by freshness; both labels are present, at zero when empty."""
    rows = await session.execute(select(SchoolFact.stale, func.count()).group_by(SchoolFact.stale))
    counts = {"fresh": 0, "stale": 0}
    for stale, count in rows:
        counts["stale" if stale else "fresh"] += count
    return counts


async def last_successful_runs(session: AsyncSession) -> dict[str, datetime]:
    """The last success of each job, by hand or scheduled: ``sync`` and ``import_faq``.

    A sync succeeded when it recorded its results (OK or PARTIAL); an import when it stored a
    new revision of the page (``faq_revision``) or, for an unchanged page, when the scheduler
    says so. The scheduler's record counts for both.
    """
    times = dict(await last_scheduled_successes(session))
    observed = {
        "sync": await session.scalar(
            select(func.max(SyncRun.finished_at)).where(SyncRun.status.in_(_COMPLETED))
        ),
        "import_faq": await session.scalar(select(func.max(FaqRevision.imported_at))),
    }
    for job, at in observed.items():
        if at is not None and (job not in times or at > times[job]):
            times[job] = at
    return times
