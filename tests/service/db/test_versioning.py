"""The data version moves exactly when a transaction writes catalogue data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import (
    HomeTrack,
    LinkStatus,
    School,
    SyncLease,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from service.db.versioning import read_data_version
from tests.factories import make_school


async def test_a_writing_transaction_bumps_the_version_once(session: AsyncSession) -> None:
    before = await read_data_version(session)
    async with session.begin_nested():
        await make_school(session)
        await make_school(session)
    assert await read_data_version(session) == before + 1


async def test_reading_does_not_bump(session: AsyncSession) -> None:
    await make_school(session)
    await session.commit()
    before = await read_data_version(session)
    await session.scalars(select(School))
    await session.commit()
    assert await read_data_version(session) == before


async def test_setting_a_value_to_itself_does_not_bump(session: AsyncSession) -> None:
    school = await make_school(session, name="Aalto University")
    await session.commit()
    before = await read_data_version(session)
    school.name = "Aalto University"
    await session.flush()
    await session.commit()
    assert await read_data_version(session) == before
    school.name = "Aalto-yliopisto"
    await session.flush()
    await session.commit()
    assert await read_data_version(session) == before + 1


async def test_bulk_statements_bump_too(session: AsyncSession) -> None:
    await session.commit()
    before = await read_data_version(session)
    await session.execute(insert(HomeTrack), [{"code": "ISEM"}, {"code": "IEL"}])
    await session.commit()
    assert await read_data_version(session) == before + 1


async def test_link_health_and_sync_runs_bump_the_lease_does_not(session: AsyncSession) -> None:
    # The API serves link health and runs from these tables: their writes must refresh caches.
    await session.commit()
    version = await read_data_version(session)
    checked = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    health = UrlHealth(url="https://aalto.test/", status=LinkStatus.OK, checked_at=checked)
    session.add(health)
    await session.commit()
    assert await read_data_version(session) == version + 1
    health.checked_at = checked + timedelta(days=7)
    await session.commit()
    assert await read_data_version(session) == version + 2
    run = SyncRun(status=SyncRunStatus.RUNNING, started_at=checked)
    session.add(run)
    await session.commit()
    await session.execute(
        update(SyncRun).where(SyncRun.id == run.id).values(status=SyncRunStatus.OK)
    )
    await session.commit()
    assert await read_data_version(session) == version + 4
    # The SQLite run lock is bookkeeping, invisible to the API.
    session.add(SyncLease(name="sync", holder="host:1", expires_at=checked))
    await session.commit()
    await session.execute(update(SyncLease).values(expires_at=checked + timedelta(seconds=30)))
    await session.commit()
    assert await read_data_version(session) == version + 4
