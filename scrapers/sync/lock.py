"""Two sync runs never overlap: an advisory lock on PostgreSQL, a lease on SQLite.

PostgreSQL: ``pg_try_advisory_lock`` on a connection held for the whole run. The lock belongs to
the database session, so a killed run frees it as soon as its connection drops.

SQLite has no such lock: a row of ``sync_lease`` names the holder and an expiry. The holder renews
it while it runs; a killed run stops renewing, and the next run takes the lease over once it has
expired (``SYNC_LEASE_TTL``). A run that finds its lease taken over stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator
from datetime import timedelta

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db.models import SyncLease
from service.db.types import utcnow
from service.errors import UserError

log = logging.getLogger(__name__)

#: The advisory lock key: "mobility" in ASCII, as a signed 64-bit integer.
ADVISORY_KEY = int.from_bytes(b"mobility", "big")
LEASE_NAME = "sync"


class RunInProgressError(UserError):
    """Another sync run holds the lock."""

    exit_code = 5


class RunLock:
    """Held by a running sync; ``lost`` is set if the lease was taken over."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        self.lost = asyncio.Event()


def runner_name() -> str:
    """Who runs: host, process id and a random suffix (process ids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


@contextlib.asynccontextmanager
async def hold_run_lock(engine: AsyncEngine, lease_ttl: float) -> AsyncIterator[RunLock]:
    """Hold the run lock for the duration of the block, or raise :class:`RunInProgressError`."""
    lock = RunLock(runner_name())
    if engine.dialect.name == "postgresql":
        async with _advisory_lock(engine):
            yield lock
    else:
        async with _lease(engine, lock, lease_ttl):
            yield lock


@contextlib.asynccontextmanager
async def _advisory_lock(engine: AsyncEngine) -> AsyncIterator[None]:
    async with engine.connect() as connection:
        taken = await connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        )
        # The lock outlives the transaction; ending it avoids an "idle in transaction" session.
        await connection.commit()
        if not taken:
            raise RunInProgressError("a sync run is already in progress (PostgreSQL advisory lock)")
        try:
            yield
        finally:
            await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            await connection.commit()


async def _take_lease(engine: AsyncEngine, holder: str, ttl: float) -> None:
    now = utcnow()
    values = {"holder": holder, "acquired_at": now, "expires_at": now + timedelta(seconds=ttl)}
    async with engine.begin() as connection:
        taken = await connection.execute(
            update(SyncLease)
            .where(SyncLease.name == LEASE_NAME, SyncLease.expires_at < now)
            .values(**values)
        )
        if taken.rowcount == 1:
            return
        current = (
            await connection.execute(
                select(SyncLease.holder, SyncLease.expires_at).where(SyncLease.name == LEASE_NAME)
            )
        ).first()
        if current is None:
            try:
                await connection.execute(insert(SyncLease).values(name=LEASE_NAME, **values))
            except IntegrityError:
                current = None
            else:
                return
    until = f", lease valid until {current.expires_at:%Y-%m-%d %H:%M:%S} UTC" if current else ""
    who = f" by {current.holder}" if current else ""
    raise RunInProgressError(f"a sync run is already in progress{who}{until}")


async def _renew_lease(engine: AsyncEngine, lock: RunLock, ttl: float) -> None:
    """Push the expiry back every third of the TTL; set ``lock.lost`` if the lease is gone."""
    deadline = asyncio.get_running_loop().time() + ttl
    while True:
        await asyncio.sleep(ttl / 3)
        now = utcnow()
        try:
            async with engine.begin() as connection:
                renewed = await connection.execute(
                    update(SyncLease)
                    .where(SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder)
                    .values(expires_at=now + timedelta(seconds=ttl))
                )
        except OperationalError as exc:
            # The database is busy or away; the lease is still ours until it expires.
            log.warning("could not renew the sync lease: %s", exc)
            if asyncio.get_running_loop().time() >= deadline:
                lock.lost.set()
                return
            continue
        if renewed.rowcount != 1:
            lock.lost.set()
            return
        deadline = asyncio.get_running_loop().time() + ttl


@contextlib.asynccontextmanager
async def _lease(engine: AsyncEngine, lock: RunLock, ttl: float) -> AsyncIterator[None]:
    await _take_lease(engine, lock.holder, ttl)
    renewal = asyncio.create_task(_renew_lease(engine, lock, ttl))
    try:
        yield
    finally:
        renewal.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewal
        async with engine.begin() as connection:
            await connection.execute(
                delete(SyncLease).where(
                    SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder
                )
            )
