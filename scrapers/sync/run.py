"""One sync run, from the lock to the closed run record.

1. Load the plan (active links per school); unknown slugs are a user error.
2. Take the run lock (:mod:`.lock`); close the records of runs that were killed.
3. Open a run record, visit every school (:mod:`.visit`), and as each school's links are
   visited: read its pages with the school handler (:mod:`.handler`; by default extraction,
   :mod:`.school_facts`), then record its link health (:mod:`.health`) and apply its pages
   (reconciliation) in one transaction of its own.
4. Close the run record (and move the data version once if the run changed anything, decision
   0125): OK, PARTIAL (deferred links or schools not recorded), DEGRADED (too
   few partner sites reached) or FAILED (nothing recorded, no site reached), with the links per
   status, the links reached, what was done to the facts and the fetcher's statistics
   (:mod:`.reach`, :mod:`scrapers.fetch.stats`).

A school whose transaction fails is reported and rolled back alone. ``dry_run`` visits, reads
and applies each school in a transaction that is rolled back, so it reports what would change;
it takes no lock and writes nothing.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from scrapers.fetch import Fetcher
from scrapers.reconcile import load_partner_sites
from scrapers.sync.conditional import load_request_state
from scrapers.sync.events import announce_sync_run, last_change_id
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope, SchoolHandler
from scrapers.sync.health import KnownUrl, UrlOutcome, record_school
from scrapers.sync.lock import LEASE_LOST, RunLock, hold_run_lock
from scrapers.sync.page_reader import extraction_processes, open_page_reader
from scrapers.sync.plan import NO_LINKS, PlannedSchool, distinct_links, load_plan, unlinked
from scrapers.sync.reach import Reach
from scrapers.sync.runs import INTERRUPTED, close_interrupted_runs, close_run, open_run
from scrapers.sync.school_facts import SchoolFactsReader
from scrapers.sync.tally import RunTally
from scrapers.sync.visit import (
    NoProgress,
    Progress,
    ReadFetched,
    Recorder,
    SchoolBudget,
    SchoolLine,
    SchoolReport,
    Visit,
)
from service.config import Settings
from service.db import (
    SYNCED_TABLES,
    DeferredVersion,
    LinkStatus,
    SyncRunStatus,
    analyze_tables,
    bump_data_version,
    bump_deferred_version,
    create_sessionmaker,
    deferred_version_info,
    intend_writes,
)

log = logging.getLogger(__name__)

_T = TypeVar("_T")

#: Schools visited at once per global request slot (see ``run_sync``).
SCHOOLS_PER_SLOT = 32
#: What may wait to be read, per extraction process (:class:`~scrapers.sync.visit.SchoolBudget`,
#: decision 0307): pages read one by one as they are fetched (the default handler; 32 is decision
#: 0307's 8 schools of four pages), from their request to their extraction, beyond which no page
#: is asked for (the fetcher waits for a place in the window, decision 0400) and no new school
#: starts; or schools, for a handler that reads a school whole, beyond which no new school starts.
READ_AHEAD_PER_PROCESS = 32


def school_budget(fetcher: Fetcher, settings: Settings) -> SchoolBudget:
    """The schools one process visits at once, and those it lets wait for extraction.

    A school spends most of its visit waiting for its host's delay, so it takes many schools in
    flight to keep every global slot busy; the window keeps the pages fetched and not yet read
    to ``reading`` however slow extraction is, and the schools fetched but not recorded are at
    most ``in_flight`` (decisions 0366, 0400).
    """
    return SchoolBudget(
        fetcher.policy.concurrency * SCHOOLS_PER_SLOT,
        reading=READ_AHEAD_PER_PROCESS * max(1, extraction_processes(settings)),
    )


#: Told about each school once the run is done with it (recorded or not).
SchoolDone = Callable[[PlannedSchool, SchoolReport], Awaitable[None]]

#: Last statements of a school's transaction (a partition's fence, :mod:`.partitioned`): the
#: school, its report, and the findings its links raised.
SchoolFence = Callable[[AsyncSession, PlannedSchool, SchoolReport, int], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class PlanUrls:
    #: Every URL of the plan, and those of several schools (written once, by the first).
    every: set[str]
    shared: set[str]


def plan_urls(plan: Sequence[PlannedSchool]) -> PlanUrls:
    """The plan's URLs, and those that several of its schools share."""
    uses = Counter(url for school in plan for url in school.urls)
    return PlanUrls(set(uses), {url for url, schools in uses.items() if schools > 1})


def stopped_error(done: int, total: int) -> str:
    """The run record's error when a stop request ended the run between two schools."""
    return f"interrupted: stopped on request after {done} of {total} schools"


@dataclass(slots=True)
class SyncReport:
    """What a run did, for the summary table and the exit code."""

    status: SyncRunStatus
    #: The run's totals and a line per school of the plan (:mod:`.tally`).
    tally: RunTally
    run_id: int | None = None
    dry_run: bool = False
    error: str | None = None
    seconds: float = 0.0
    #: A stop request ended the run before every school of the plan was recorded.
    stopped: bool = False
    #: Distinct links of the plan (a link shared by several schools once).
    links_total: int = 0
    #: What the fetcher did, and the run's ``duration_seconds`` (:mod:`scrapers.fetch.stats`).
    stats: dict[str, object] = field(default_factory=dict)

    @property
    def schools(self) -> list[SchoolLine]:
        """Every school of the plan, visited or skipped, by slug."""
        return self.tally.sorted_lines()

    @property
    def counts(self) -> Counter[LinkStatus]:
        """Links per status, a link shared by several schools counted once."""
        return self.tally.counts

    @property
    def reach(self) -> Reach:
        return self.tally.reach

    @property
    def links_checked(self) -> int:
        return self.tally.links_checked

    @property
    def links_reached(self) -> int:
        return self.tally.links_reached

    @property
    def facts(self) -> FactCounts:
        """What the run did (or, dry, would do) to the facts of the schools it recorded."""
        return self.tally.facts

    @property
    def findings(self) -> int:
        """Findings raised about the schools it recorded (their links and their pages)."""
        return self.tally.findings

    def facts_record(self) -> dict[str, int]:
        """What the run record keeps: the facts changed, confirmed, marked stale; findings."""
        return self.facts.as_record() | {"findings": self.findings}


class _LeaseLostError(Exception):
    """The run lock is gone (lease taken over, lock connection dropped): the run stops."""


class _Recorder:
    """Reads each visited school's pages, then writes it in its own transaction.

    Without a run (``run_id`` None: a dry run) the school's pages are applied in a transaction
    that is rolled back, and nothing else is written.
    """

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        run_id: int | None,
        handler: SchoolHandler,
        dead_after: int,
        scope: RunScope,
        lock: RunLock | None = None,
        fence: SchoolFence | None = None,
        shared_urls: Collection[str] = (),
    ) -> None:
        self._sessions = sessions
        self._scope = scope
        self._lock = lock
        self._fence = fence
        self._run_id = run_id
        self._handler = handler
        self._dead_after = dead_after
        #: Schools whose pages were read ahead (:meth:`read_ahead`): the step, or why not.
        self._read_ahead: dict[int, ApplySchool | str] = {}
        #: URLs of several schools of the plan (``shared_urls``) and programme links: those
        #: whose state, and check, are already committed in this run. A URL or a link of one
        #: school only is written with it, once: it need not be remembered.
        self._shared_urls = shared_urls
        self._recorded_urls: set[str] = set()
        self._recorded_links: set[int] = set()

    async def __call__(
        self,
        school: PlannedSchool,
        outcomes: Mapping[str, UrlOutcome] | None,
        report: SchoolReport,
    ) -> None:
        if outcomes is None:
            return
        apply = await self._read(school, outcomes, report)
        if self._run_id is None:
            if apply is not None:
                await self._dry_apply(school, apply, report)
            return
        try:
            async with self._sessions() as session, session.begin():
                # No school transaction without the lock, read in this transaction first: a run
                # that lost it stops here, between schools, and this school's writes roll back.
                if self._lock is not None and not await self._lock.held_in(session):
                    raise _LeaseLostError
                link_findings = await record_school(
                    session,
                    run_id=self._run_id,
                    school=school,
                    outcomes=outcomes,
                    update_urls=[u for u in school.urls if u not in self._recorded_urls],
                    dead_after=self._dead_after,
                    recorded_links=self._recorded_links,
                )
                if apply is not None:
                    await self._apply(session, school, apply, report)
                if self._fence is not None:
                    facts = report.facts.findings if report.facts else 0
                    await self._fence(session, school, report, link_findings + facts)
        except _LeaseLostError:
            raise
        except Exception as exc:  # this school only: the others are recorded regardless
            log.exception("recording %s failed", school.slug)
            report.error = f"not recorded: {type(exc).__name__}: {exc}"
            report.facts = None
            return
        report.recorded = True
        report.findings = link_findings + (report.facts.findings if report.facts else 0)
        self._recorded_urls.update(url for url in school.urls if url in self._shared_urls)
        self._recorded_links.update(link.id for link in school.links if link.is_shared)

    @property
    def read_page(self) -> ReadFetched | None:
        """Reads each URL as soon as it is fetched, when the handler can (the default one)."""
        if isinstance(self._handler, SchoolFactsReader):
            return self._handler.read_page
        return None

    async def read_ahead(self, school: PlannedSchool, outcomes: Mapping[str, UrlOutcome]) -> None:
        """Read the school's pages now, for when it is recorded (a :data:`ReadAhead`)."""
        self._read_ahead[school.id] = await self._read_pages(school, outcomes)

    async def _read(
        self, school: PlannedSchool, outcomes: Mapping[str, UrlOutcome], report: SchoolReport
    ) -> ApplySchool | None:
        read = self._read_ahead.pop(school.id, None)
        if read is None:
            read = await self._read_pages(school, outcomes)
        if isinstance(read, str):
            report.error = read
            return None
        return read

    async def _read_pages(
        self, school: PlannedSchool, outcomes: Mapping[str, UrlOutcome]
    ) -> ApplySchool | str:
        handler = self._handler
        try:
            if isinstance(handler, SchoolFactsReader):
                # Read as they were fetched (a URL whose reading raised then is read again).
                read = [
                    outcome.read
                    if outcome.read is not None
                    else await handler.read_page(outcome.result)
                    for outcome in (outcomes[url] for url in school.urls)
                ]
                return handler.apply_read(school, read)
            return await handler(school, {url: o.result for url, o in outcomes.items()})
        except Exception as exc:  # a defect in reading: the link health is recorded regardless
            log.exception("reading the pages of %s failed", school.slug)
            return f"pages not read: {type(exc).__name__}: {exc}"

    async def _apply(
        self, session: AsyncSession, school: PlannedSchool, apply: ApplySchool, report: SchoolReport
    ) -> None:
        try:
            async with session.begin_nested():
                report.facts = await apply(session, self._scope)
        except Exception as exc:  # rolled back to the savepoint: the link health stays
            log.exception("applying the pages of %s failed", school.slug)
            report.error = f"pages not applied: {type(exc).__name__}: {exc}"

    async def _dry_apply(
        self, school: PlannedSchool, apply: ApplySchool, report: SchoolReport
    ) -> None:
        async with self._sessions() as session:
            try:
                report.facts = await apply(session, self._scope)
                report.findings = report.facts.findings
            except Exception as exc:
                log.exception("applying the pages of %s failed", school.slug)
                report.error = f"pages not applied: {type(exc).__name__}: {exc}"
            finally:
                await session.rollback()


def _then(record: Recorder, on_school: SchoolDone) -> Recorder:
    """``record``, then ``on_school`` with the school's report."""

    async def record_then(
        school: PlannedSchool, outcomes: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        await record(school, outcomes, report)
        await on_school(school, report)

    return record_then


async def _until_lost(lock: RunLock, work: asyncio.Task[_T]) -> _T:
    """``work``'s result, unless the lock is lost first: then the work is cancelled (between
    two school transactions, :func:`~scrapers.sync.visit.record_whole`) and
    :class:`_LeaseLostError` raised. The work is always awaited to its end, its outcome
    retrieved, also when this wait is itself cancelled."""
    lost = asyncio.create_task(lock.lost.wait())
    try:
        await asyncio.wait({work, lost}, return_when=asyncio.FIRST_COMPLETED)
    except BaseException:
        await _cancel_and_wait(work)
        raise
    finally:
        lost.cancel()
    if work.done():
        return work.result()
    await _cancel_and_wait(work)
    raise _LeaseLostError


async def _cancel_and_wait(work: asyncio.Task[_T]) -> None:
    """Cancel ``work`` and wait until it has ended; whatever it ended with is retrieved (a
    visit stopped by a lost lock may end with the lost lock's own error)."""
    work.cancel()
    await asyncio.gather(work, return_exceptions=True)


async def run_sync(
    engine: AsyncEngine,
    fetcher: Fetcher,
    *,
    settings: Settings,
    slugs: Sequence[str] = (),
    dry_run: bool = False,
    refetch: bool = False,
    handler: SchoolHandler | None = None,
    progress: Progress | None = None,
    exclude: Collection[str] = (),
    stop: asyncio.Event | None = None,
    on_school: SchoolDone | None = None,
) -> SyncReport:
    """Run one sync with ``fetcher`` (already entered) over the database behind ``engine``.

    ``handler`` reads and applies each school's pages (by default extraction, in a pool of
    ``SYNC_EXTRACT_PROCESSES`` processes for the run, and reconciliation;
    :func:`scrapers.sync.handler.check_links_only` only checks links). ``refetch`` reads every
    page in full instead of asking whether it changed (:mod:`.conditional`).
    ``exclude`` leaves schools (slugs) out of the plan (the scheduler's backed-off schools).
    Once ``stop`` is set, the school being recorded is finished and the run ends there, recorded
    as FAILED with :func:`stopped_error` and ``report.stopped`` set. ``on_school`` is awaited
    after each school is recorded (or failed to be), outside its transaction.
    """
    if handler is None:
        async with open_page_reader(extraction_processes(settings)) as pages:
            return await run_sync(
                engine,
                fetcher,
                settings=settings,
                slugs=slugs,
                dry_run=dry_run,
                refetch=refetch,
                handler=SchoolFactsReader(pages),
                progress=progress,
                exclude=exclude,
                stop=stop,
                on_school=on_school,
            )
    loop = asyncio.get_running_loop()
    started = loop.time()
    # Each school's transaction reads before it writes while the run's lease is renewed on
    # SQLite: it takes the write lock as it begins, rather than fail at its first write.
    sessions = create_sessionmaker(intend_writes(engine))
    # One run, one data version move at most: its transactions note their changes, and the
    # run's closing transaction moves the version once if any did (decision 0125).
    deferred = DeferredVersion()
    sessions.configure(info=deferred_version_info(deferred))
    async with sessions() as session:
        plan = await load_plan(session, slugs)
        # What every school's reconciliation needs of the others, read once for the run.
        scope = RunScope(partner_sites=await load_partner_sites(session))
    if exclude:
        plan = [school for school in plan if school.slug not in exclude]
    # A partner with no link is not visited, but it is in the run's table and record.
    plan, unvisited = unlinked(plan)
    skipped = [SchoolLine(s.slug, s.name, 0, skipped=NO_LINKS) for s in unvisited]
    del unvisited

    def new_tally(*, dry: bool = False) -> RunTally:
        tally = RunTally(dry_run=dry)
        for line in skipped:
            tally.skip(line)
        return tally

    def visit(known: Mapping[str, KnownUrl], recorder: _Recorder) -> Visit:
        return Visit(
            fetcher,
            known,
            progress=progress or NoProgress(),
            schools_in_flight=school_budget(fetcher, settings),
            read=recorder.read_ahead,
            read_page=recorder.read_page,
        )

    urls = plan_urls(plan)
    shared = urls.shared
    links_total = distinct_links(plan)
    if dry_run:
        async with sessions() as session:
            known = await load_request_state(session, urls.every, refetch=refetch)
        del urls
        dry = _Recorder(
            sessions, None, handler, settings.sync.dead_link_runs, scope, shared_urls=shared
        )
        tally = new_tally(dry=True)
        await visit(known, dry).run(plan, dry, done=tally.add)
        dry_status, reason = tally.reach.judge(tally.verdict())
        report = SyncReport(dry_status, tally, dry_run=True, error=reason)
        report.links_total = links_total
        report.seconds = loop.time() - started
        report.stats = _stats(fetcher, report.seconds)
        return report

    # On PostgreSQL, host partitions claimed by procrastinate workers (decision 0130), each of
    # which reads its own URLs' state: the run's whole map, unused, was held to its end (20,000
    # URLs with validators at 5,000 sites).
    partitioned = engine.dialect.name == "postgresql"
    async with hold_run_lock(
        engine, settings.sync.lease_ttl, check_seconds=settings.sync.lock_check_seconds
    ) as lock:
        async with sessions() as session, session.begin():
            if await close_interrupted_runs(session):
                # A killed run never moved the version for what it committed.
                await bump_data_version(session)
            known = (
                {}
                if partitioned
                else await load_request_state(session, urls.every, refetch=refetch)
            )
            run = await open_run(session, schools=slugs, runner=lock.holder)
            changes_before = await last_change_id(session)
        del urls
        run_id = run.id
        school_recorder = _Recorder(
            sessions,
            run_id,
            handler,
            settings.sync.dead_link_runs,
            scope,
            lock,
            shared_urls=shared,
        )
        recorder: Recorder = school_recorder
        if on_school is not None:
            recorder = _then(recorder, on_school)
        error: str | None = None
        stopped = False
        tally = new_tally()
        try:
            if partitioned:
                from scrapers.sync.partitioned import visit_partitions

                visiting = visit_partitions(
                    engine,
                    fetcher,
                    settings=settings,
                    plan=plan,
                    run_id=run_id,
                    handler=handler,
                    refetch=refetch,
                    progress=progress or NoProgress(),
                    stop=stop,
                    on_school=on_school,
                    run_lock=lock,
                    deferred=deferred,
                    done=tally.add,
                    scope=scope,
                )
                await _until_lost(lock, asyncio.create_task(visiting))
            else:
                visiting_here = visit(known, school_recorder).run(
                    plan, recorder, stop=stop, done=tally.add
                )
                await _until_lost(lock, asyncio.create_task(visiting_here))
            status, error = tally.reach.judge(tally.verdict())
            # Only a stop request ends a visit before the end of the plan.
            if stopped := tally.schools < len(plan):
                status, error = SyncRunStatus.FAILED, stopped_error(tally.schools, len(plan))
        except _LeaseLostError:
            tally, status, error = new_tally(), SyncRunStatus.ABORTED, lock.reason or LEASE_LOST
        except BaseException:
            # Interrupted (Ctrl-C, a defect): what was committed stays; the record says so.
            async with sessions() as session, session.begin():
                await close_run(
                    session,
                    run_id,
                    status=SyncRunStatus.FAILED,
                    links_total=links_total,
                    links_checked=0,
                    counts={},
                    errors={},
                    error=INTERRUPTED,
                    stats=_stats(fetcher, loop.time() - started),
                )
                await bump_deferred_version(session, deferred)
                await announce_sync_run(
                    session, settings.webhook.urls, run_id, changes_after=changes_before
                )
            raise
        report = SyncReport(status, tally, run_id=run_id, error=error)
        report.stopped = stopped
        report.links_total = links_total
        report.stats = _stats(fetcher, loop.time() - started)
        async with sessions() as session, session.begin():
            await close_run(
                session,
                run_id,
                status=status,
                links_total=report.links_total,
                links_checked=report.links_checked,
                links_reached=report.links_reached,
                stats=report.stats,
                counts={status.value: n for status, n in report.counts.items()},
                errors=tally.errors,
                skipped={line.slug: line.skipped for line in skipped if line.skipped},
                facts=report.facts_record(),
                error=error,
            )
            await bump_deferred_version(session, deferred)
            await announce_sync_run(
                session, settings.webhook.urls, run_id, changes_after=changes_before
            )
        async with sessions() as session:
            await analyze_tables(session, SYNCED_TABLES)
    report.seconds = loop.time() - started
    if status is not SyncRunStatus.OK:
        log.warning("sync run %s: %s%s", run_id, status.value, f": {error}" if error else "")
    return report


def _stats(fetcher: Fetcher, seconds: float) -> dict[str, object]:
    return fetcher.stats.as_record() | {"duration_seconds": round(seconds, 1)}
