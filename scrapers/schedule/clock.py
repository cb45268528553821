"""Time as the scheduler sees it: what time it is, and waiting until a moment or a stop request.

The scheduler never calls ``datetime.now`` or ``asyncio.sleep`` itself; it asks a
:class:`Clock`. Production uses :class:`SystemClock`; tests pass a clock they move by hand, so
that "fires at 03:00 every day" is checked over weeks of schedule in milliseconds.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Protocol

from service.db import utcnow


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...

    async def sleep_until(self, deadline: datetime, stop: asyncio.Event) -> None:
        """Return at ``deadline``, or as soon as ``stop`` is set, whichever comes first."""
        ...


class SystemClock:
    """The machine's clock (UTC)."""

    def now(self) -> datetime:
        return utcnow()

    async def sleep_until(self, deadline: datetime, stop: asyncio.Event) -> None:
        seconds = (deadline - self.now()).total_seconds()
        if seconds <= 0 or stop.is_set():
            return
        try:
            async with asyncio.timeout(seconds):
                await stop.wait()
        except TimeoutError:
            return
