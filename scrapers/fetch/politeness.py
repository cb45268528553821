"""Who may send a request when: one request at a time per host, spaced, and a global limit.

Every request of the fetcher (pages, redirects, robots.txt) goes through :meth:`HostScheduler.slot`:
it waits for the host to be free, then for the host's delay since its previous request to pass,
then (a page whose caller reads through a window, :mod:`.window`) for a place in that window,
then for a place among the requests in flight across all hosts. The delay is the larger of the
configured minimum and the host's robots.txt ``Crawl-delay`` (capped). A Retry-After the fetcher
is willing to wait for holds the host back; one longer than that defers the host for the run.

When more requests are ready than there are places, the place freed goes to the host the
scheduler met first (:class:`RankedPlaces`), not to the request that waited longest: the hosts of a
run then finish one after the other instead of all advancing together. A school's pages wait in
memory until its last one is fetched, and with 256 schools in flight, first come first served
kept every one of them half fetched: 400 realistic sites held 86 MB more before the first school
was complete (decision 0307).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapers.fetch.window import PageWindow


class HostDeferredError(Exception):
    """The host asked us to come back later than we are willing to wait."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(f"{host} asked to wait {seconds:.0f} s")
        self.host = host
        self.seconds = seconds


class RankedPlaces:
    """A semaphore whose freed place goes to the waiter of the lowest rank (then the first)."""

    def __init__(self, places: int) -> None:
        self._free = places
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    async def acquire(self, rank: int) -> None:
        if self._free > 0 and not self._waiting:
            self._free -= 1
            return
        place: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (rank, next(self._arrivals), place))
        try:
            await place
        except asyncio.CancelledError:
            if place.done() and not place.cancelled():
                self.release()  # given a place as it was cancelled: pass it on
            raise

    def release(self) -> None:
        while self._waiting:
            _, _, place = heapq.heappop(self._waiting)
            if not place.done():  # a cancelled waiter stays in the heap until it comes up
                place.set_result(None)
                return
        self._free += 1


@dataclass(slots=True)
class _Host:
    #: The order in which the scheduler met the host: its rank for a global place.
    rank: int
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: Earliest clock time the next request may start.
    next_at: float = 0.0
    crawl_delay: float = 0.0
    #: Clock time the previous request to the host ended.
    last_done: float | None = None
    deferred_until: float | None = None
    requests: int = 0


class HostScheduler:
    """Per-host spacing and a global concurrency limit, for one run."""

    def __init__(
        self,
        *,
        host_delay: float,
        crawl_delay_cap: float,
        concurrency: int,
        clock: Callable[[], float] | None = None,
    ) -> None:
        self._host_delay = host_delay
        self._crawl_delay_cap = crawl_delay_cap
        self._global = RankedPlaces(concurrency)
        self._ranks = itertools.count()
        self._hosts: dict[str, _Host] = {}
        #: Hosts let go (:meth:`forget`) whose spacing or deferral still runs: host → (earliest
        #: next request, deferred until). Pruned as those times pass, so it holds the hosts of
        #: the last few seconds, not of the whole run.
        self._resting: dict[str, tuple[float, float | None]] = {}
        self._clock = clock or asyncio.get_running_loop().time

    def _host(self, host: str) -> _Host:
        state = self._hosts.get(host)
        if state is None:
            state = self._hosts[host] = _Host(next(self._ranks))
            resting = self._resting.pop(host, None)
            if resting is not None:  # back before its spacing or deferral ran out
                state.next_at, state.deferred_until = resting
        return state

    @property
    def hosts_held(self) -> int:
        """Hosts whose state the scheduler holds (in use, or let go but still resting)."""
        return len(self._hosts) + len(self._resting)

    def forget(self, host: str) -> None:
        """Let go of ``host``'s state: the run is done with it (its last school is recorded).

        A host whose next request would still have to wait (its delay, a hold, a deferral)
        keeps just those times until they pass, so that a later request to it (a redirect from
        another site) is spaced and refused as before.
        """
        state = self._hosts.get(host)
        if state is None or state.lock.locked():
            return
        now = self._clock()
        next_at = state.next_at
        if state.last_done is not None:  # a larger Crawl-delay is forgotten with the host
            next_at = max(next_at, state.last_done + self.delay_for(host))
        del self._hosts[host]
        # A deferred host stays deferred for the rest of the run.
        if next_at > now or state.deferred_until is not None:
            self._resting[host] = (next_at, state.deferred_until)
        for name, (until, deferred) in list(self._resting.items()):
            if until <= now and deferred is None:
                del self._resting[name]

    def delay_for(self, host: str) -> float:
        """Seconds kept between two requests to ``host``."""
        return max(self._host_delay, min(self._host(host).crawl_delay, self._crawl_delay_cap))

    def set_crawl_delay(self, host: str, seconds: float | None) -> None:
        """Honour a robots.txt Crawl-delay (the largest one seen for the host, up to the cap)."""
        if seconds is not None and seconds > 0:
            state = self._host(host)
            state.crawl_delay = max(state.crawl_delay, seconds)
            # The delay also separates the robots.txt request from the first page.
            if state.last_done is not None:
                state.next_at = max(state.next_at, state.last_done + self.delay_for(host))

    def hold(self, host: str, seconds: float) -> None:
        """No request to ``host`` before ``seconds`` from now (backoff, short Retry-After)."""
        state = self._host(host)
        state.next_at = max(state.next_at, self._clock() + seconds)

    def defer(self, host: str, seconds: float) -> None:
        """Send nothing more to ``host`` in this run; it asked for ``seconds`` of quiet."""
        self._host(host).deferred_until = self._clock() + seconds

    def requests_sent(self, host: str) -> int:
        return self._host(host).requests

    @asynccontextmanager
    async def slot(self, host: str, *, window: PageWindow | None = None) -> AsyncIterator[None]:
        """Hold the right to send one request to ``host`` (raises :class:`HostDeferredError`).

        With ``window``, the request also waits for a place in it once the host's turn has
        come, before a global place; from inside the slot that place is the caller's, to give
        back when the body is let go (:mod:`.window`).
        """
        state = self._host(host)
        async with state.lock:
            if state.deferred_until is not None:
                raise HostDeferredError(host, max(0.0, state.deferred_until - self._clock()))
            wait = state.next_at - self._clock()
            if wait > 0:
                await asyncio.sleep(wait)
            if window is not None:
                await window.take(state.rank)
            try:
                await self._global.acquire(state.rank)
            except BaseException:  # cancelled while waiting: nothing was sent
                if window is not None:
                    window.give()
                raise
            try:
                state.requests += 1
                yield
            finally:
                self._global.release()
                state.last_done = self._clock()
                state.next_at = max(state.next_at, state.last_done + self.delay_for(host))
