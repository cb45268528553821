"""The scheduler as ``mobility schedule`` assembles it, on a clock the test moves: the real FAQ
import and sync fire on time, queued requests run once, the lock is shared, webhooks go out."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.schedule.assemble import assemble_scheduler
from scrapers.sync.lock import hold_run_lock
from scrapers.webhooks.signature import SIGNATURE_HEADER
from service.config import Settings
from service.db.models import (
    DeliveryStatus,
    FaqRevision,
    JobKind,
    JobRequest,
    JobStatus,
    LinkCheck,
    RunStatus,
    SyncRun,
    WebhookDelivery,
)
from service.db.types import utcnow
from service.operations.job_queue import enqueue_job
from service.operations.scheduler_state import read_scheduler_states
from tests.databases import TestDatabase
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.schedule.fake_clock import StoppingClock
from tests.scrapers.schedule.partners import (
    ENSIIE,
    SECRET,
    import_partners,
    job_settings,
    loopback_fetcher,
    record_an_earlier_sync,
    serve_partner_sites,
    write_partner_page,
)
from tests.scrapers.webhooks.receiver import Receiver, running_receiver

Sessions = async_sessionmaker[AsyncSession]
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def _run(db: TestDatabase, settings: Settings, clock: StoppingClock) -> None:
    async with assemble_scheduler(
        settings, db.engine, clock=clock, worker="test-scheduler", open_fetcher=loopback_fetcher
    ) as scheduler:
        await scheduler.run()


async def test_the_faq_import_and_the_sync_fire_on_their_cron_times(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    urls = serve_partner_sites(web)
    page = write_partner_page(tmp_path, urls)
    settings = job_settings(scratch_database, faq_source=str(page), scheduler_poll_seconds=3600)
    await record_an_earlier_sync(sessions)
    # From Monday midnight to Tuesday 03:30: the import at once (the catalogue was never
    # imported), then at 03:00 both days; the sync on Monday 04:00.
    await _run(scratch_database, settings, StoppingClock(MONDAY, until=_at(3, 3, 30)))

    async with sessions() as session:
        states = {state.job: state for state in await read_scheduler_states(session)}
        runs = list(await session.scalars(select(SyncRun)))
        revisions = list(await session.scalars(select(FaqRevision.imported_at)))
        checks = list(await session.scalars(select(LinkCheck.url).order_by(LinkCheck.url)))
    faq, sync = states["import_faq"], states["sync"]
    assert (faq.last_started_at, faq.last_status, faq.next_run_at) == (
        _at(3, 3),
        RunStatus.SUCCEEDED,
        _at(4, 3),
    )
    assert faq.last_summary is not None
    assert faq.last_summary.endswith(
        "unchanged; changes: none, the catalogue already matches this page"
    )
    assert revisions == [MONDAY]  # imported at start, unchanged at 03:00 on Monday and Tuesday
    _, run = runs
    assert (sync.last_started_at, sync.last_status, sync.last_summary, sync.next_run_at) == (
        _at(2, 4),
        RunStatus.SUCCEEDED,
        f"run {run.id}: OK, 2 of 2 links checked",
        _at(9, 4),
    )
    assert checks == sorted(urls.values())


async def test_a_queued_sync_request_runs_once_and_names_its_run(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    await import_partners(sessions, serve_partner_sites(web))
    await record_an_earlier_sync(sessions)
    async with sessions() as session:
        queued = await enqueue_job(
            session, kind=JobKind.SYNC, requested_by="token:abc", schools=[ENSIIE]
        )
        await session.commit()
    # Ten polls; the scheduled runs are planned for later.
    clock = StoppingClock(MONDAY, until=MONDAY + timedelta(seconds=100))
    await _run(scratch_database, job_settings(scratch_database), clock)

    async with sessions() as session:
        request = await session.get_one(JobRequest, queued.request.id)
        runs = list(await session.scalars(select(SyncRun).order_by(SyncRun.id)))
        checks = list(await session.scalars(select(LinkCheck.url)))
    _, run = runs
    assert (request.status, request.run_id, request.claimed_by, request.result) == (
        JobStatus.DONE,
        run.id,
        "test-scheduler",
        f"run {run.id}: OK, 1 of 1 links checked",
    )
    assert run.schools == [ENSIIE]
    assert len(checks) == 1
    assert len(web.requests_for("ensiie.test", "/venir/")) == 1
    assert web.requests_for("aalto.test") == []


async def test_a_sync_started_by_hand_delays_the_scheduled_sync_until_it_ends(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer
) -> None:
    await import_partners(sessions, serve_partner_sites(web))
    async with sessions() as session:
        queued = await enqueue_job(session, kind=JobKind.SYNC, requested_by="token:abc")
        await session.commit()
    settings = job_settings(scratch_database, scheduler_poll_seconds=60)
    async with hold_run_lock(scratch_database.engine, 30):  # `mobility sync` is running
        await _run(scratch_database, settings, StoppingClock(_at(2, 3, 59), until=_at(2, 4, 5)))
    async with sessions() as session:
        (state,) = [s for s in await read_scheduler_states(session) if s.job == "sync"]
        request = await session.get_one(JobRequest, queued.request.id)
        runs = list(await session.scalars(select(SyncRun)))
    assert runs == []
    assert state.last_status is RunStatus.SKIPPED
    assert state.last_summary is not None
    assert state.last_summary.startswith("a sync run is already in progress")
    # Tried again every minute while the lock was taken: 04:00, then 04:01 … 04:05.
    assert (state.last_started_at, state.next_run_at) == (_at(2, 4, 5), _at(2, 4, 6))
    assert request.status is JobStatus.QUEUED
    assert request.result is not None
    assert request.result.startswith("skipped: a sync run is already in progress")

    # The manual sync is over; a restart runs the skipped sync at once, then the request.
    await _run(scratch_database, settings, StoppingClock(_at(2, 4, 10), until=_at(2, 4, 11)))
    async with sessions() as session:
        (state,) = [s for s in await read_scheduler_states(session) if s.job == "sync"]
        request = await session.get_one(JobRequest, queued.request.id)
        runs = list(await session.scalars(select(SyncRun).order_by(SyncRun.id)))
    assert [run.schools for run in runs] == [[], []]
    assert (state.last_started_at, state.last_status, state.next_run_at) == (
        _at(2, 4, 10),
        RunStatus.SUCCEEDED,
        _at(9, 4),
    )
    assert (request.status, request.run_id) == (JobStatus.DONE, runs[1].id)


async def test_imports_and_syncs_are_announced_to_a_receiver_that_checks_signatures(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    page = write_partner_page(tmp_path, serve_partner_sites(web))
    with running_receiver(Receiver(SECRET.encode(), statuses=[200])) as receiver:
        settings = job_settings(
            scratch_database,
            faq_source=str(page),
            webhook_urls=[receiver.url],
            webhook_secret=SecretStr(SECRET),
        )
        await record_an_earlier_sync(sessions)
        async with sessions() as session:
            for kind in (JobKind.IMPORT_FAQ, JobKind.SYNC):
                await enqueue_job(session, kind=kind, requested_by="token:abc")
            await session.commit()
        # Real time (the receiver refuses signatures older than five minutes), moved by polls.
        start = utcnow()
        await _run(scratch_database, settings, StoppingClock(start, start + timedelta(seconds=30)))

    assert [item.verdict for item in receiver.received] == [None, None, None, None]
    bodies = [json.loads(item.body) for item in receiver.received]
    # The catalogue was never imported: the scheduled import runs at start (decision 0054), and
    # the queued one finds the page unchanged.
    assert [(body["event"], body["data"].get("status")) for body in bodies] == [
        ("faq_import.finished", "imported"),
        ("catalogue.changed", None),
        ("faq_import.finished", "unchanged"),
        ("sync.finished", "OK"),
    ]
    assert [item.headers["X-Mobility-Event"] for item in receiver.received] == [
        body["event"] for body in bodies
    ]
    assert all(SIGNATURE_HEADER in item.headers for item in receiver.received)
    assert bodies[1]["data"]["origin"] == "faq_import"
    sync_data = bodies[3]["data"]
    assert (sync_data["links_checked"], sync_data["value_changes"], sync_data["schools"]) == (
        2,
        0,
        [],
    )
    async with sessions() as session:
        deliveries = list(await session.scalars(select(WebhookDelivery)))
        run = await session.scalar(select(SyncRun).order_by(SyncRun.id.desc()).limit(1))
    assert run is not None
    assert sync_data["run_id"] == run.id
    assert {(row.status, row.attempts, row.last_status_code) for row in deliveries} == {
        (DeliveryStatus.DELIVERED, 1, 200)
    }
    assert bodies[0]["data"]["source"] == str(page)
