"""The data version moves exactly when a transaction writes catalogue data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import (
    HomeTrack,
    LinkStatus,
    School,
    SyncLease,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from service.db.versioning import (
    DeferredVersion,
    VersionedSession,
    bump_deferred_version,
    deferred_version_info,
    read_data_version,
)
from tests.factories import make_school, make_school_fact


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


async def test_the_visit_log_and_the_lease_do_not_bump(session: AsyncSession) -> None:
    # The API never answers what reads runs or link health from its cache (decision 0125):
    # every run writes them, and a run that finds nothing new must leave the caches alone.
    await session.commit()
    version = await read_data_version(session)
    checked = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
    health = UrlHealth(url="https://aalto.test/", status=LinkStatus.OK, checked_at=checked)
    session.add(health)
    await session.commit()
    health.status = LinkStatus.TIMEOUT
    await session.commit()
    run = SyncRun(status=SyncRunStatus.RUNNING, started_at=checked)
    session.add(run)
    await session.commit()
    await session.execute(
        update(SyncRun).where(SyncRun.id == run.id).values(status=SyncRunStatus.OK)
    )
    await session.commit()
    # The SQLite run lock is bookkeeping, invisible to the API.
    session.add(SyncLease(name="sync", holder="host:1", expires_at=checked))
    await session.commit()
    await session.execute(update(SyncLease).values(expires_at=checked + timedelta(seconds=30)))
    await session.commit()
    assert await read_data_version(session) == version


async def test_a_confirmed_value_does_not_bump_a_changed_one_does(session: AsyncSession) -> None:
    school = await make_school(session)
    fact = await make_school_fact(session, school=school, field="deadline", value={"value": "x"})
    await session.commit()
    version = await read_data_version(session)
    fact.last_good_at = fact.last_good_at + timedelta(days=1)
    await session.commit()
    assert await read_data_version(session) == version
    fact.value = {"value": "y"}
    await session.commit()
    assert await read_data_version(session) == version + 1


async def test_sessions_sharing_a_deferred_version_move_it_once_when_told(
    session: AsyncSession,
) -> None:
    deferred = DeferredVersion()
    # Sessions on the test's connection: their commits are savepoints, rolled back at the end.
    sessions = async_sessionmaker(
        bind=await session.connection(),
        join_transaction_mode="create_savepoint",
        sync_session_class=VersionedSession,
        info=deferred_version_info(deferred),
    )
    before = await read_data_version(session)
    for _ in range(3):
        async with sessions() as run_session, run_session.begin():
            await make_school(run_session)
    assert await read_data_version(session) == before
    async with sessions() as run_session, run_session.begin():
        assert await bump_deferred_version(run_session, deferred)
    async with sessions() as run_session, run_session.begin():
        assert not await bump_deferred_version(run_session, deferred)
    assert await read_data_version(session) == before + 1
