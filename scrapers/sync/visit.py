"""Visiting the plan: fetch each school's links, then hand the school to its recorder.

Schools are fetched concurrently (the fetcher keeps every host polite) and recorded one at a time
as they complete, each in a transaction of its own, through a bounded queue so that fetched pages
never pile up faster than they are written. A URL shared by several schools is fetched once.
Its outcome (the page's text included) is let go as soon as the last school of the plan that
needs it is recorded, so a run holds the pages of the schools in flight, not of every school;
and once a school's pages are read (``read``: extracted, before the school waits its turn to be
recorded) the text of a page no other school needs is let go at once: what waits is verdicts.

A :class:`SchoolBudget` bounds the schools in flight, and what they fetched that waits for the
reader: once that much waits, no new school starts until some is read. When extraction is
slower than fetching (a loaded machine), fetching more only lengthens that queue, and every
school in flight ended up in it with its pages (400 realistic sites: 1,024 pages, 54 MB of
text, decision 0307). Pages read as they are fetched are held to the budget's window besides
(:class:`~scrapers.fetch.PageWindow`, decision 0400): the schools already in flight cannot
fetch ahead of the reader either, since each page's request waits in the fetcher for a place
that the page read before it gives back. The visits of one process share one budget (a run's,
or the partitions a worker runs at once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Protocol
from urllib.parse import urlsplit

from scrapers.fetch import Fetcher, FetchResult, PageWindow, UnsupportedUrlError, parse_target
from scrapers.reconcile import PageOutcome
from scrapers.sync.handler import FactCounts
from scrapers.sync.health import KnownUrl, UrlOutcome
from scrapers.sync.plan import PlannedSchool
from service.db import LinkStatus

log = logging.getLogger(__name__)

#: No https probe after these: the host is unreachable or not ours to contact.
_NO_PROBE = frozenset(
    {
        LinkStatus.DNS_ERROR,
        LinkStatus.SSRF_BLOCKED,
        LinkStatus.DEFERRED,
        LinkStatus.BLOCKED_BY_ROBOTS,
    }
)


class Progress(Protocol):
    """Told how many links there are, then how many were visited."""

    def start(self, total: int) -> None: ...

    def advance(self, links: int) -> None: ...


class NoProgress:
    def start(self, total: int) -> None:
        pass

    def advance(self, links: int) -> None:
        pass


@dataclass(slots=True)
class SchoolLine:
    """One school of a run, as its table row and record show it: what the run keeps of the
    school once it is recorded (decision 0195)."""

    slug: str
    name: str
    links: int
    counts: Counter[LinkStatus] = field(default_factory=Counter)
    seconds: float = 0.0
    #: Why the school's results were not (all) recorded.
    error: str | None = None
    #: Why the run did not visit the school at all ("no links"); it counts for nothing else.
    skipped: str | None = None
    recorded: bool = False
    #: What applying its pages did to the school's facts; None when they were not applied.
    facts: FactCounts | None = None
    #: Findings raised for the school by this run (new or reopened): its links' and its pages'.
    findings: int = 0
    #: Links checked whose site answered (whatever the verdict, a 404 too).
    reached: int = 0

    @property
    def checked(self) -> int:
        return sum(n for status, n in self.counts.items() if status.is_checked)

    @property
    def visited(self) -> bool:
        """Some link was visited (its verdict known): the reached column means something."""
        return bool(self.counts)


@dataclass(slots=True)
class SchoolReport(SchoolLine):
    """What became of one school in a run, while it is in flight: its line, and what the run's
    totals need of its links."""

    #: Some link's site answered, a deferral (Retry-After) included: the site was reached.
    site_answered: bool = False
    #: The first link that was not reached, with why (``url: error``), for the run's message.
    unreached_error: str | None = None
    #: Link id → its verdict and whether its site answered, so that the run's totals count a
    #: link shared by several schools once.
    verdicts: dict[int, tuple[LinkStatus, bool]] = field(default_factory=dict)
    #: Those of its links that are a programme's, which other schools may share.
    shared_links: frozenset[int] = frozenset()

    def line(self) -> SchoolLine:
        """The school's line alone, to keep once the report is let go."""
        return SchoolLine(**{name: getattr(self, name) for name in _LINE_FIELDS})


_LINE_FIELDS = tuple(f.name for f in fields(SchoolLine))


#: Records a visited school; receives None as outcomes when the visit itself failed.
Recorder = Callable[[PlannedSchool, Mapping[str, UrlOutcome] | None, SchoolReport], Awaitable[None]]


#: Reads a visited school's pages as soon as its links are visited, before it waits its turn to
#: be recorded (so that many schools' pages are read at once, on every core); never raises.
ReadAhead = Callable[[PlannedSchool, Mapping[str, UrlOutcome]], Awaitable[None]]

#: Reads one URL's fetch result as soon as it is fetched (the default handler's extraction),
#: before the school's other pages are fetched: the page's text is then let go (decision 0366).
ReadFetched = Callable[[FetchResult], Awaitable[PageOutcome]]


#: A visited school: its outcomes per URL (or the defect that stopped the visit) and its time.
_Visited = tuple[PlannedSchool, dict[str, UrlOutcome] | Exception, float]


async def _next_visited(
    queue: asyncio.Queue[_Visited], stop: asyncio.Event | None
) -> _Visited | None:
    """The next visited school, or ``None`` once ``stop`` is set (even while waiting)."""
    if stop is None:
        return await queue.get()
    if stop.is_set():
        return None
    getter = asyncio.ensure_future(queue.get())
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        getter.cancel()
        stopper.cancel()
    if stop.is_set():
        if getter.done() and not getter.cancelled():
            queue.put_nowait(getter.result())  # back, for the visit to give its place back
        return None
    return getter.result()


#: Verdicts that may leave the site unheard from: no answer came back (decision 0053).
_NO_ANSWER = frozenset(
    {
        LinkStatus.DNS_ERROR,
        LinkStatus.TLS_ERROR,
        LinkStatus.TIMEOUT,
        LinkStatus.SSRF_BLOCKED,
        LinkStatus.BROKEN,
    }
)


def answered(result: FetchResult) -> bool:
    """The URL's site answered (a page, an error status, a redirect, robots.txt, a 304).

    DNS, connection, TLS and timeout failures, and the address guard's refusals, leave no
    answer: the site was not reached. A BROKEN verdict with an HTTP status or a redirect is an
    answer (a 404, a redirect loop); one without is a connection that failed.
    """
    if result.status not in _NO_ANSWER:
        return True
    return result.http_status is not None or bool(result.redirects)


def count_verdicts(
    report: SchoolReport, school: PlannedSchool, outcomes: Mapping[str, UrlOutcome]
) -> None:
    """The school's link statuses, links reached, verdict per link, first unreached link."""
    report.shared_links = frozenset(link.id for link in school.links if link.is_shared)
    for link in school.links:
        result = outcomes[link.url].result
        reached = answered(result)
        report.counts[result.status] += 1
        report.reached += reached and result.status.is_checked
        report.site_answered |= reached
        report.verdicts[link.id] = (result.status, reached)
        if not reached and report.unreached_error is None:
            report.unreached_error = f"{link.url}: {result.error or result.status.value}"


def _hosts(school: PlannedSchool) -> set[str]:
    """The hosts the fetcher visits for the school's links (as it keys them)."""
    hosts = set()
    for url in school.urls:
        with contextlib.suppress(UnsupportedUrlError):
            hosts.add(parse_target(url).host)
    return hosts


def _https_twin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.port is not None:
        return None
    return "https" + url[len("http") :]


async def record_whole(recording: Awaitable[None]) -> None:
    """Await one school's recording to its end, even if the visit is cancelled meanwhile.

    A run that loses its lock cancels its visit (the fetches in flight are abandoned); a
    cancellation landing inside a school's transaction interrupted its ROLLBACK or COMMIT
    half-way (the lease found taken over at the transaction's start, then rolling back), and
    SQLAlchemy's pool could only invalidate that connection, with SQLite's write lock held
    until the connection was gone. The school's transaction now commits or rolls back by
    itself, its outcome is retrieved, and the cancellation goes on once it has ended.
    """
    task = asyncio.ensure_future(recording)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        while not task.done():
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(task)
        if not task.cancelled():
            task.exception()  # retrieved: the cancellation, not the school's outcome, goes on
        raise


class SchoolBudget:
    """Schools visited at once, and how much of what they fetched may wait to be read: pages
    read one by one as they are fetched (the default handler), or schools read whole.

    ``reading`` None: no bound but ``in_flight`` (the handler reads at once: links only).
    Otherwise pages read one by one are held to :attr:`window` (``reading`` places, decision
    0400): a page's request waits for a place in the fetcher, and the place is given back once
    the page is read. Schools read whole are counted apart (:meth:`reading`). Either way no new
    school starts while the window is full or ``reading`` schools wait for the reader.
    Made in the event loop it is used in.
    """

    def __init__(self, in_flight: int, *, reading: int | None = None) -> None:
        self.in_flight = in_flight
        self._places = asyncio.Semaphore(in_flight)
        self._reading_limit = reading
        self._reading = 0
        self._room = asyncio.Event()
        self._room.set()
        #: The page bodies fetched for the reader and not yet read, at most ``reading``.
        self.window = None if reading is None else PageWindow(reading, on_room=self._room.set)

    def _full(self) -> bool:
        if self.window is not None and self.window.full:
            return True
        return self._reading_limit is not None and self._reading >= self._reading_limit

    async def start(self) -> None:
        """Take a place for a school, once one is free and the reader's queue has room."""
        await self._places.acquire()
        try:
            while self._full():
                self._room.clear()
                await self._room.wait()
        except BaseException:  # cancelled while waiting: the place is not kept
            self._places.release()
            raise

    def end(self) -> None:
        self._places.release()

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """A page (or a school's pages) waiting for, or in, the reader."""
        self._reading += 1
        try:
            yield
        finally:
            self._reading -= 1
            if self._reading_limit is None or self._reading < self._reading_limit:
                self._room.set()


class Visit:
    """One pass over a plan with one fetcher."""

    def __init__(
        self,
        fetcher: Fetcher,
        known: Mapping[str, KnownUrl],
        *,
        progress: Progress,
        schools_in_flight: int | SchoolBudget,
        read: ReadAhead | None = None,
        read_page: ReadFetched | None = None,
    ) -> None:
        self._fetcher = fetcher
        self._read = read
        self._read_page = read_page
        if isinstance(schools_in_flight, int):
            schools_in_flight = SchoolBudget(schools_in_flight)
        #: Pages read as they are fetched wait for the reader within the budget's window.
        self._window = schools_in_flight.window if read_page is not None else None
        self._known = known
        self._progress = progress
        self._budget = schools_in_flight
        self._queue_size = schools_in_flight.in_flight
        self._urls: dict[str, asyncio.Task[UrlOutcome]] = {}
        #: Schools of the plan not yet recorded that need each URL, and each host.
        self._waiting: Counter[str] = Counter()
        self._hosts_waiting: Counter[str] = Counter()

    @property
    def held_urls(self) -> set[str]:
        """The URLs whose outcome the visit still holds (some school still needs them)."""
        return set(self._urls)

    def _release(self, school: PlannedSchool) -> None:
        for url in school.urls:
            self._waiting[url] -= 1
            if self._waiting[url] <= 0:
                del self._waiting[url]
                self._urls.pop(url, None)
        for host in _hosts(school):
            self._hosts_waiting[host] -= 1
            if self._hosts_waiting[host] <= 0:
                # The plan's last school on this host is recorded: the fetcher lets it go.
                del self._hosts_waiting[host]
                self._fetcher.forget_host(host)

    def _read_out(self, url: str, outcome: UrlOutcome) -> UrlOutcome:
        """The outcome without its page's text once the page is read, unless another school of
        the plan still needs to read it: what waits to be recorded is the verdict, not the page.
        """
        if outcome.result.page is None or self._waiting[url] > 1:
            return outcome
        self._urls.pop(url, None)
        return replace(outcome, result=replace(outcome.result, page=None))

    async def _visit_url(self, url: str) -> UrlOutcome:
        known = self._known.get(url)
        validators = known.validators if known else None
        result = await self._fetcher.fetch(url, validators, window=self._window)
        read = None
        if self._read_page is not None:
            read, result = await self._read_fetched(result, self._read_page)
        https_url = None
        if not (known and known.https_url):
            https_url = await self._find_https(url, result)
        return UrlOutcome(result, https_url, read)

    async def _read_fetched(
        self, result: FetchResult, read_page: ReadFetched
    ) -> tuple[PageOutcome | None, FetchResult]:
        """The URL read as soon as it is fetched, and its result without the page's text.

        A page waited for its school's last page before it was read (three more requests on its
        host, a second or more apart, then the reader's queue): with 256 schools in flight, most
        pages a run held were such pages (decision 0366). A URL of several schools is read once.
        If reading raises (a defect), the page is kept and its school's reader reads it again.
        """
        page = result.page
        try:
            read = await read_page(result)
        except Exception:
            log.exception("reading %s failed", result.url)
            return None, result
        finally:
            # Read (or its reading failed: a defect, the page is kept for its school's reader,
            # outside the window): the page's place in the window goes to the next request.
            if page is not None and self._window is not None:
                self._window.give()
        return read, result if page is None else replace(result, page=None)

    async def _find_https(self, url: str, result: FetchResult) -> str | None:
        """An https address serving an http URL's page (its redirect, or a probe)."""
        if not url.startswith("http://"):
            return None
        if result.reached and result.final_url and result.final_url.startswith("https://"):
            return result.final_url
        twin = _https_twin(url)
        if twin is None or result.status in _NO_PROBE:
            return None
        # The twin's page is not read: its place in the window is given back at once.
        probe = await self._fetcher.fetch(twin, window=self._window)
        if probe.page is not None and self._window is not None:
            self._window.give()
        return probe.final_url if probe.reached else None

    def _outcome(self, url: str) -> asyncio.Task[UrlOutcome]:
        if url not in self._urls:
            self._urls[url] = asyncio.create_task(self._visit_url(url))
        return self._urls[url]

    async def _start_visits(
        self,
        plan: list[PlannedSchool],
        queue: asyncio.Queue[_Visited],
        visits: set[asyncio.Task[None]],
    ) -> None:
        """Start each school's visit once it has a place in flight, in plan order.

        A task per school of the plan, made up front, cost about 2 kB per school while it
        waited for its place (its coroutine, its waiter in the semaphore): memory that grew with
        the plan. Now at most ``schools_in_flight`` visits exist at once.
        """
        for school in plan:
            await self._budget.start()
            task = asyncio.create_task(self._visit_school(school, queue))
            visits.add(task)
            task.add_done_callback(visits.discard)

    async def _visit_school(self, school: PlannedSchool, queue: asyncio.Queue[_Visited]) -> None:
        queued = False
        try:
            loop = asyncio.get_running_loop()
            started = loop.time()
            outcomes: dict[str, UrlOutcome] | Exception
            try:
                results = await asyncio.gather(*(self._outcome(url) for url in school.urls))
                outcomes = dict(zip(school.urls, results, strict=True))
                # Only ``outcomes`` may keep the pages, until they are read: a school that then
                # waits for room in the recorder's queue held them here, through this frame.
                del results
            except Exception as exc:  # a defect, not the web: the fetcher never raises for it
                log.exception("visiting %s failed", school.slug)
                outcomes = exc
            if self._read is not None and isinstance(outcomes, dict):
                # Pages read as they were fetched took their places in the budget then.
                read = all(o.read is not None for o in outcomes.values())
                with contextlib.nullcontext() if read else self._budget.reading():
                    await self._read(school, outcomes)
                outcomes = {url: self._read_out(url, o) for url, o in outcomes.items()}
            self._progress.advance(len(school.links))
            await queue.put((school, outcomes, loop.time() - started))
            queued = True
        finally:
            # A school queued keeps its place until it is recorded (:meth:`run`): a place given
            # back as it was queued let new schools start while the recorder fell behind, and
            # every school waiting for it held its outcomes (decision 0366).
            if not queued:
                self._budget.end()

    async def run(
        self,
        plan: list[PlannedSchool],
        record: Recorder,
        *,
        stop: asyncio.Event | None = None,
        done: Callable[[SchoolReport], None] | None = None,
    ) -> int:
        """Visit every school of ``plan``; ``record`` each as soon as its links are visited.

        Each school's report goes to ``done`` once it is recorded (a run folds it into its
        totals, :class:`scrapers.sync.tally.RunTally`); the visit keeps none. Returns how many
        schools were recorded. Once ``stop`` is set, the school being recorded is finished and
        no other is: visits still in flight are abandoned (nothing of them is written).
        """
        self._progress.start(sum(len(school.links) for school in plan))
        self._waiting = Counter(url for school in plan for url in school.urls)
        self._hosts_waiting = Counter(host for school in plan for host in _hosts(school))
        queue: asyncio.Queue[_Visited] = asyncio.Queue(maxsize=self._queue_size)
        visits: set[asyncio.Task[None]] = set()
        starting = asyncio.create_task(self._start_visits(plan, queue, visits))
        recorded = 0
        try:
            for _ in plan:
                visited = await _next_visited(queue, stop)
                if visited is None:
                    break
                school, outcomes, seconds = visited
                report = SchoolReport(school.slug, school.name, len(school.links), seconds=seconds)
                try:
                    if isinstance(outcomes, dict):
                        count_verdicts(report, school, outcomes)
                        await record_whole(record(school, outcomes, report))
                    else:
                        report.error = f"visit failed: {outcomes}"
                        await record_whole(record(school, None, report))
                finally:
                    self._budget.end()
                del outcomes, visited
                self._release(school)
                recorded += 1
                if done is not None:
                    done(report)
        finally:
            starting.cancel()
            abandoned = (starting, *visits, *self._urls.values())
            for task in abandoned:
                task.cancel()
            await asyncio.gather(*abandoned, return_exceptions=True)
            # Schools queued and never recorded (a stop, a lost lock) give their places back: a
            # worker's budget outlives its partitions.
            while not queue.empty():
                queue.get_nowait()
                self._budget.end()
        return recorded
