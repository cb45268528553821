"""``mobility schedule`` as an operator runs it: a real process, real signals, real exit codes.

The processes resolve names with the system resolver, so the fixture sites are reached by address
(``http://127.0.0.1:PORT/…``), which the allowlist lets through. The refusals at start-up (exit
code and one line, before any signal handler) run the command in this process
(tests/in_process.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.sync.lock import RunInProgressError, hold_run_lock
from service.db.migrate import head_revision
from service.db.models import FaqRevision, JobKind, JobRequest, JobStatus, LinkCheck, SyncRun
from service.db.models import SyncRunStatus as Status
from service.operations.job_queue import enqueue_job
from tests.databases import TestDatabase
from tests.in_process import run_main
from tests.processes import crawler_env, run_mobility
from tests.scrapers.faults import hang_after_headers, healthy_html
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.schedule.partners import (
    SECRET,
    count,
    record_an_earlier_sync,
    write_partner_page,
)
from tests.scrapers.sync.conftest import seed
from tests.scrapers.webhooks.receiver import Receiver, running_receiver

Sessions = async_sessionmaker[AsyncSession]
LOCAL = "127.0.0.1"


def environment(db: TestDatabase | None, **extra: str) -> dict[str, str]:
    settings = {
        "FETCH_ALLOWED_NETWORKS": "127.0.0.1/32",
        "SCHEDULER_POLL_SECONDS": "0.2",
        "SYNC_LEASE_TTL": "30",
        "LOG_FORMAT": "json",
        **extra,
    }
    return crawler_env(None if db is None else db.url, **settings)


async def _until_checked(sessions: Sessions, links: int) -> None:
    while True:
        async with sessions() as session:
            if await count(session, LinkCheck) == links:
                return
        await asyncio.sleep(0.05)


@pytest.mark.long
async def test_sigterm_mid_sync_keeps_what_was_committed_and_frees_the_lock(
    sessions: Sessions, scratch_database: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    site = web.site(LOCAL)
    site.page("/aalto", healthy_html("Aalto"))
    site.route("/esisar", hang_after_headers)  # a slow partner: the school in flight
    urls = {"aalto": web.url(LOCAL, "/aalto"), "esisar": web.url(LOCAL, "/esisar")}
    await seed(scratch_database.engine, {slug: [url] for slug, url in urls.items()})
    await record_an_earlier_sync(sessions)
    async with sessions() as session:
        queued = await enqueue_job(session, kind=JobKind.SYNC, requested_by="token:abc")
        await session.commit()
    env = environment(scratch_database, FETCH_PAGE_TIMEOUT="120")
    log = tmp_path / "schedule.log"
    with log.open("wb") as stderr:
        scheduler = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "service.cli.main", "schedule", env=env, cwd=tmp_path,
            stdout=asyncio.subprocess.DEVNULL, stderr=stderr,
        )  # fmt: skip
    try:
        async with asyncio.timeout(120):  # a safety net against a hung child, not a measurement
            await _until_checked(sessions, 1)  # Aalto is committed; Esisar hangs
            # What `mobility sync` would find (tests/scrapers/sync/test_cli.py shows its exit 5).
            with pytest.raises(RunInProgressError, match="a sync run is already in progress"):
                async with hold_run_lock(scratch_database.engine, 30):
                    pass
            scheduler.send_signal(signal.SIGTERM)
            exit_code = await scheduler.wait()
    finally:
        if scheduler.returncode is None:
            scheduler.kill()
            await scheduler.wait()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]

    assert exit_code == 0, log.read_text()
    assert "SIGTERM received: finishing the work in flight, then stopping" in [
        line["message"] for line in lines
    ]
    error = "interrupted: stopped on request after 1 of 2 schools"
    async with sessions() as session:
        _, run = await session.scalars(select(SyncRun).order_by(SyncRun.id))
        checked = list(await session.scalars(select(LinkCheck.url)))
        request = await session.get_one(JobRequest, queued.request.id)
    assert (run.status, run.error, run.links_checked) == (Status.FAILED, error, 1)
    assert checked == [urls["aalto"]]
    assert (request.status, request.claimed_by, request.result) == (
        JobStatus.QUEUED,
        None,
        f"interrupted: run {run.id}: {error} (1 link checked); queued again",
    )

    # The lock is free: a sync by hand runs, and visits both schools.
    site.page("/esisar", healthy_html("Esisar"))
    code, out, err = await run_mobility("sync", env=env, cwd=tmp_path)
    assert code == 0, err
    assert (
        out.splitlines()[-1]
        == f"run {run.id + 1}: OK, 2 of 2 links checked, 2 reached, 0 facts changed"
    )


async def test_once_serves_the_queue_delivers_webhooks_and_exits(
    sessions: Sessions, scratch_database: TestDatabase, tmp_path: Path
) -> None:
    page = write_partner_page(
        tmp_path, {"aalto-university": "https://aalto.test/", "ensiie": "https://ensiie.test/"}
    )
    await record_an_earlier_sync(sessions)
    async with sessions() as session:
        queued = await enqueue_job(session, kind=JobKind.IMPORT_FAQ, requested_by="token:abc")
        await session.commit()
    with running_receiver(Receiver(SECRET.encode(), statuses=[200])) as receiver:
        env = environment(
            scratch_database,
            FAQ_SOURCE=str(page),
            WEBHOOK_URLS=receiver.url,
            WEBHOOK_SECRET=SECRET,
        )
        code, _, err = await run_mobility("schedule", "--once", env=env, cwd=tmp_path)
    assert code == 0, err
    async with sessions() as session:
        request = await session.get_one(JobRequest, queued.request.id)
        revision = await session.scalar(select(FaqRevision))
    assert revision is not None
    assert (request.status, request.run_id) == (JobStatus.DONE, revision.id)
    # The catalogue was never imported: the scheduled import runs first (decision 0054); the
    # queued one finds the page unchanged and changes nothing.
    assert [(item.headers["X-Mobility-Event"], item.verdict) for item in receiver.received] == [
        ("faq_import.finished", None),
        ("catalogue.changed", None),
        ("faq_import.finished", None),
    ]


async def _schedule_in_process(env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    done = await asyncio.to_thread(run_main, "schedule", cwd=cwd, env=env)
    return done.returncode, done.stdout, done.stderr


async def test_without_a_contact_url_it_stops_at_start_up_with_one_line(tmp_path: Path) -> None:
    env = environment(None, FETCH_CONTACT_URL="")
    code, out, err = await _schedule_in_process(env, tmp_path)
    assert (code, out) == (2, "")
    assert err.startswith("mobility: error: FETCH_CONTACT_URL is not set")
    assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "var").exists()  # stopped before the database was even created


async def test_an_unmigrated_database_is_refused_with_one_line(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    env = environment(None, DATABASE_URL=f"sqlite:///{database}", LOG_FORMAT="text")
    code, out, err = await _schedule_in_process(env, tmp_path)
    assert (code, out) == (3, "")
    assert err.splitlines()[-1] == (
        f"mobility: error: the database at sqlite+aiosqlite:///{database} is not migrated "
        f"(empty, head is {head_revision()}): run `mobility db upgrade`"
    )
    assert "Traceback" not in err
