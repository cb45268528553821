"""run_alongside: the task runs during the block and has ended, cancelled, once it exits."""

from __future__ import annotations

import asyncio

import pytest

from service.background import run_alongside


async def test_the_task_runs_during_the_block_and_is_cancelled_after() -> None:
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def forever() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    async with run_alongside(forever()) as task:
        await started.wait()
        assert not task.done()
    assert task.cancelled()
    assert cancelled.is_set()


async def test_a_task_that_failed_raises_on_exit() -> None:
    async def fail() -> None:
        raise LookupError("gone")

    with pytest.raises(LookupError, match="gone"):
        async with run_alongside(fail()) as task:
            await asyncio.wait({task})


async def test_the_task_is_cancelled_when_the_block_raises() -> None:
    with pytest.raises(KeyError):
        async with run_alongside(asyncio.Event().wait()) as task:
            raise KeyError("block")
    assert task.cancelled()
