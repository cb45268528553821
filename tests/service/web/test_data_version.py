"""The data-version clock: one read per max age, shared by concurrent requests."""

from __future__ import annotations

import asyncio
import time

from service.web.data_version import DataVersionClock


class _Reads:
    def __init__(self, *versions: int) -> None:
        self.versions = list(versions)
        self.count = 0
        self.gate = asyncio.Event()
        self.gate.set()

    async def __call__(self) -> int:
        self.count += 1
        await self.gate.wait()
        return self.versions.pop(0)


async def test_a_recent_version_is_reused_and_an_old_one_read_again() -> None:
    reads = _Reads(3, 4)
    clock = DataVersionClock(reads, max_age=60)
    assert [await clock.current(), await clock.current()] == [3, 3]
    assert reads.count == 1
    expired = DataVersionClock(_Reads(3, 4), max_age=0)
    assert [await expired.current(), await expired.current()] == [3, 4]


async def test_concurrent_requests_share_one_read() -> None:
    reads = _Reads(7)
    reads.gate.clear()
    clock = DataVersionClock(reads, max_age=0)
    waiting = [asyncio.ensure_future(clock.current()) for _ in range(8)]
    await asyncio.sleep(0)
    reads.gate.set()
    assert await asyncio.gather(*waiting) == [7] * 8
    assert reads.count == 1


async def test_a_newer_version_seen_by_a_request_is_adopted() -> None:
    clock = DataVersionClock(_Reads(3), max_age=60)
    assert await clock.current() == 3
    clock.observe(5, time.monotonic())
    clock.observe(4, time.monotonic())  # an older snapshot does not go back
    assert await clock.current() == 5


async def test_a_cancelled_request_does_not_cancel_the_shared_read() -> None:
    reads = _Reads(9)
    reads.gate.clear()
    clock = DataVersionClock(reads, max_age=0)
    first = asyncio.ensure_future(clock.current())
    second = asyncio.ensure_future(clock.current())
    await asyncio.sleep(0)
    first.cancel()
    reads.gate.set()
    assert await second == 9
