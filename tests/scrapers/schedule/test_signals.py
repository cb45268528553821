"""SIGTERM in the middle of a run: the school in flight is committed, the run recorded, exit 0.

A real process receives a real signal; it logs JSON lines to stderr, which the test reads to know
when a school is in flight.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.schedule.jobs import JobOutcome
from scrapers.schedule.request_queue import request_queue_for
from service.db.models import JobKind, JobRequest, JobStatus, RunStatus, School, SyncLease
from service.operations.job_queue import DIED_PREFIX, enqueue_job
from service.operations.scheduler_state import read_scheduler_states, record_run_started
from tests.databases import TestDatabase
from tests.factories import make_school
from tests.scrapers.schedule.signal_target import RUN_ID

ROOT = Path(__file__).resolve().parents[3]
SLUGS = ("a-school", "b-school", "c-school")


class SchedulerProcess:
    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.lines: list[dict[str, Any]] = []
        self.other_output: list[str] = []

    async def wait_for(self, message: str, **fields: object) -> dict[str, Any]:
        assert self.process.stderr is not None
        while True:
            raw = await self.process.stderr.readline()
            if not raw:
                raise AssertionError(
                    f"process ended before logging {message!r}: {self.other_output}"
                )
            try:
                line = json.loads(raw)
            except ValueError:
                self.other_output.append(raw.decode(errors="replace"))
                continue
            self.lines.append(line)
            if line["message"] == message and all(line.get(k) == v for k, v in fields.items()):
                return dict(line)

    async def go_on(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        await self.process.stdin.drain()

    async def finish(self) -> int:
        assert self.process.stderr is not None
        rest = await self.process.stderr.read()
        for raw in rest.splitlines():
            try:
                self.lines.append(json.loads(raw))
            except ValueError:
                self.other_output.append(raw.decode(errors="replace"))
        return await self.process.wait()


async def _prepare(sessions: async_sessionmaker[AsyncSession], mode: str) -> None:
    async with sessions() as session:
        for slug in SLUGS:
            await make_school(session, slug=slug)
        if mode == "queued":
            await enqueue_job(session, kind=JobKind.SYNC, requested_by="token:a")
        else:  # a sync that never finished is due at start-up
            await record_run_started(session, "sync", at=datetime.now(UTC))
        await session.commit()


@asynccontextmanager
async def _started(database: TestDatabase, mode: str) -> AsyncIterator[SchedulerProcess]:
    """The signal target running on ``database``; killed at the end if the test left it alive."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.scrapers.schedule.signal_target",
        database.url,
        mode,
        cwd=ROOT,
        stdin=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        yield SchedulerProcess(process)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


@pytest.mark.parametrize("mode", ["scheduled", "queued"])
async def test_sigterm_mid_run_commits_the_school_in_flight_and_exits_0(
    sessions: async_sessionmaker[AsyncSession], scratch_database: TestDatabase, mode: str
) -> None:
    await _prepare(sessions, mode)
    async with _started(scratch_database, mode) as target:
        process = target.process
        async with asyncio.timeout(60):  # a safety net against a hung child, not a measurement
            await target.wait_for("school started", school="a-school")
            await target.go_on()
            await target.wait_for("school started", school="b-school")
            process.send_signal(signal.SIGTERM)
            await target.wait_for("SIGTERM received: finishing the work in flight, then stopping")
            await target.go_on()
            exit_code = await target.finish()

    assert exit_code == 0, target.other_output
    committed = [line["school"] for line in target.lines if line["message"] == "school committed"]
    assert committed == ["a-school", "b-school"]
    for line in target.lines:
        if line["message"] == "school committed":
            assert (line["run_id"], line["job"]) == (RUN_ID, "sync")
    assert target.lines[-1]["message"] == "scheduler signal-target stopped"

    async with sessions() as session:
        cities = dict((await session.execute(select(School.slug, School.city))).all())
        states = {state.job: state for state in await read_scheduler_states(session)}
        requests = list(await session.scalars(select(JobRequest)))
    assert cities == {"a-school": "synced", "b-school": "synced", "c-school": None}
    if mode == "scheduled":
        assert (states["sync"].last_status, states["sync"].last_summary) == (
            RunStatus.INTERRUPTED,
            "2 of 3 schools",
        )
    else:
        (request,) = requests
        assert (request.status, request.result) == (
            JobStatus.QUEUED,
            "interrupted: 2 of 3 schools; queued again",
        )


async def test_a_second_signal_stops_at_once_with_exit_code_130(
    sessions: async_sessionmaker[AsyncSession], scratch_database: TestDatabase
) -> None:
    await _prepare(sessions, "scheduled")
    async with _started(scratch_database, "scheduled") as target:
        process = target.process
        async with asyncio.timeout(60):
            await target.wait_for("school started", school="a-school")
            process.send_signal(signal.SIGINT)
            await target.wait_for("SIGINT received: finishing the work in flight, then stopping")
            process.send_signal(signal.SIGINT)
            await target.wait_for("scheduler cancelled by a second signal")
            assert process.stdin is not None
            process.stdin.close()  # releases the thread still reading stdin
            exit_code = await target.finish()
    assert exit_code == 130, target.other_output
    async with sessions() as session:
        cities = dict((await session.execute(select(School.slug, School.city))).all())
        (state,) = await read_scheduler_states(session)
    assert cities == {"a-school": None, "b-school": None, "c-school": None}
    assert state.last_finished_at is None  # unfinished: the next start runs it again


async def test_a_killed_scheduler_s_request_is_queued_again_by_the_next_claim(
    sessions: async_sessionmaker[AsyncSession], scratch_database: TestDatabase
) -> None:
    """SQLite: SIGKILL while a requested sync runs; the next scheduler on this host sees at
    once that the request's holder is gone, queues it again saying why, and runs it."""
    if scratch_database.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL retries a stalled scheduler's job (test_request_queue.py)")
    await _prepare(sessions, "queued")
    async with _started(scratch_database, "queued") as target:
        process = target.process
        async with asyncio.timeout(60):  # a safety net against a hung child, not a measurement
            await target.wait_for("school started", school="a-school")
            process.kill()
            await process.wait()
    (running,) = await _requests(sessions)
    assert (running.status, running.claimed_by) == (JobStatus.RUNNING, "signal-target")

    queue = request_queue_for(sessions, worker="next", heartbeat_seconds=60, stalled_seconds=600)
    async with queue.open():
        claimed = await queue.claim(datetime.now(UTC))
        assert claimed is not None
        assert claimed.request.id == running.id
        (again,) = await _requests(sessions)
        assert (again.status, again.claimed_by) == (JobStatus.RUNNING, "next")
        assert again.result is not None
        assert again.result.startswith(f"{DIED_PREFIX} (its scheduler (")
        assert again.result.endswith("is gone: its process no longer exists); queued again")
        assert f":{process.pid}:" in again.result
        await queue.settle(claimed, JobOutcome(RunStatus.SUCCEEDED, "3 schools"), datetime.now(UTC))
    (done,) = await _requests(sessions)
    assert (done.status, done.result) == (JobStatus.DONE, "3 schools")
    async with sessions() as session:
        assert list(await session.scalars(select(SyncLease.name))) == []


async def _requests(sessions: async_sessionmaker[AsyncSession]) -> list[JobRequest]:
    async with sessions() as session:
        return list(await session.scalars(select(JobRequest).order_by(JobRequest.id)))
