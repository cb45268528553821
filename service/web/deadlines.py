"""Every request's deadline, watched by one timer of the endpoint's instead of one each.

``asyncio.timeout_at`` puts a timer on the loop per request (with uvloop a libuv timer, started
and stopped) and runs its own Python around it: about 3 % of a cold country page's
instructions (decision 0290). :class:`DeadlineWatch` keeps the requests' deadlines in a dict
and one timer, set for the earliest of them; when it fires it stops the requests whose
deadline has passed, exactly as ``asyncio.Timeout`` stops them (the task is cancelled, and the
block raises ``TimeoutError`` unless someone else cancelled the task too), and sets itself for
the next one. A request adds and removes one dict entry; under steady load the timer fires
about once per deadline length, when the first request it was set for is long gone.
"""

from __future__ import annotations

import asyncio
from types import TracebackType


class Deadline:
    """``async with watch.guard(deadline)``: the block is stopped at ``deadline`` (the loop's
    clock), raising ``TimeoutError`` out of it; :meth:`expired` says whether it was."""

    __slots__ = ("_cancelling", "_expired", "_task", "_watch", "deadline")

    def __init__(self, watch: DeadlineWatch, deadline: float) -> None:
        self._watch = watch
        self.deadline = deadline
        self._expired = False
        self._task: asyncio.Task[object] | None = None
        self._cancelling = 0

    def expired(self) -> bool:
        """Whether the deadline stopped the block (as ``asyncio.Timeout.expired``)."""
        return self._expired

    async def __aenter__(self) -> Deadline:
        task = asyncio.current_task()
        if task is None:
            raise RuntimeError("a deadline is kept inside a task")
        self._task = task
        self._cancelling = task.cancelling()
        self._watch._add(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        _traceback: TracebackType | None,
    ) -> None:
        self._watch._guards.pop(self, None)
        if (
            self._expired
            and self._task is not None
            and self._task.uncancel() <= self._cancelling
            and exc_type is asyncio.CancelledError
        ):
            # No other cancellation is pending: this one is the deadline's.
            raise TimeoutError from exc

    def _expire(self) -> None:
        self._expired = True
        if self._task is not None:
            self._task.cancel()


class DeadlineWatch:
    """The deadlines of the requests under way, and one timer for the earliest."""

    def __init__(self) -> None:
        #: Insertion-ordered, as a set.
        self._guards: dict[Deadline, None] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def guard(self, deadline: float) -> Deadline:
        """A block stopped at ``deadline`` (``loop.time()`` seconds)."""
        return Deadline(self, deadline)

    def _add(self, guard: Deadline) -> None:
        loop = asyncio.get_running_loop()
        if loop is not self._loop:
            # A new loop (tests run one per test): what the last one watched is gone with it.
            self._guards.clear()
            self._timer = None
            self._loop = loop
        self._guards[guard] = None
        if self._timer is None:
            self._timer = loop.call_at(guard.deadline, self._check)
        elif guard.deadline < self._timer.when():
            self._timer.cancel()
            self._timer = loop.call_at(guard.deadline, self._check)

    def _check(self) -> None:
        self._timer = None
        loop = self._loop
        if loop is None:
            return
        now = loop.time()
        passed = [guard for guard in self._guards if guard.deadline <= now]
        for guard in passed:
            del self._guards[guard]
            guard._expire()
        if self._guards:
            self._timer = loop.call_at(min(g.deadline for g in self._guards), self._check)
