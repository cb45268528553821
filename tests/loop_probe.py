"""How long the event loop's thread computes between two of its turns, measured in CPU time.

A probe task yields to the loop once per turn and reads the thread's CPU clock
(``time.thread_time``) around each yield: the difference is what every callback scheduled in
that turn computed on the loop's thread before the probe ran again. It is CPU, not wall time,
so other processes on a busy machine do not lengthen it, and work on other threads (the
aiosqlite thread, the database server) is not counted: only what holds the loop is.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field


@dataclass
class LoopHolds:
    """The loop thread's CPU seconds per turn while the probe ran."""

    turns: list[float] = field(default_factory=list)

    @property
    def longest(self) -> float:
        return max(self.turns, default=0.0)


@asynccontextmanager
async def probe_loop() -> AsyncIterator[LoopHolds]:
    """``async with probe_loop() as holds``: every turn of the loop inside the block."""
    holds = LoopHolds()
    stopping = asyncio.Event()

    async def probe() -> None:
        while not stopping.is_set():
            before = time.thread_time()
            # One turn of the loop: every ready callback runs before this task resumes.
            await asyncio.sleep(0)
            holds.turns.append(time.thread_time() - before)

    task = asyncio.create_task(probe())
    # Let the probe take its first reading before the block starts its work.
    await asyncio.sleep(0)
    try:
        yield holds
    finally:
        stopping.set()
        await task
