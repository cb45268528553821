"""The deadline watch stops a block as ``asyncio.timeout_at`` does, with one timer for all."""

from __future__ import annotations

import asyncio

import pytest

from service.web.deadlines import DeadlineWatch


async def test_a_block_past_its_deadline_raises_timeout_and_says_it_expired() -> None:
    watch = DeadlineWatch()
    loop = asyncio.get_running_loop()
    with pytest.raises(TimeoutError):
        async with watch.guard(loop.time() + 0.01) as window:
            await asyncio.Event().wait()
    assert window.expired()


async def test_a_block_that_ends_in_time_is_not_stopped_later() -> None:
    watch = DeadlineWatch()
    loop = asyncio.get_running_loop()
    async with watch.guard(loop.time() + 0.01) as window:
        pass
    assert not window.expired()
    # The timer set for it finds nothing to stop once it fires.
    async with watch.guard(loop.time() + 0.05) as later:
        with pytest.raises(TimeoutError):
            async with watch.guard(loop.time() + 0.02):
                await asyncio.Event().wait()
    assert not later.expired()


async def test_each_of_many_blocks_stops_at_its_own_deadline_in_any_order() -> None:
    watch = DeadlineWatch()
    loop = asyncio.get_running_loop()
    early: list[float] = []

    async def block(after: float) -> None:
        deadline = loop.time() + after
        with pytest.raises(TimeoutError):
            async with watch.guard(deadline):
                await asyncio.Event().wait()
        early.append(max(0.0, deadline - loop.time()))

    # Added latest-first: each earlier deadline moves the one timer forward.
    await asyncio.gather(*(block(0.05 - index * 0.01) for index in range(4)))
    assert early == [0.0] * 4  # none stopped before its deadline


async def test_another_cancellation_is_not_turned_into_a_timeout() -> None:
    watch = DeadlineWatch()
    loop = asyncio.get_running_loop()
    entered = asyncio.Event()

    async def block() -> None:
        async with watch.guard(loop.time() + 60):
            entered.set()
            await asyncio.Event().wait()

    task = asyncio.ensure_future(block())
    await entered.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
