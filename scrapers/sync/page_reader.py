"""Where a sync's pages are extracted: a pool of processes sized to the machine, or one thread.

Extraction (parse and read a page) is pure, CPU-bound Python: in the event loop's process it
holds the GIL and uses one core however many the machine has. A run therefore sends each page
fetched in full to a process pool (``SYNC_EXTRACT_PROCESSES``, by default one process per core
the run may use) while the event loop keeps fetching and reconciles schools in the database.
A page goes as its text and addresses; its facts come back as the typed values of decision 0140
(a few kilobytes pickled). ``0`` or ``1`` keeps extraction in the run's process, in one worker
thread, as it always was.

A page whose extraction raises is that page's read failure (its values are kept, marked stale,
with a ``fetch_failed`` finding). So is a page whose process died (``BrokenProcessPool``): the
pool is replaced and the page tried once more, alone in the new pool (it may have been an
innocent page in flight beside the one that killed the process); if it dies again, the page is
not read. The run goes on either way. At most one page per process is in the pool at once; the
pages waiting for a process are at most the run's page window, which the fetcher does not
outrun (:class:`~scrapers.fetch.PageWindow`, decision 0400).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from datetime import datetime

from scrapers.extract import extract_page
from scrapers.fetch import FetchResult
from scrapers.reconcile import FetchFailure, PageOutcome, PageUnchanged
from service.config import Settings
from service.db import LinkStatus

log = logging.getLogger(__name__)

#: Failures the link health does not turn into a finding: reconciliation reports them.
_UNREADABLE = frozenset({LinkStatus.BLOCKED_BY_ROBOTS, LinkStatus.UNSUPPORTED_CONTENT})

#: Reads one page in whatever process runs it: (text, final URL, fetched at, requested URL).
ReadPage = Callable[[str, str, datetime, str], PageOutcome]


def read_page(text: str, final_url: str, fetched_at: datetime, requested_url: str) -> PageOutcome:
    """The page's extraction, or its read failure when an extractor raised on it."""
    try:
        return extract_page(text, final_url, fetched_at, requested_url=requested_url)
    except Exception as exc:  # one unreadable page must not leave its values un-staled
        log.exception("extracting %s failed", final_url)
        return FetchFailure(requested_url, f"page not read: {type(exc).__name__}: {exc}")


def page_outcome(result: FetchResult) -> PageOutcome:
    """What one fetch result tells reconciliation, the page extracted in this process."""
    page = result.page
    if page is not None:
        return read_page(page.text, page.final_url, page.fetched_at, page.url)
    return _unread_outcome(result)


def _unread_outcome(result: FetchResult) -> PageUnchanged | FetchFailure:
    """A result with no page to read: an unchanged page (304), or a failure."""
    if result.not_modified:
        return PageUnchanged(result.final_url or result.url, result.checked_at)
    reason = result.status.value + (f": {result.error}" if result.error else "")
    return FetchFailure(result.url, reason, finding=result.status in _UNREADABLE)


def machine_processes() -> int:
    """The cores this process may run on (its CPU affinity where the system reports one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def extraction_processes(settings: Settings) -> int:
    """The processes a run extracts its pages in: ``SYNC_EXTRACT_PROCESSES``, or the cores."""
    configured = settings.sync.extract_processes
    return machine_processes() if configured is None else configured


class PageReader:
    """Turns a school's fetch results into page outcomes, extracting off the event loop."""

    def __init__(self, processes: int, *, read: ReadPage = read_page) -> None:
        #: Extraction processes; 1 means one thread of this process.
        self.processes = max(processes, 1)
        self._read = read
        self._executor = self._new_executor()
        #: Pages in the pool at once: one per process, so that a dead process takes at most
        #: that many pages with it (and pages wait here, not pickled in the pool's queue).
        self._slots = asyncio.Semaphore(self.processes)
        #: Held by a page tried again alone.
        self._alone = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None

    def _new_executor(self) -> Executor:
        if self.processes == 1:
            return ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
        # Spawned, not forked: the run's process has an event loop, database connections and
        # threads that a forked child would inherit half-copied.
        return ProcessPoolExecutor(self.processes, mp_context=multiprocessing.get_context("spawn"))

    async def outcomes(self, results: Sequence[FetchResult]) -> list[PageOutcome]:
        """What each fetch result tells reconciliation, in order (pages read concurrently)."""
        loop = asyncio.get_running_loop()
        if loop is not self._loop:  # a reader outlives event loops (a process runs several)
            self._loop = loop
            self._slots = asyncio.Semaphore(self.processes)
            self._alone = asyncio.Lock()
        return list(await asyncio.gather(*(self._outcome(result) for result in results)))

    async def _outcome(self, result: FetchResult) -> PageOutcome:
        page = result.page
        if page is not None:
            return await self._extract(page.text, page.final_url, page.fetched_at, page.url)
        return _unread_outcome(result)

    async def _extract(
        self, text: str, final_url: str, fetched_at: datetime, requested_url: str
    ) -> PageOutcome:
        async with self._slots:
            outcome = await self._submit(text, final_url, fetched_at, requested_url)
        if outcome is not None:
            return outcome
        # Its process died, perhaps because of another page in flight beside it: try once more
        # with the pool to itself, so that a page that kills every process it meets dies alone.
        async with self._alone:
            for _ in range(self.processes):
                await self._slots.acquire()
            try:
                outcome = await self._submit(text, final_url, fetched_at, requested_url)
            finally:
                for _ in range(self.processes):
                    self._slots.release()
        if outcome is not None:
            return outcome
        return FetchFailure(
            requested_url, "page not read: its extraction process died (BrokenProcessPool)"
        )

    async def _submit(
        self, text: str, final_url: str, fetched_at: datetime, requested_url: str
    ) -> PageOutcome | None:
        """The page read by the pool; None when the pool broke (and was replaced) meanwhile."""
        executor = self._executor
        try:
            return await asyncio.get_running_loop().run_in_executor(
                executor, self._read, text, final_url, fetched_at, requested_url
            )
        except BrokenProcessPool:
            log.error("the extraction process reading %s died", final_url)
            if self._executor is executor:  # the first page to notice replaces the pool
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._new_executor()
            return None

    def close(self) -> None:
        """Stop the pool's processes (pages still queued are dropped)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


@contextlib.asynccontextmanager
async def open_page_reader(
    processes: int, *, read: ReadPage = read_page
) -> AsyncIterator[PageReader]:
    """A page reader for one run (or one worker), its processes stopped when it ends."""
    reader = PageReader(processes, read=read)
    try:
        yield reader
    finally:
        # Joining the processes blocks: do it off the event loop.
        await asyncio.to_thread(reader.close)
