"""The catalogue's data version as the API sees it: read at most once per ``max_age``.

Reading ``data_version`` costs a session and a statement (about 1 ms on SQLite, most of a
cached response's cost). Requests answered from the response cache use the last version read
if it is younger than ``DATA_VERSION_MAX_AGE_SECONDS``, and concurrent requests share one read
in flight. A write is therefore visible to cached responses at most that long after its
commit; a response computed from the database is always stored under the version its own
snapshot read. ``max_age`` 0 reads the version for every request.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class DataVersionClock:
    """The latest data version read, refreshed when older than ``max_age`` seconds."""

    def __init__(self, read: Callable[[], Awaitable[int]], *, max_age: float) -> None:
        self._read = read
        self._max_age = max_age
        self._version: int | None = None
        self._read_at = 0.0
        self._pending: asyncio.Future[int] | None = None

    async def current(self) -> int:
        """A version at most ``max_age`` old (reading it, or joining the read in flight)."""
        if self._version is not None and time.monotonic() - self._read_at <= self._max_age:
            return self._version
        if self._pending is None:
            self._pending = asyncio.ensure_future(self._refresh())
        # Shielded: a request abandoned at its deadline must not cancel everyone's read.
        return await asyncio.shield(self._pending)

    async def wait_idle(self) -> None:
        """Let a read in flight finish (before the engine it uses is disposed of)."""
        if self._pending is not None:
            await asyncio.gather(self._pending, return_exceptions=True)

    def observe(self, version: int, read_at: float) -> None:
        """Record a version read at ``read_at`` (time.monotonic()) by anyone."""
        if self._version is None or version >= self._version:
            self._version, self._read_at = version, max(read_at, self._read_at)

    async def _refresh(self) -> int:
        try:
            started = time.monotonic()
            version = await self._read()
            self.observe(version, started)
            return version
        finally:
            self._pending = None
