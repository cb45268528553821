"""Read queries for link health and runs: key order, absent keys, one statement per batch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.link_health import (
    list_sync_runs,
    load_link_checks,
    load_link_health,
    load_sync_runs,
)
from service.db.models import LinkCheck, LinkStatus, SyncRun, SyncRunStatus, UrlHealth
from tests.factories import make_link, make_school

T0 = datetime(2026, 3, 1, 6, 0, tzinfo=UTC)


class StatementCounter:
    def __init__(self, session: AsyncSession) -> None:
        self.count = 0
        event.listen(session.sync_session, "do_orm_execute", self._count)

    def _count(self, _state: object) -> None:
        self.count += 1


async def test_health_is_loaded_per_link_in_key_order(session: AsyncSession) -> None:
    school = await make_school(session, slug="aalto")
    other = await make_school(session, slug="esisar")
    home = await make_link(session, url="https://aalto.test/", school=school)
    twin = await make_link(session, url="https://aalto.test/", school=other)
    never = await make_link(session, url="https://aalto.test/never", school=school)
    health = UrlHealth(
        url="https://aalto.test/", status=LinkStatus.OK, http_status=200, checked_at=T0
    )
    session.add(health)
    await session.flush()

    counter = StatementCounter(session)
    loaded = await load_link_health(session, [never.id, home.id, twin.id, 999_999])
    assert loaded == [None, health, health, None]
    assert counter.count == 1
    assert await load_link_health(session, []) == []


async def test_checks_are_the_latest_per_link_newest_first(session: AsyncSession) -> None:
    school = await make_school(session)
    first = await make_link(session, url="https://a.test/", school=school)
    second = await make_link(session, url="https://b.test/", school=school)
    runs = [SyncRun(status=SyncRunStatus.OK, started_at=T0 + timedelta(days=n)) for n in range(3)]
    session.add_all(runs)
    await session.flush()
    for n, run in enumerate(runs):
        for link in (first, second):
            session.add(
                LinkCheck(
                    run_id=run.id,
                    link_id=link.id,
                    url=link.url,
                    status=LinkStatus.OK if n else LinkStatus.TIMEOUT,
                    checked_at=T0 + timedelta(days=n),
                )
            )
    await session.flush()

    counter = StatementCounter(session)
    checks = await load_link_checks(session, [second.id, first.id], last=2)
    assert counter.count == 1
    assert [[(c.link_id, c.run_id) for c in per_link] for per_link in checks] == [
        [(second.id, runs[2].id), (second.id, runs[1].id)],
        [(first.id, runs[2].id), (first.id, runs[1].id)],
    ]


async def test_runs_are_listed_newest_first_and_loaded_by_id(session: AsyncSession) -> None:
    runs = [
        SyncRun(status=SyncRunStatus.OK, started_at=T0 + timedelta(hours=n), counts={"OK": n})
        for n in range(3)
    ]
    session.add_all(runs)
    await session.flush()
    latest = await list_sync_runs(session, last=2)
    assert [run.id for run in latest] == [runs[2].id, runs[1].id]
    assert latest[0].counts == {"OK": 2}
    assert await load_sync_runs(session, [runs[0].id, 999_999]) == [runs[0], None]
