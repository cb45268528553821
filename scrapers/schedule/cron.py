"""When a scheduled job runs: a cron expression plus a random delay (jitter).

Jitter spreads the load on partner sites (and on us) when several deployments share the default
schedule. It is drawn from an injected ``random.Random``, so a test with a seeded generator sees
the same times on every run.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from croniter import croniter


class CronSchedule:
    """Fire times of ``expression`` (evaluated in UTC), each delayed by up to ``jitter``."""

    def __init__(
        self, expression: str, *, jitter: timedelta = timedelta(0), rng: random.Random | None = None
    ) -> None:
        if not croniter.is_valid(expression):
            raise ValueError(f"{expression!r} is not a cron expression")
        if jitter < timedelta(0):
            raise ValueError("jitter cannot be negative")
        self.expression = expression
        self.jitter = jitter
        self._rng = rng or random.Random()  # noqa: S311 (spreading load, not security)

    def next_slot(self, after: datetime) -> datetime:
        """The first cron time strictly after ``after``, without jitter."""
        slot = croniter(self.expression, after.astimezone(UTC)).get_next(datetime)
        return slot.astimezone(UTC)

    def next_fire(self, after: datetime) -> datetime:
        """The next cron time after ``after``, plus a fresh random jitter."""
        delay = self._rng.uniform(0, self.jitter.total_seconds()) if self.jitter else 0.0
        return self.next_slot(after) + timedelta(seconds=delay)

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r}, jitter={self.jitter})"
