"""One statement sent by asyncpg on a pooled connection ends as it does through SQLAlchemy.

Each test runs the same statement both ways: ``fetch_alone`` (service.db.alone) and
SQLAlchemy's ``Connection.exec_driver_sql`` outside a transaction, which the compiled read
path used before (decision 0185): rows, errors, lost connections and cancellations must match.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from service.db.alone import fetch_alone, listens_to_statements, release_kept
from service.db.deadline import is_deadline_stop
from service.db.engine import create_engine
from tests.databases import postgres_server_url, settings_for

Fetch = Callable[[AsyncEngine, str, Sequence[Any]], Awaitable[Sequence[Any]]]


async def _through_sqlalchemy(engine: AsyncEngine, sql: str, values: Sequence[Any]) -> list[Any]:
    async with engine.connect() as connection:
        await connection.execution_options(isolation_level="AUTOCOMMIT")
        return list((await connection.exec_driver_sql(sql, tuple(values))).mappings())


WAYS: dict[str, Fetch] = {"asyncpg": fetch_alone, "sqlalchemy": _through_sqlalchemy}


@asynccontextmanager
async def _engine(**settings: Any) -> AsyncIterator[AsyncEngine]:
    server = postgres_server_url()
    engine = create_engine(
        settings_for(server, db_pool_size=1, db_ping_after_idle_seconds=3600),
        server_settings=settings,
    )
    try:
        yield engine
    finally:
        await release_kept(engine)
        await engine.dispose()


async def _backend(engine: AsyncEngine, fetch: Fetch) -> int:
    rows = await fetch(engine, "SELECT pg_backend_pid() AS pid", ())
    return int(rows[0]["pid"])


async def test_rows_are_read_by_column_name_and_the_connection_goes_back() -> None:
    async with _engine() as engine:
        assert not listens_to_statements(engine)
        rows = await fetch_alone(engine, "SELECT $1::text AS j, 7::bigint AS data_version", ["x"])
        same = await _through_sqlalchemy(
            engine, "SELECT $1::text AS j, 7::bigint AS data_version", ["x"]
        )
        assert [(row["j"], row["data_version"]) for row in rows] == [("x", 7)]
        assert [(row["j"], row["data_version"]) for row in same] == [("x", 7)]
        with pytest.raises(KeyError):
            _ = rows[0]["missing"]
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        # One pooled connection served all three: none was opened beside it.
        assert await _backend(engine, fetch_alone) == await _backend(engine, _through_sqlalchemy)


async def test_a_listener_of_statements_is_seen() -> None:
    async with _engine() as engine:

        def seen(*_args: object) -> None:
            pass

        event.listen(engine.sync_engine, "before_cursor_execute", seen)
        assert listens_to_statements(engine)
        event.remove(engine.sync_engine, "before_cursor_execute", seen)
        assert not listens_to_statements(engine)


async def _failure(engine: AsyncEngine, fetch: Fetch, sql: str) -> DBAPIError:
    with pytest.raises(DBAPIError) as raised:
        await fetch(engine, sql, (5.0,))
    return raised.value


async def test_a_statement_stopped_at_the_deadline_fails_as_through_sqlalchemy() -> None:
    async with _engine(statement_timeout="50ms") as engine:
        sql = "SELECT pg_sleep($1)"
        errors = [await _failure(engine, fetch, sql) for fetch in WAYS.values()]
        mine, theirs = errors
        assert type(mine) is type(theirs)
        assert str(mine) == str(theirs)
        assert type(mine.orig) is type(theirs.orig)
        assert all(is_deadline_stop(error) for error in errors)
        assert not mine.connection_invalidated
        assert not theirs.connection_invalidated
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        # Not a disconnect: the same connection serves the next statement.
        assert await _backend(engine, fetch_alone) == await _backend(engine, _through_sqlalchemy)


async def _terminate(pid: int) -> None:
    admin = create_engine(settings_for(postgres_server_url()), poolclass=NullPool)
    try:
        async with admin.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid, 10000)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_a_lost_connection_fails_as_through_sqlalchemy_and_is_replaced() -> None:
    errors = []
    async with _engine() as engine:
        for fetch in WAYS.values():
            lost = await _backend(engine, fetch)
            await _terminate(lost)
            errors.append(await _failure(engine, fetch, "SELECT $1::float8 AS x"))
            assert await _backend(engine, fetch) != lost
            assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    mine, theirs = errors
    assert type(mine) is type(theirs)
    assert type(mine.orig) is type(theirs.orig)
    assert mine.connection_invalidated
    assert theirs.connection_invalidated


@pytest.mark.parametrize("way", list(WAYS))
async def test_a_cancelled_statement_stops_in_the_database_and_its_connection_goes(
    way: str,
) -> None:
    fetch = WAYS[way]
    key = secrets.randbelow(2**62)
    async with _engine() as engine:
        started = asyncio.Event()

        def listen(adapted: Any, _record: object) -> None:
            adapted.driver_connection.add_log_listener(lambda *_args: started.set())

        event.listen(engine.sync_engine, "connect", listen)
        before = await _backend(engine, fetch)
        # Holds a session lock, then runs for a minute; the notice says it holds the lock.
        statement = (
            f"DO $$ BEGIN PERFORM pg_advisory_lock({key}); RAISE NOTICE 'locked'; "
            "PERFORM pg_sleep(60); END $$"
        )
        running = asyncio.ensure_future(fetch(engine, statement, ()))
        await started.wait()
        running.cancel()
        with pytest.raises(asyncio.CancelledError):
            await running
        assert engine.pool.checkedout() == 0  # type: ignore[attr-defined]
        # The lock is free well before the minute: the statement was stopped and its session
        # ended (had its connection gone back to the pool, the session would still hold it).
        probe = create_engine(settings_for(postgres_server_url()), poolclass=NullPool)
        try:
            async with probe.connect() as connection:
                await connection.execute(text("SET lock_timeout = '20s'"))
                await connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": key})
        finally:
            await probe.dispose()
        assert await _backend(engine, fetch) != before


async def _checked_out(engine: AsyncEngine) -> int:
    return int(engine.pool.checkedout())  # type: ignore[attr-defined]


async def _lane_engine(ping_after: float = 3600) -> AsyncEngine:
    """A pool of three with two connections open: room for the lane to keep one."""
    engine = create_engine(
        settings_for(postgres_server_url(), db_pool_size=3, db_ping_after_idle_seconds=ping_after)
    )
    await asyncio.gather(*(_backend(engine, fetch_alone) for _ in range(2)))
    return engine


async def test_the_lane_keeps_a_connection_while_the_pool_has_room_and_gives_it_back() -> None:
    engine = await _lane_engine()
    try:
        # One kept checked out for the next statement, one idle in the pool for sessions.
        assert await _checked_out(engine) == 1
        first = await _backend(engine, fetch_alone)
        assert await _checked_out(engine) == 1
        assert await _backend(engine, fetch_alone) == first
        assert await _checked_out(engine) == 1
        # A session meanwhile gets a connection of its own from the pool.
        assert await _backend(engine, _through_sqlalchemy) != first
        await release_kept(engine)
        assert await _checked_out(engine) == 0
        # Back in the pool, it serves sessions again.
        assert first in {await _backend(engine, _through_sqlalchemy) for _ in range(2)}
    finally:
        await release_kept(engine)
        await engine.dispose()


async def test_the_lane_keeps_nothing_once_the_pool_is_at_its_size() -> None:
    async with _engine() as engine:  # a pool of one
        await _backend(engine, fetch_alone)
        assert await _checked_out(engine) == 0


async def test_the_lane_keeps_nothing_when_no_other_connection_is_idle_in_the_pool() -> None:
    server = postgres_server_url()
    engine = create_engine(settings_for(server, db_pool_size=3, db_ping_after_idle_seconds=3600))
    try:
        await _backend(engine, fetch_alone)  # the only one open: a session would need it
        assert await _checked_out(engine) == 0
    finally:
        await release_kept(engine)
        await engine.dispose()


async def test_a_kept_connection_idle_past_the_ping_goes_back_and_is_pinged() -> None:
    engine = await _lane_engine(ping_after=0)
    pings: list[object] = []
    try:
        await _backend(engine, fetch_alone)
        # Pinged before every use: never kept, so the pool's checkout pings it each time.
        assert await _checked_out(engine) == 0
        event.listen(engine.sync_engine, "checkout", lambda *args: pings.append(args))
        await _backend(engine, fetch_alone)
        assert len(pings) == 1  # checked out of the pool again, not taken from the lane
    finally:
        await release_kept(engine)
        await engine.dispose()


async def test_a_lost_kept_connection_fails_as_through_the_pool_and_is_replaced() -> None:
    engine = await _lane_engine()
    try:
        lost = await _backend(engine, fetch_alone)
        assert await _checked_out(engine) == 1
        await _terminate(lost)
        error = await _failure(engine, fetch_alone, "SELECT $1::float8 AS x")
        assert error.connection_invalidated
        assert await _checked_out(engine) == 0
        assert await _backend(engine, fetch_alone) != lost
    finally:
        await release_kept(engine)
        await engine.dispose()
