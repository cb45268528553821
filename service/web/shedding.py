"""Overload shedding: a bounded number of executions at once, a short queue, then 503.

A request that cannot start executing soon gets ``503`` with ``Retry-After`` at once (queue
full) or after a short wait (``GRAPHQL_QUEUE_WAIT_SECONDS``), never after waiting out its
whole deadline: under a burst of cold queries the client learns within milliseconds that it
should come back, and the executions already running keep the database connections they
need. Cached answers never take a slot. See docs/decisions/0091-overload-shedding.md.
"""

from __future__ import annotations

import asyncio
from collections import deque
from contextlib import suppress
from types import TracebackType

from service.web.deadlines import DeadlineWatch


class OverloadedError(Exception):
    """No execution slot became free in time."""


class ExecutionGate:
    """At most ``max_concurrent`` executions, at most ``max_queued`` waiting for one.

    A count of free slots and a queue of waiters (first come, first served; a freed slot is
    handed to the first waiter still waiting): a request that finds a slot free takes it with
    no coroutine, lock or future (``asyncio.Semaphore`` cost ~3 % of a cold country page's
    instructions; decision 0290)."""

    def __init__(
        self,
        *,
        max_concurrent: int,
        max_queued: int,
        max_wait_seconds: float,
        deadlines: DeadlineWatch | None = None,
    ) -> None:
        #: Keeps the waits' limits on its one timer (the endpoint's), else asyncio.timeout.
        self._deadlines = deadlines
        self._free = max_concurrent
        self._waiters: deque[asyncio.Future[None]] = deque()
        self._max_queued = max_queued
        self._max_wait = max_wait_seconds

    def admit(self) -> ExecutionGate:
        """``async with gate.admit()``: hold a slot for the block; OverloadedError when none
        is free soon enough. (The gate is its own context manager: a generator-based one cost
        ~8 µs a request.)"""
        return self

    async def __aenter__(self) -> None:
        if self._free > 0 and not self._waiters:
            self._free -= 1
            return
        if len(self._waiters) >= self._max_queued:
            raise OverloadedError
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[None] = loop.create_future()
        self._waiters.append(waiter)
        limit = loop.time() + self._max_wait
        try:
            async with (
                asyncio.timeout_at(limit)
                if self._deadlines is None
                else self._deadlines.guard(limit)
            ):
                await waiter
        except BaseException as stopped:
            if waiter.done() and not waiter.cancelled():
                self._release()  # handed a slot just as it stopped waiting: pass it on
            else:
                with suppress(ValueError):  # a release may have passed it over already
                    self._waiters.remove(waiter)
            if isinstance(stopped, TimeoutError):
                raise OverloadedError from None
            raise

    async def __aexit__(
        self,
        _type: type[BaseException] | None,
        _value: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._release()

    def _release(self) -> None:
        """Free a slot: to the first waiter still waiting, else back to the count."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._free += 1
