"""A clock for tests: time moves only when the scheduler sleeps, and then instantly."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta


class FakeClock:
    def __init__(self, start: datetime) -> None:
        self.current = start
        self.sleeps: list[datetime] = []

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta

    async def sleep_until(self, deadline: datetime, stop: asyncio.Event) -> None:
        self.sleeps.append(deadline)
        if not stop.is_set():
            self.current = max(self.current, deadline)
        await asyncio.sleep(0)  # let other tasks (a second scheduler) run


class StoppingClock(FakeClock):
    """A fake clock that stops the scheduler instead of sleeping past ``until``."""

    def __init__(self, start: datetime, until: datetime) -> None:
        super().__init__(start)
        self.until = until

    async def sleep_until(self, deadline: datetime, stop: asyncio.Event) -> None:
        if deadline > self.until:
            self.sleeps.append(deadline)
            stop.set()
            return
        await super().sleep_until(deadline, stop)
