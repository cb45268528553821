"""Two runs never overlap, and a killed run does not block the next one (both backends)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.engine import Connection

from scrapers.sync.lock import LEASE_NAME, RunInProgressError, hold_run_lock
from service.db.engine import create_sessionmaker, intend_writes
from service.db.models import SyncLease
from service.db.types import utcnow
from tests.databases import TestDatabase, migrated_database
from tests.scrapers.schedule.fake_clock import FakeClock
from tests.scrapers.sync.conftest import until_free

HOLD_AND_WAIT = """
import asyncio, sys
from service.config import load_settings
from service.db.engine import create_engine
from scrapers.sync.lock import hold_run_lock

async def main():
    settings = load_settings(_env_file=None)
    engine = create_engine(settings)
    async with hold_run_lock(engine, float(sys.argv[1])):
        print("held", flush=True)
        await asyncio.sleep(3600)

asyncio.run(main())
"""


async def start_holder(db: TestDatabase, lease_ttl: float) -> asyncio.subprocess.Process:
    """A process holding the run lock of ``db`` until it is killed (stdout says "held")."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        HOLD_AND_WAIT,
        str(lease_ttl),
        env={
            "PATH": os.environ.get("PATH", ""),
            "PYTHONPATH": str(Path.cwd()),
            "DATABASE_URL": db.settings.database.render_as_string(hide_password=False),
        },
        stdout=asyncio.subprocess.PIPE,
    )


async def test_a_second_holder_is_refused_until_the_first_lets_go(fresh: TestDatabase) -> None:
    async with hold_run_lock(fresh.engine, 30):
        with pytest.raises(RunInProgressError, match="a sync run is already in progress") as caught:
            async with hold_run_lock(fresh.engine, 30):
                pytest.fail("two runs held the lock at once")
        assert caught.value.exit_code == 5
    async with hold_run_lock(fresh.engine, 30):
        pass


async def test_a_killed_holder_does_not_block_the_next_run(fresh: TestDatabase) -> None:
    # A lease far longer than the test: the refusal below must not depend on how fast a
    # loaded machine gets here after "held" (a 1.5 s lease expired first under stress).
    child = await start_holder(fresh, 600)
    try:
        assert child.stdout is not None
        assert await asyncio.wait_for(child.stdout.readline(), 60) == b"held\n"
        with pytest.raises(RunInProgressError):
            async with hold_run_lock(fresh.engine, 30):
                pass
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    # PostgreSQL frees the lock with the dead session; on SQLite the next run on this host sees
    # that the holder's process is gone and takes its lease at once (it has not expired).
    await until_free(fresh, 60)


# The lease is the SQLite lock (PostgreSQL uses an advisory lock): these run on SQLite only.


@pytest.fixture
async def lite(tmp_path: Path) -> AsyncIterator[TestDatabase]:
    async with migrated_database("sqlite", tmp_path) as db:
        yield db


async def test_an_expired_lease_is_taken_over(lite: TestDatabase) -> None:
    async with create_sessionmaker(lite.engine)() as session:
        session.add(
            SyncLease(
                name=LEASE_NAME, holder="gone:1:dead", expires_at=utcnow() - timedelta(seconds=1)
            )
        )
        await session.commit()
    async with hold_run_lock(lite.engine, 30) as lock:
        async with create_sessionmaker(lite.engine)() as session:
            holder = await session.scalar(select(SyncLease.holder))
        assert holder == lock.holder
    async with create_sessionmaker(lite.engine)() as session:
        assert await session.scalar(select(SyncLease.holder)) is None  # released


async def test_a_live_lease_is_renewed_past_its_ttl(lite: TestDatabase) -> None:
    # The lease's expiries are read and written on a clock moved by hand: however slow the
    # machine, the lease expires only when the test says time has passed, never between a
    # renewal and the second holder's attempt (a 0.6 s lease on the wall clock raced there).
    clock = FakeClock(utcnow())
    renewals = 0
    renewed = asyncio.Event()

    def note_renewal(_conn: Connection, cursor: Any, statement: str, *_: Any) -> None:
        nonlocal renewals
        if statement.startswith("UPDATE sync_lease SET expires_at") and cursor.rowcount == 1:
            renewals += 1
            renewed.set()

    event.listen(lite.engine.sync_engine, "after_cursor_execute", note_renewal)
    async with hold_run_lock(lite.engine, 0.6, now=clock.now) as lock:
        sessions = create_sessionmaker(lite.engine)
        async with sessions() as session:
            first_expiry = await session.scalar(select(SyncLease.expires_at))
        assert first_expiry is not None
        clock.advance(timedelta(seconds=1))  # past the first expiry: only renewals keep it
        # Wait on the renewals themselves until one made after the move is committed.
        expiry = first_expiry
        while expiry <= clock.now():
            renewed.clear()
            await asyncio.wait_for(renewed.wait(), 30)
            async with sessions() as session:
                expiry = await session.scalar(select(SyncLease.expires_at)) or expiry
        assert renewals >= 1
        assert expiry == clock.now() + timedelta(seconds=0.6)
        with pytest.raises(RunInProgressError):
            async with hold_run_lock(lite.engine, 0.6, now=clock.now):
                pass
        assert not lock.lost.is_set()


async def test_a_lease_taken_over_is_noticed_as_lost(lite: TestDatabase) -> None:
    async with hold_run_lock(lite.engine, 0.3) as lock:
        async with lite.engine.begin() as connection:
            await connection.execute(update(SyncLease).values(holder="thief:2:beef"))
        await asyncio.wait_for(lock.lost.wait(), 10)


async def test_a_school_transaction_renews_the_lease_it_reads(lite: TestDatabase) -> None:
    # A lease far longer than the test: its background renewal (every third of it) stays out.
    async with hold_run_lock(lite.engine, 600) as lock:
        sessions = create_sessionmaker(intend_writes(lite.engine))
        async with sessions() as session:
            first_expiry = await session.scalar(select(SyncLease.expires_at))
        assert first_expiry is not None
        async with sessions() as session, session.begin():
            assert await lock.held_in(session)
        async with sessions() as session:
            renewed = await session.scalar(select(SyncLease.expires_at))
        assert renewed is not None
        assert renewed > first_expiry
        # Rolled back with its school, the renewal is not kept.
        async with sessions() as session:
            async with session.begin():
                assert await lock.held_in(session)
                await session.rollback()
            assert await session.scalar(select(SyncLease.expires_at)) == renewed
