"""One statement on a pooled PostgreSQL connection, sent by asyncpg itself (decision 0185).

A compiled read on PostgreSQL is one statement outside any transaction (decision 0150). Sent
through SQLAlchemy's ``Connection`` it paid a ``Connection``, an execution context, a cursor
result and their events for rows that are read once by name: about a sixth of the server's CPU
per cold country page. :func:`fetch_alone` checks a connection out of the engine's own pool
(the same pool, size, ping after idle and check-in events), runs the statement with asyncpg's
``fetch`` (asyncpg's per-connection statement cache prepares each text once), and keeps the
connection for the next statement while the pool has room (the engine's lane, decision 0290;
:func:`release_kept` gives them back before ``dispose``). Its rows are asyncpg's records,
read by column name (``row["slug"]``), as the compiler reads SQLAlchemy's row mappings on the
session path. What can go wrong ends as
it does through SQLAlchemy:

- a driver error is translated by SQLAlchemy's asyncpg adapter and raised as the same
  ``sqlalchemy.exc.DBAPIError`` (same class, message and ``orig``); a lost connection is
  invalidated with the rest of the pool, as ``Connection`` does on a disconnect;
- a cancelled or timed-out task (the request's deadline) invalidates the connection, which
  closes gracefully: asyncpg first sends PostgreSQL the cancel request of the running
  statement, so nothing keeps running there;
- the connection's ``statement_timeout`` (service.db.engine.serving_settings) still stops the
  statement at the request deadline inside the database.

Callers use it only when nobody listens to the engine's statement events
(:func:`listens_to_statements`): statement counts and tracing keep seeing every statement.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NoReturn
from weakref import WeakKeyDictionary

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool, PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.concurrency import is_exit_exception

from service.db.engine import CHECKED_IN_AT, PING_AFTER_IDLE

#: A row: asyncpg's record, read by column name.
Record = Mapping[str, Any]


def listens_to_statements(engine: AsyncEngine) -> bool:
    """Whether anything listens to ``engine``'s statements or their errors (then they must go
    through SQLAlchemy's ``Connection``, which fires those events)."""
    dispatch = engine.sync_engine.dispatch
    return bool(
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or engine.sync_engine.dialect.dispatch.handle_error
    )


async def fetch_alone(engine: AsyncEngine, sql: str, values: Sequence[Any]) -> list[Record]:
    """The rows of ``sql`` (asyncpg's ``$1`` style) with ``values``, outside a transaction.

    On a connection the engine's lane keeps between statements (:class:`_Lane`, decision
    0290), or, when it keeps none that may serve, one checked out of the pool."""
    lane = _lanes.get(engine.sync_engine)
    if lane is None:
        lane = _lanes[engine.sync_engine] = _Lane(engine.sync_engine)
    pooled = lane.take()
    if pooled is None:
        pooled = await greenlet_spawn(engine.sync_engine.raw_connection)
    driver = pooled.driver_connection
    assert driver is not None
    try:
        rows: list[Record] = await driver.fetch(sql, *values)
    except BaseException as error:
        await greenlet_spawn(_failed, engine.sync_engine, pooled, error, sql, values)
        raise
    if not lane.keep(pooled):
        await greenlet_spawn(pooled.close)
    return rows


async def release_kept(engine: AsyncEngine) -> None:
    """Give the connections the engine's lane keeps back to its pool (before ``dispose``)."""
    lane = _lanes.pop(engine.sync_engine, None)
    if lane is not None:
        await greenlet_spawn(lane.release)
    if _returning:  # stale ones on their way back
        await asyncio.gather(*_returning, return_exceptions=True)


@dataclass(slots=True)
class _Kept:
    pooled: PoolProxiedConnection
    #: When it was last given back to the lane (``time.monotonic()``).
    since: float
    pool: Pool


class _Lane:
    """Pooled connections kept checked out between single statements (decision 0290).

    A statement through the pool cost 107,000 instructions more than the same ``fetch`` on a
    connection at hand (callgrind, ``SELECT 1``): the greenlet, the pool's fairy and record,
    its checkout and check-in events and the reset on return. The lane keeps what it used
    instead, for the next statement, within the pool's own rules:

    - only while the pool has fewer connections open than its size and one idle in it besides
      (so a session finds one there, and the lane never makes the pool open one beyond its
      size: otherwise each goes back at once);
    - never one that sat idle as long as the engine pings after (it goes back to the pool,
      which pings it on its next checkout), nor one older than the pool's last invalidation
      (a lost connection: the pool replaces the older ones), nor one of a pool since replaced
      (``dispose``);
    - a failed or cancelled statement's connection is handled as before (invalidated, or
      translated and checked in), never kept.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.idle: list[_Kept] = []

    def take(self) -> PoolProxiedConnection | None:
        """A kept connection that may serve now, or None (check one out of the pool). Stale
        ones met on the way go back to the pool."""
        now = time.monotonic()
        while self.idle:
            kept = self.idle.pop()
            if self._fresh(kept, now):
                return kept.pooled
            _return_later(kept)
        return None

    def keep(self, pooled: PoolProxiedConnection) -> bool:
        """Keep ``pooled`` for the next statement; False: check it in (the caller does)."""
        pool = self.engine.pool
        # The oldest goes back once stale (one look per statement: the lane is a stack, the
        # newest are used and the oldest sit idle).
        if self.idle and not self._fresh(self.idle[0], time.monotonic()):
            _return_later(self.idle.pop(0))
        record = pooled._connection_record
        if record is None or record.info.get(PING_AFTER_IDLE, 0.0) <= 0:
            return False  # pinged before every use: the pool's checkout does it
        if len(self.idle) >= _size(pool) or _overflow(pool) >= 0 or _idle_in(pool) == 0:
            return False
        self.idle.append(_Kept(pooled, time.monotonic(), pool))
        return True

    def release(self) -> None:
        """Check every kept connection in (in a greenlet)."""
        while self.idle:
            _give_back(self.idle.pop())

    def _fresh(self, kept: _Kept, now: float) -> bool:
        pool = self.engine.pool
        record = kept.pooled._connection_record
        return (
            kept.pool is pool
            and record is not None
            and now - kept.since < record.info.get(PING_AFTER_IDLE, 0.0)
            and getattr(pool, "_invalidate_time", 0) <= record.starttime
        )


def _return_later(kept: _Kept) -> None:
    async def give_back() -> None:
        await greenlet_spawn(_give_back, kept)

    task = asyncio.get_running_loop().create_task(give_back())
    _returning.add(task)
    task.add_done_callback(_returning.discard)


def _give_back(kept: _Kept) -> None:
    """Check ``kept`` in, as idle as it was (the engine's ping after idle still applies)."""
    record = kept.pooled._connection_record
    kept.pooled.close()
    if record is not None and CHECKED_IN_AT in record.info:
        record.info[CHECKED_IN_AT] = kept.since


def _size(pool: Pool) -> int:
    size = getattr(pool, "size", None)
    return int(size()) if callable(size) else 0


def _idle_in(pool: Pool) -> int:
    checked_in = getattr(pool, "checkedin", None)
    return int(checked_in()) if callable(checked_in) else 0


def _overflow(pool: Pool) -> int:
    """Connections open beyond the pool's size (negative: that many fewer than its size)."""
    overflow = getattr(pool, "overflow", None)
    return int(overflow()) if callable(overflow) else 0


def _failed(
    engine: Engine, pooled: PoolProxiedConnection, error: BaseException, sql: str, values: Any
) -> None:
    """In a greenlet, as SQLAlchemy's own code runs: a failed statement's connection."""
    try:
        if not is_exit_exception(error):
            _raise_as_sqlalchemy(engine, pooled, error, sql, values)
        # Cancelled or timed out: as Connection does, the statement may still run and the
        # connection goes. Closed gracefully here (in the greenlet), asyncpg first sends
        # PostgreSQL the statement's cancel request.
        pooled.invalidate(error)
    finally:
        pooled.close()


#: The lane of each engine (by its sync engine), made at its first statement.
_lanes: WeakKeyDictionary[Engine, _Lane] = WeakKeyDictionary()
#: Stale kept connections on their way back to the pool.
_returning: set[asyncio.Task[None]] = set()


def _raise_as_sqlalchemy(
    engine: Engine, pooled: Any, error: BaseException, sql: str, values: Sequence[Any]
) -> NoReturn:
    """Raise ``error`` as SQLAlchemy's ``Connection`` raises it (and invalidate the connection,
    with the rest of the pool, when the driver says it is gone)."""
    adapted = pooled.dbapi_connection
    try:
        adapted._handle_exception(error)  # raises asyncpg's error as the adapter's DB-API one
    except Exception as translated:
        error = translated
    dialect = engine.dialect
    base = dialect.loaded_dbapi.Error
    if not isinstance(error, base):
        raise error  # not the driver's (as Connection: raised as it is)
    disconnect = bool(dialect.is_disconnect(error, adapted, None))
    wrapped = DBAPIError.instance(
        sql,
        tuple(values),
        error,
        base,
        hide_parameters=engine.hide_parameters,
        connection_invalidated=disconnect,
        dialect=dialect,
        ismulti=False,
    )
    if disconnect:
        engine.pool._invalidate(pooled, error)  # the pool's older connections, and this one
    raise wrapped from error
