"""The webhook events of a sync run: ``sync.finished``, and ``catalogue.changed`` when it changed
values.

:func:`~scrapers.sync.run.run_sync` writes them in the transaction that closes the run record, so
a receiver hears of a run if and only if its end was committed (decision 0051); a manual
``mobility sync`` and the scheduler's announce their runs alike. A run killed before it could
close its record announces nothing.

"Values changed" means the run added rows to the history of scraped values
(``school_fact_change``, written by the reconciliation). Only the holder of the run lock writes
that history, so the rows after the newest one at the start of the run are the run's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import School, SchoolFactChange, SyncRun
from service.operations import WebhookEvent, enqueue_webhook_event


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


async def last_change_id(session: AsyncSession) -> int:
    """The id of the newest change of a scraped value (0 when there is none)."""
    return int(await session.scalar(select(func.max(SchoolFactChange.id))) or 0)


async def changes_by_school(session: AsyncSession, *, after_id: int) -> dict[str, int]:
    """How many value changes each school got since the change ``after_id``, by slug."""
    rows = await session.execute(
        select(School.slug, func.count(SchoolFactChange.id))
        .join(SchoolFactChange, SchoolFactChange.school_id == School.id)
        .where(SchoolFactChange.id > after_id)
        .group_by(School.slug)
        .order_by(School.slug)
    )
    return {slug: int(count) for slug, count in rows}


async def announce_sync_run(
    session: AsyncSession, urls: Sequence[str], run_id: int, *, changes_after: int
) -> None:
    """Queue ``sync.finished`` for the (closed) run, and ``catalogue.changed`` if values changed.

    Call it in the transaction that closes the run, after :func:`~scrapers.sync.runs.close_run`.
    """
    if not urls:
        return
    run = await session.scalar(
        select(SyncRun).where(SyncRun.id == run_id).execution_options(populate_existing=True)
    )
    if run is None:
        return
    changed = await changes_by_school(session, after_id=changes_after)
    await enqueue_webhook_event(
        session,
        urls,
        WebhookEvent.SYNC_FINISHED,
        {
            "run_id": run.id,
            "status": run.status.value,
            "started_at": _iso(run.started_at),
            "finished_at": _iso(run.finished_at),
            "schools": list(run.schools),
            "links_total": run.links_total,
            "links_checked": run.links_checked,
            "links_reached": run.links_reached,
            "counts": dict(run.counts),
            "errors": dict(run.errors),
            "error": run.error,
            "stats": dict(run.stats),
            "value_changes": sum(changed.values()),
        },
    )
    if changed:
        await enqueue_webhook_event(
            session,
            urls,
            WebhookEvent.CATALOGUE_CHANGED,
            {
                "origin": "sync",
                "run_id": run.id,
                "value_changes": sum(changed.values()),
                "schools": changed,
            },
        )
