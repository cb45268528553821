"""One session shared by concurrent resolvers: queries run one at a time, never together."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import School
from service.db.serialized import SerializedSession, SessionClosedError
from tests.factories import make_school


async def test_concurrent_queries_take_turns_on_the_session(session: AsyncSession) -> None:
    await make_school(session, slug="aalto-university")
    db = SerializedSession(session)
    running = 0
    overlaps = 0

    async def count_schools(db_session: AsyncSession, number: int) -> tuple[int, int]:
        nonlocal running, overlaps
        running += 1
        overlaps += running > 1
        await asyncio.sleep(0)  # give the other tasks every chance to barge in
        total = await db_session.scalar(select(func.count()).select_from(School))
        running -= 1
        return number, int(total or 0)

    results = await asyncio.gather(*(db.run(count_schools, number) for number in range(50)))
    assert results == [(number, 1) for number in range(50)]
    assert overlaps == 0


async def test_close_waits_for_the_running_query_and_refuses_later_ones(
    session: AsyncSession,
) -> None:
    started = asyncio.Event()
    release = asyncio.Event()
    finished: list[str] = []

    async def slow(_session: AsyncSession) -> None:
        started.set()
        await release.wait()
        finished.append("slow")

    async def fast(_session: AsyncSession) -> None:
        finished.append("fast")

    db = SerializedSession(session)
    running = asyncio.create_task(db.run(slow))
    await started.wait()
    closing = asyncio.create_task(db.close())
    await asyncio.sleep(0)
    assert not closing.done(), "close must wait for the running query"
    release.set()
    await asyncio.gather(running, closing)
    assert finished == ["slow"]
    with pytest.raises(SessionClosedError):
        await db.run(fast)
