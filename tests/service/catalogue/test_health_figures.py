"""The figures /metrics reads from the health tables: links, sync runs, last successes."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.health_figures import (
    count_links_by_health,
    count_school_facts_by_freshness,
    count_sync_runs_by_status,
    last_successful_runs,
)
from service.db.models import FaqRevision, LinkStatus, RunStatus, SyncRun, SyncRunStatus, UrlHealth
from service.operations.scheduler_state import record_run_finished
from tests.factories import make_link, make_school, make_school_fact

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


async def test_current_links_are_counted_by_the_health_of_their_url(session: AsyncSession) -> None:
    school = await make_school(session)
    for url in ("https://a.example/", "https://b.example/", "https://c.example/"):
        await make_link(session, url=url, school=school)
    retired = await make_link(session, url="https://old.example/", school=school)
    retired.retired_at = T0
    session.add_all(
        [
            UrlHealth(url="https://a.example/", status=LinkStatus.OK, checked_at=T0),
            UrlHealth(url="https://b.example/", status=LinkStatus.BROKEN, checked_at=T0),
            UrlHealth(url="https://old.example/", status=LinkStatus.GONE, checked_at=T0),
        ]
    )
    await session.flush()
    assert await count_links_by_health(session) == {"OK": 1, "BROKEN": 1, "UNCHECKED": 1}


async def test_sync_runs_are_counted_by_status(session: AsyncSession) -> None:
    for status in (SyncRunStatus.OK, SyncRunStatus.OK, SyncRunStatus.FAILED):
        session.add(SyncRun(status=status, started_at=T0))
    await session.flush()
    assert await count_sync_runs_by_status(session) == {"OK": 2, "FAILED": 1}


async def test_scraped_values_are_counted_by_freshness(session: AsyncSession) -> None:
    assert await count_school_facts_by_freshness(session) == {"fresh": 0, "stale": 0}
    school = await make_school(session)
    for key, stale in (("a", False), ("b", True), ("c", True)):
        await make_school_fact(
            session,
            school=school,
            field="deadline",
            key=key,
            value={"date": "2026-03-01"},
            stale=stale,
        )
    assert await count_school_facts_by_freshness(session) == {"fresh": 1, "stale": 2}


async def test_the_last_success_is_the_latest_of_the_runs_and_the_schedulers_record(
    session: AsyncSession,
) -> None:
    assert await last_successful_runs(session) == {}
    session.add_all(
        [
            SyncRun(status=SyncRunStatus.PARTIAL, started_at=T0, finished_at=T0.replace(hour=5)),
            SyncRun(status=SyncRunStatus.FAILED, started_at=T0, finished_at=T0.replace(hour=9)),
            FaqRevision(content_hash="a" * 64, source="seed", imported_at=T0.replace(hour=3)),
        ]
    )
    await session.flush()
    await record_run_finished(
        session, "import_faq", at=T0.replace(hour=7), status=RunStatus.SUCCEEDED
    )
    await record_run_finished(session, "sync", at=T0.replace(hour=4), status=RunStatus.SUCCEEDED)
    assert await last_successful_runs(session) == {
        "sync": T0.replace(hour=5),
        "import_faq": T0.replace(hour=7),
    }
