"""Overload shedding: a bounded number of executions at once, a short queue, then 503.

A request that cannot start executing soon gets ``503`` with ``Retry-After`` at once (queue
full) or after a short wait (``GRAPHQL_QUEUE_WAIT_SECONDS``), never after waiting out its
whole deadline: under a burst of cold queries the client learns within milliseconds that it
should come back, and the executions already running keep the database connections they
need. Cached answers never take a slot. See docs/decisions/0091-overload-shedding.md.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class OverloadedError(Exception):
    """No execution slot became free in time."""


class ExecutionGate:
    """At most ``max_concurrent`` executions, at most ``max_queued`` waiting for one."""

    def __init__(self, *, max_concurrent: int, max_queued: int, max_wait_seconds: float) -> None:
        self._slots = asyncio.Semaphore(max_concurrent)
        self._max_queued = max_queued
        self._max_wait = max_wait_seconds
        self._queued = 0

    def admit(self) -> ExecutionGate:
        """``async with gate.admit()``: hold a slot for the block; OverloadedError when none
        is free soon enough. (The gate is its own context manager: a generator-based one cost
        ~8 µs a request.)"""
        return self

    async def __aenter__(self) -> None:
        if self._slots.locked():
            if self._queued >= self._max_queued:
                raise OverloadedError
            self._queued += 1
            try:
                async with asyncio.timeout(self._max_wait):
                    await self._slots.acquire()
            except TimeoutError:
                raise OverloadedError from None
            finally:
                self._queued -= 1
        else:
            await self._slots.acquire()

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._slots.release()
