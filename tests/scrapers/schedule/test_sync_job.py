"""The scheduler's sync: back-off of failing schools, stopping between schools, the shared lock."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.fetch import Fetcher, MappingResolver
from scrapers.schedule.jobs import JobContext, QueuedRequest
from scrapers.schedule.sync_job import SyncJob, outcome_status
from scrapers.sync.lock import hold_run_lock
from scrapers.sync.run import SyncReport
from scrapers.sync.tally import RunTally
from service.config import Settings
from service.db.models import JobKind, LinkCheck, RunStatus, SyncRun, SyncRunStatus
from service.operations.school_backoff import list_school_backoffs
from tests.databases import TestDatabase
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import hang_after_headers, healthy_html
from tests.scrapers.fixture_server import FixtureServer, Page
from tests.scrapers.schedule.fake_clock import FakeClock
from tests.scrapers.schedule.partners import (
    AALTO,
    ENSIIE,
    count,
    import_partners,
    job_settings,
    loopback_fetcher,
    serve_partner_sites,
)

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)


def _context(*schools: str, requested: bool = False) -> JobContext:
    request = QueuedRequest(7, JobKind.SYNC, schools, None, "token:abc") if requested else None
    return JobContext(JobKind.SYNC, MONDAY, asyncio.Event(), request)


def _job(db: TestDatabase, clock: FakeClock) -> SyncJob:
    settings = job_settings(
        db,
        school_backoff_after_failures=2,
        school_backoff_base_seconds=3600,
        school_backoff_cap_seconds=7200,
    )
    return SyncJob(db.engine, settings, clock=clock, open_fetcher=loopback_fetcher)


async def _backoffs(sessions: Sessions) -> list[tuple[str, int, datetime, str | None]]:
    async with sessions() as session:
        return [
            (slug, row.consecutive_failures, row.next_attempt_at, row.last_error)
            for slug, row in await list_school_backoffs(session)
        ]


async def test_a_failing_school_is_left_out_of_scheduled_syncs_but_synced_on_request(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    urls = serve_partner_sites(web)
    await import_partners(sessions, urls)
    web.site("ensiie.test").route("/venir/", Page(b"<p>moved</p>", status=404))
    clock = FakeClock(MONDAY)
    job = _job(scratch_database, clock)
    unreachable = "no link could be reached (BROKEN 1)"

    first = await job(_context())
    assert first.summary == f"run {first.run_id}: OK, 2 of 2 links checked"
    assert await _backoffs(sessions) == [(ENSIIE, 1, MONDAY, unreachable)]
    clock.advance(timedelta(minutes=10))
    await job(_context())
    backed_off_until = MONDAY + timedelta(minutes=10) + HOUR
    assert await _backoffs(sessions) == [(ENSIIE, 2, backed_off_until, unreachable)]

    clock.advance(timedelta(minutes=10))
    scheduled = await job(_context())
    assert (scheduled.status, scheduled.summary) == (
        RunStatus.SUCCEEDED,
        f"run {scheduled.run_id}: OK, 1 of 1 links checked; backed off: {ENSIIE}",
    )
    assert len(web.requests_for("ensiie.test", "/venir/")) == 2

    requested = await job(_context(ENSIIE, requested=True))
    assert requested.summary == f"run {requested.run_id}: OK, 1 of 1 links checked"
    assert len(web.requests_for("ensiie.test", "/venir/")) == 3
    # A third failure in a row doubles the delay (capped at two hours).
    assert await _backoffs(sessions) == [(ENSIIE, 3, clock.now() + 2 * HOUR, unreachable)]

    web.site("ensiie.test").page("/venir/", healthy_html("ENSIIE"))
    clock.advance(2 * HOUR)
    recovered = await job(_context())
    assert recovered.summary == f"run {recovered.run_id}: OK, 2 of 2 links checked"
    assert await _backoffs(sessions) == []
    async with sessions() as session:
        runs = list(await session.scalars(select(SyncRun).order_by(SyncRun.id)))
    assert [(run.id, run.schools) for run in runs] == [
        (first.run_id, []),
        (runs[1].id, []),
        (scheduled.run_id, []),
        (requested.run_id, [ENSIIE]),
        (recovered.run_id, []),
    ]
    assert len(web.requests_for("aalto.test", "/en")) == 4  # every run but the requested one


async def test_a_stop_finishes_the_school_in_flight_and_records_the_run_interrupted(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    urls = serve_partner_sites(web)
    await import_partners(sessions, urls)
    web.site("ensiie.test").route("/venir/", hang_after_headers)
    patient = replace(LOOPBACK_POLICY, page_timeout=120.0)
    job = SyncJob(
        scratch_database.engine,
        job_settings(scratch_database),
        clock=FakeClock(MONDAY),
        open_fetcher=lambda: loopback_fetcher(patient),
    )
    context = _context()
    running = asyncio.create_task(job(context))
    async with asyncio.timeout(60):  # a safety net against a hung run, not a measurement
        while True:
            async with sessions() as session:
                if await count(session, LinkCheck) == 1:
                    break
            await asyncio.sleep(0.02)
        context.stop.set()  # Aalto is recorded, ENSIIE's page hangs: SIGTERM arrives now
        outcome = await running
    error = "interrupted: stopped on request after 1 of 2 schools"
    assert (outcome.status, outcome.summary) == (
        RunStatus.INTERRUPTED,
        f"run {outcome.run_id}: {error} (1 link checked)",
    )
    async with sessions() as session:
        run = await session.get_one(SyncRun, outcome.run_id)
        checked = list(await session.scalars(select(LinkCheck.url)))
    assert (run.status, run.error, run.links_total, run.links_checked) == (
        SyncRunStatus.FAILED,
        error,
        2,
        1,
    )
    assert run.finished_at is not None
    assert checked == [urls[AALTO]]
    assert await _backoffs(sessions) == []  # an abandoned visit is not a failure of the school
    async with hold_run_lock(scratch_database.engine, 30):
        pass  # the lock is free


async def test_a_sync_started_by_hand_makes_the_job_skip(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    await import_partners(sessions, serve_partner_sites(web))
    job = _job(scratch_database, FakeClock(MONDAY))
    async with hold_run_lock(scratch_database.engine, 30):
        outcome = await job(_context())
    assert outcome.status is RunStatus.SKIPPED
    assert outcome.summary.startswith("a sync run is already in progress")
    assert web.requests == []
    async with sessions() as session:
        assert await count(session, SyncRun) == 0


async def test_a_request_for_an_unknown_school_fails_with_the_reason(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    await import_partners(sessions, serve_partner_sites(web))
    outcome = await _job(scratch_database, FakeClock(MONDAY))(_context("nowhere", requested=True))
    assert (outcome.status, outcome.summary) == (
        RunStatus.FAILED,
        "no school with the slug 'nowhere'",
    )


async def test_a_run_that_reaches_no_site_fails_and_backs_off_no_school(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    urls = serve_partner_sites(web)
    await import_partners(sessions, urls)
    settings = job_settings(scratch_database, school_backoff_after_failures=1)
    # This machine is offline: no name resolves.
    offline = SyncJob(
        scratch_database.engine,
        settings,
        clock=FakeClock(MONDAY),
        open_fetcher=lambda: Fetcher(LOOPBACK_POLICY, resolver=MappingResolver({})),
    )

    outcome = await offline(_context())

    assert outcome.status is RunStatus.FAILED
    assert outcome.summary == (
        f"run {outcome.run_id}: FAILED, 2 of 2 links checked; 0 of 2 partner sites reached: "
        f"is this machine online? first error: {urls[AALTO]}: aalto.test does not resolve: "
        "no such host"
    )
    assert await _backoffs(sessions) == []
    # Online again, a school that fails is backed off as before.
    web.site("ensiie.test").route("/venir/", Page(b"", status=404))
    await _online_job(scratch_database, settings)(_context())
    assert [slug for slug, *_ in await _backoffs(sessions)] == [ENSIIE]


def _online_job(db: TestDatabase, settings: Settings) -> SyncJob:
    return SyncJob(db.engine, settings, clock=FakeClock(MONDAY), open_fetcher=loopback_fetcher)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (SyncRunStatus.OK, RunStatus.SUCCEEDED),
        (SyncRunStatus.PARTIAL, RunStatus.SUCCEEDED),
        (SyncRunStatus.DEGRADED, RunStatus.FAILED),
        (SyncRunStatus.FAILED, RunStatus.FAILED),
        (SyncRunStatus.ABORTED, RunStatus.FAILED),
    ],
)
def test_only_a_run_that_reached_enough_sites_is_a_successful_job(
    status: SyncRunStatus, outcome: RunStatus
) -> None:
    assert outcome_status(SyncReport(status=status, tally=RunTally())) is outcome
