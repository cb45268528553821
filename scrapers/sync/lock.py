"""Two sync runs never overlap: an advisory lock on PostgreSQL, a lease on SQLite.

PostgreSQL: ``pg_try_advisory_lock`` on a connection held for the whole run, in autocommit. The
lock belongs to the database session, so a killed run frees it as soon as its connection drops.
The other side holds too: a run whose lock connection drops (terminated, network) no longer
holds the lock, so the holder probes that connection (one round trip) before every school
transaction and every ``SYNC_LOCK_CHECK_SECONDS`` in between, and stops once it is gone
(decisions 0034, 0200).

SQLite has no such lock: a row of ``sync_lease`` names the holder (host, process id) and an
expiry. The holder renews it every third of ``SYNC_LEASE_TTL`` (15 s), and every school
transaction renews it too, as its first statement, on that transaction's own connection
(:meth:`RunLock.held_in`, decision 0200): a run that finds its lease taken over stops, and that
school's transaction rolls back. A school transaction holds SQLite's write lock from its start,
so its renewal cannot be refused as busy; the background renewal can be, when school
transactions follow one another on a loaded machine (refused five times within 90 s, then the
lease's release too, in a run of 1,000 realistic sites at load 13), and it gives the lease up
only once the expiry last committed, by either, has passed.
A killed run stops renewing: the next run on the same host sees its process is gone and takes
the lease at once; from another host, once it has expired.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import secrets
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from service.background import run_alongside
from service.config import SyncSettings
from service.db import SyncLease, utcnow
from service.errors import UserError

log = logging.getLogger(__name__)

#: The advisory lock key: "mobility" in ASCII, as a signed 64-bit integer.
ADVISORY_KEY = int.from_bytes(b"mobility", "big")
LEASE_NAME = "sync"
LEASE_LOST = "lost the run lease (another run took it over): stopped"
LOCK_CONNECTION_LOST = (
    "lost the PostgreSQL connection holding the run lock: stopped before the next school"
)
LEASE_EXPIRED = "could not renew the run lease before it expired: stopped"


class RunInProgressError(UserError):
    """Another sync run holds the lock."""

    exit_code = 5


class RunLock:
    """Held by a running sync; ``lost`` is set, with ``reason``, once the lock is gone."""

    def __init__(self, holder: str) -> None:
        self.holder = holder
        self.lost = asyncio.Event()
        self.reason: str | None = None
        self._probe: Callable[[], Awaitable[None]] | None = None
        self._probe_failure = LOCK_CONNECTION_LOST
        self._probing = asyncio.Lock()
        self._read_in: Callable[[AsyncSession], Awaitable[bool]] | None = None
        self._read_in_failure = LEASE_LOST

    def read_in_transaction_with(
        self, read: Callable[[AsyncSession], Awaitable[bool]], failure: str
    ) -> None:
        """Ask ``read`` in :meth:`held_in`, in the caller's transaction; once it answers
        ``False``, the lock is lost for ``failure``."""
        self._read_in = read
        self._read_in_failure = failure

    def probe_with(self, probe: Callable[[], Awaitable[None]], failure: str) -> None:
        """Ask ``probe`` in :meth:`still_held`; once it raises, the lock is lost for ``failure``."""
        self._probe = probe
        self._probe_failure = failure

    def lose(self, reason: str) -> None:
        """The lock is gone: say why once, and wake whoever waits on ``lost``."""
        if not self.lost.is_set():
            self.reason = reason
            self.lost.set()

    async def still_held(self) -> bool:
        """Whether the lock is still ours, asking the database (the lock connection on
        PostgreSQL, the lease row on SQLite)."""
        if self.lost.is_set() or self._probe is None:
            return not self.lost.is_set()
        async with self._probing:  # the probe and the watcher share one connection
            if not self.lost.is_set():
                try:
                    await self._probe()
                except Exception as exc:  # any failure of that connection means the lock is gone
                    log.warning("the run lock is gone: %s: %s", type(exc).__name__, exc)
                    self.lose(self._probe_failure)
        return not self.lost.is_set()

    async def held_in(self, session: AsyncSession) -> bool:
        """Whether the lock is still ours, read in ``session``'s transaction where the lock is a
        row (the lease, a partition): no connection of its own, and what the transaction then
        writes commits only with the lock read as held within it. Otherwise (the advisory lock
        lives on its own connection) as :meth:`still_held`. A failure of the read itself is the
        transaction's failure, not a loss of the lock: the next transaction reads it again."""
        if self.lost.is_set():
            return False
        if self._read_in is None:
            return await self.still_held()
        if not await self._read_in(session):
            self.lose(self._read_in_failure)
        return not self.lost.is_set()


def runner_name() -> str:
    """Who runs: host, process id and a random suffix (process ids are reused)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


def holder_is_gone(holder: str) -> bool:
    """Whether ``holder`` (``host:pid:suffix``, see :func:`runner_name`) is a process of this host
    that no longer exists. A holder on another host, or unreadable, is taken as alive."""
    parts = holder.rsplit(":", 2)
    if len(parts) != 3 or parts[0] != socket.gethostname() or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, owned by another user
        return False
    return False


@contextlib.asynccontextmanager
async def hold_run_lock(
    engine: AsyncEngine,
    lease_ttl: float,
    *,
    check_seconds: float = SyncSettings().lock_check_seconds,
    now: Callable[[], datetime] = utcnow,
) -> AsyncIterator[RunLock]:
    """Hold the run lock for the duration of the block, or raise :class:`RunInProgressError`.

    ``check_seconds``: how often the PostgreSQL lock connection is probed between schools.
    ``now``: the clock the SQLite lease's expiries are written and compared with (a test moves
    it by hand; the renewals' rhythm stays the event loop's).
    """
    lock = RunLock(runner_name())
    if engine.dialect.name == "postgresql":
        async with _advisory_lock(engine, lock, check_seconds):
            yield lock
    else:
        async with _lease(engine, lock, lease_ttl, now):
            yield lock


async def _watch(lock: RunLock, every: float) -> None:
    """Probe the lock every ``every`` seconds until it is lost."""
    while await lock.still_held():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(lock.lost.wait(), every)


@contextlib.asynccontextmanager
async def _advisory_lock(engine: AsyncEngine, lock: RunLock, every: float) -> AsyncIterator[None]:
    # Autocommit: the lock belongs to the session, not to a transaction, so every statement on
    # this connection is one round trip (no BEGIN and COMMIT around it) and it is never left
    # "idle in transaction".
    connection = await (await engine.connect()).execution_options(isolation_level="AUTOCOMMIT")
    try:
        taken = await connection.scalar(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
        )
        if not taken:
            raise RunInProgressError("a sync run is already in progress (PostgreSQL advisory lock)")

        async def probe() -> None:
            await connection.scalar(text("SELECT 1"))

        lock.probe_with(probe, LOCK_CONNECTION_LOST)
        try:
            async with run_alongside(_watch(lock, every)):
                yield
        finally:
            if not lock.lost.is_set():
                await _unlock(connection)
    finally:
        # A terminated connection cannot be reset: closing it must not raise over the run's end.
        try:
            await connection.close()
        except Exception as exc:
            log.warning("closing the run lock connection failed: %s", exc)


async def _unlock(connection: AsyncConnection) -> None:
    try:
        await connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
    except Exception as exc:  # the session is gone, and the lock with it
        log.warning("releasing the run lock failed (the lock went with its session): %s", exc)


async def _take_lease(
    engine: AsyncEngine, holder: str, ttl: float, clock: Callable[[], datetime]
) -> None:
    now = clock()
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
        if current is not None and holder_is_gone(current.holder):
            # A holder on this host whose process is gone cannot renew: no need to wait it out.
            await connection.execute(
                update(SyncLease)
                .where(SyncLease.name == LEASE_NAME, SyncLease.holder == current.holder)
                .values(**values)
            )
            return
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


async def _renew_lease(
    engine: AsyncEngine, lock: RunLock, ttl: float, clock: Callable[[], datetime]
) -> None:
    """Push the expiry back every third of the TTL; set ``lock.lost`` if the lease is gone."""
    deadline = asyncio.get_running_loop().time() + ttl
    while True:
        await asyncio.sleep(ttl / 3)
        now = clock()
        try:
            async with engine.begin() as connection:
                renewed = await connection.execute(
                    update(SyncLease)
                    .where(SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder)
                    .values(expires_at=now + timedelta(seconds=ttl))
                )
        except OperationalError as exc:
            # The database is busy or away; the lease is still ours until it expires, and the
            # school transactions renew it too: ask the expiry they committed (a read, which
            # SQLite's WAL serves beside a writer).
            expires_at = await _committed_expiry(engine, lock)
            if expires_at is not None and expires_at > now:
                deadline = asyncio.get_running_loop().time() + (expires_at - now).total_seconds()
                continue
            log.warning("could not renew the sync lease: %s", exc)
            if asyncio.get_running_loop().time() >= deadline:
                lock.lose(LEASE_EXPIRED)
                return
            continue
        if renewed.rowcount != 1:
            lock.lose(LEASE_LOST)
            return
        deadline = asyncio.get_running_loop().time() + ttl


async def _committed_expiry(engine: AsyncEngine, lock: RunLock) -> datetime | None:
    """The expiry of ``lock``'s lease as last committed; None if it is not ours or unreadable."""
    try:
        async with engine.connect() as connection:
            return await connection.scalar(
                select(SyncLease.expires_at).where(
                    SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder
                )
            )
    except OperationalError:
        return None


@contextlib.asynccontextmanager
async def _lease(
    engine: AsyncEngine, lock: RunLock, ttl: float, clock: Callable[[], datetime]
) -> AsyncIterator[None]:
    await _take_lease(engine, lock.holder, ttl, clock)

    async def renew_in(session: AsyncSession) -> bool:
        # The school's transaction holds the write lock already: renewing costs what reading
        # did (one statement), and it is the renewal a busy database cannot refuse.
        renewed = await session.execute(
            update(SyncLease)
            .where(SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder)
            .values(expires_at=clock() + timedelta(seconds=ttl))
        )
        return bool(getattr(renewed, "rowcount", 0) == 1)

    async def read_in(session: AsyncSession | AsyncConnection) -> bool:
        holder = await session.scalar(select(SyncLease.holder).where(SyncLease.name == LEASE_NAME))
        return holder == lock.holder

    async def probe() -> None:
        async with engine.connect() as connection:
            if not await read_in(connection):
                raise LookupError("the lease is held by another run")

    lock.probe_with(probe, LEASE_LOST)
    lock.read_in_transaction_with(renew_in, LEASE_LOST)
    try:
        async with run_alongside(_renew_lease(engine, lock, ttl, clock)):
            yield
    finally:
        try:
            async with engine.begin() as connection:
                await connection.execute(
                    delete(SyncLease).where(
                        SyncLease.name == LEASE_NAME, SyncLease.holder == lock.holder
                    )
                )
        except OperationalError as exc:
            # Busy past the timeout: the lease is left to expire (the next run on this host
            # takes it at once once this process has ended). The run's outcome stands.
            log.warning("could not release the sync lease: %s", exc)
