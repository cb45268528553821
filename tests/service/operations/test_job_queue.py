"""Queued requests: identical ones are merged, and each is claimed by exactly one scheduler.

The claims here are the SQLite queue's (the ``job_request`` table); on PostgreSQL procrastinate
claims, tested in tests/scrapers/schedule/test_request_queue.py.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import JobKind, JobRequest, JobStatus
from service.db.versioning import read_data_version
from service.operations.job_queue import (
    DIED_PREFIX,
    AbandonedJob,
    claim_next_job,
    count_job_requests_by_status,
    enqueue_job,
    finish_job,
    lease_job,
    list_job_requests,
    renew_job_lease,
    requeue_job,
    settle_abandoned_jobs,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN = "token:0123456789ab"
ENGINE_CLAIMS = (
    "PostgreSQL claims through procrastinate (tests/scrapers/schedule/test_request_queue.py)"
)


def _table_queue_only(bind_name: str) -> None:
    if bind_name == "postgresql":
        pytest.skip(ENGINE_CLAIMS)


async def test_an_identical_waiting_request_is_returned_instead_of_a_second_one(
    session: AsyncSession,
) -> None:
    first = await enqueue_job(
        session, kind=JobKind.SYNC, requested_by=ADMIN, schools=["phelma", "esisar"], now=T0
    )
    again = await enqueue_job(
        session, kind=JobKind.SYNC, requested_by="token:other", schools=["esisar", "phelma"]
    )
    other = await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN, schools=["phelma"])
    assert first.created
    assert (again.created, again.request.id) == (False, first.request.id)
    assert other.created
    assert first.request.schools == ["esisar", "phelma"]
    assert first.request.status is JobStatus.QUEUED


async def test_once_claimed_the_same_request_can_be_queued_again(session: AsyncSession) -> None:
    _table_queue_only(session.get_bind().dialect.name)
    url = "https://ensias.example/mobilite_dd.md"
    first = await enqueue_job(session, kind=JobKind.IMPORT_FAQ, requested_by=ADMIN, url=url)
    claimed = await claim_next_job(session, worker="scheduler-a", now=T0)
    assert claimed is not None
    assert claimed.id == first.request.id
    second = await enqueue_job(session, kind=JobKind.IMPORT_FAQ, requested_by=ADMIN, url=url)
    assert second.created
    assert second.request.id != first.request.id


async def test_requests_are_claimed_oldest_first_then_none(session: AsyncSession) -> None:
    _table_queue_only(session.get_bind().dialect.name)
    late = await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN, now=T0)
    early = await enqueue_job(
        session,
        kind=JobKind.IMPORT_FAQ,
        requested_by=ADMIN,
        now=T0 - timedelta(minutes=5),
    )
    first = await claim_next_job(session, worker="scheduler-a", now=T0)
    second = await claim_next_job(session, worker="scheduler-a", now=T0)
    assert [first and first.id, second and second.id] == [early.request.id, late.request.id]
    assert first is not None
    assert (first.status, first.claimed_by, first.claimed_at) == (
        JobStatus.RUNNING,
        "scheduler-a",
        T0,
    )
    assert await claim_next_job(session, worker="scheduler-a") is None


async def test_finish_records_the_outcome_and_the_run(session: AsyncSession) -> None:
    queued = await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN)
    await claim_next_job(session, worker="w", now=T0)
    await finish_job(
        session,
        queued.request.id,
        succeeded=False,
        result="2 schools failed",
        run_id=17,
        now=T0 + timedelta(minutes=3),
    )
    (row,) = await list_job_requests(session)
    await session.refresh(row)
    assert (row.status, row.result, row.run_id, row.finished_at) == (
        JobStatus.FAILED,
        "2 schools failed",
        17,
        T0 + timedelta(minutes=3),
    )
    assert await count_job_requests_by_status(session) == {"failed": 1}


async def test_a_requeued_request_is_claimed_again(session: AsyncSession) -> None:
    _table_queue_only(session.get_bind().dialect.name)
    queued = await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN)
    await claim_next_job(session, worker="w")
    await requeue_job(session, queued.request.id, note="interrupted by shutdown")
    again = await claim_next_job(session, worker="w2")
    assert again is not None
    assert (again.id, again.claimed_by, again.result) == (
        queued.request.id,
        "w2",
        "interrupted by shutdown",
    )


async def test_the_queue_does_not_bump_the_catalogue_data_version(session: AsyncSession) -> None:
    before = await read_data_version(session)
    queued = await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN)
    await claim_next_job(session, worker="w")
    await finish_job(session, queued.request.id, succeeded=True)
    await session.commit()
    assert await read_data_version(session) == before


async def test_mismatched_targets_are_programming_errors() -> None:
    no_session: AsyncSession = None  # type: ignore[assignment]  # refused before any query
    with pytest.raises(ValueError, match="a sync request has no URL"):
        await enqueue_job(
            no_session, kind=JobKind.SYNC, requested_by=ADMIN, url="https://x.example"
        )
    with pytest.raises(ValueError, match="an FAQ import request has no schools"):
        await enqueue_job(no_session, kind=JobKind.IMPORT_FAQ, requested_by=ADMIN, schools=["a"])


async def _claim_one(sessions: async_sessionmaker[AsyncSession], worker: str) -> int | None:
    async with sessions() as db:
        claimed = await claim_next_job(db, worker=worker)
        await db.commit()
        return claimed.id if claimed else None


async def test_two_schedulers_racing_for_one_request_claim_it_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _table_queue_only(sessions.kw["bind"].dialect.name)
    async with sessions() as db:
        queued = await enqueue_job(db, kind=JobKind.SYNC, requested_by=ADMIN)
        await db.commit()
    results = await asyncio.gather(_claim_one(sessions, "a"), _claim_one(sessions, "b"))
    assert sorted(results, key=lambda value: value or 0) == [None, queued.request.id]


async def test_two_claim_loops_share_a_queue_without_taking_a_request_twice(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    _table_queue_only(sessions.kw["bind"].dialect.name)
    async with sessions() as db:
        ids = [
            (
                await enqueue_job(db, kind=JobKind.SYNC, requested_by=ADMIN, schools=[f"s{n}"])
            ).request.id
            for n in range(12)
        ]
        await db.commit()

    async def drain(worker: str) -> list[int]:
        taken: list[int] = []
        while (claimed := await _claim_one(sessions, worker)) is not None:
            taken.append(claimed)
            await asyncio.sleep(0)
        return taken

    first, second = await asyncio.gather(drain("a"), drain("b"))
    assert sorted(first + second) == sorted(ids)
    assert not set(first) & set(second)
    async with sessions() as db:
        rows = await list_job_requests(db, limit=50)
        assert {row.status for row in rows} == {JobStatus.RUNNING}
        assert {row.claimed_by for row in rows if row.id in first} <= {"a"}
        assert all(isinstance(row, JobRequest) for row in rows)


def _never_gone(holder: str) -> bool:
    return False


async def test_a_running_request_whose_lease_expired_is_queued_again_then_failed(
    session: AsyncSession,
) -> None:
    """SQLite: a scheduler on another host stopped renewing its lease. Its request is queued
    again once the lease has expired (not before); if that happens twice, it fails."""
    _table_queue_only(session.get_bind().dialect.name)
    request = (await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN)).request
    holder = "elsewhere:4242:abcdef"
    for attempt in (1, 2):
        now = T0 + timedelta(hours=attempt)
        claimed = await claim_next_job(session, worker="scheduler-a", now=now)
        assert claimed is not None
        await lease_job(session, request.id, holder=holder, until=now + timedelta(seconds=10))
        alive = now + timedelta(seconds=9)
        assert await settle_abandoned_jobs(session, now=alive, is_gone=_never_gone) == []
        later = now + timedelta(seconds=11)
        (abandoned,) = await settle_abandoned_jobs(session, now=later, is_gone=_never_gone)
        await session.refresh(request)
        why = f"its scheduler ({holder}) stopped renewing its lease"
        if attempt == 1:
            assert abandoned == AbandonedJob(
                request.id, True, f"{DIED_PREFIX} ({why}); queued again"
            )
            assert (request.status, request.result) == (JobStatus.QUEUED, abandoned.note)
        else:
            note = f"{DIED_PREFIX} twice ({why}): not queued again"
            assert abandoned == AbandonedJob(request.id, False, note)
            assert (request.status, request.result) == (JobStatus.FAILED, note)


async def test_a_running_request_of_a_live_holder_with_a_lease_is_left_alone(
    session: AsyncSession,
) -> None:
    _table_queue_only(session.get_bind().dialect.name)
    request = (await enqueue_job(session, kind=JobKind.SYNC, requested_by=ADMIN)).request
    assert await claim_next_job(session, worker="scheduler-a", now=T0) is not None
    await lease_job(session, request.id, holder="here:1:abc", until=T0 + timedelta(seconds=10))
    assert await renew_job_lease(
        session, request.id, holder="here:1:abc", until=T0 + timedelta(seconds=60)
    )
    assert not await renew_job_lease(session, request.id, holder="other:2:d", until=T0)
    assert (
        await settle_abandoned_jobs(session, now=T0 + timedelta(seconds=30), is_gone=_never_gone)
        == []
    )
    (abandoned,) = await settle_abandoned_jobs(session, now=T0, is_gone=lambda holder: True)
    assert abandoned.requeued
    assert "is gone: its process no longer exists" in abandoned.note
