"""A task that runs beside a block of code and is cancelled when the block ends.

Heartbeats, lock watchers, lease renewals and cache warm-ups all run this way: started on entry,
cancelled on exit, and awaited so that nothing is left running (or reported by asyncio as
never retrieved) after the block.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Coroutine
from typing import Any


@contextlib.asynccontextmanager
async def run_alongside(work: Coroutine[Any, Any, object]) -> AsyncIterator[asyncio.Task[object]]:
    """Run ``work`` as a task while the block runs; on exit cancel it and wait until it ends.

    An exception the task raised before it was cancelled comes out on exit, after the block.
    """
    task = asyncio.create_task(work)
    try:
        yield task
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
