"""Engines: SQLite transactions that intend to write take the write lock as they begin."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import NullPool

from service.config import Settings
from service.db.engine import WRITE_INTENT, create_engine, create_sessionmaker, intend_writes
from tests.databases import postgres_server_url, settings_for


def _settings(path: Path) -> Settings:
    return Settings(database_url=f"sqlite:///{path}", _env_file=None)


def _can_write(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        if "locked" not in str(exc):
            raise
        return False
    else:
        other.execute("ROLLBACK")
        return True
    finally:
        other.close()


@pytest.mark.parametrize(("intent", "others_can_write"), [(False, True), (True, False)])
async def test_a_write_intent_holds_the_write_lock_from_the_first_read(
    tmp_path: Path, intent: bool, others_can_write: bool
) -> None:
    path = tmp_path / "engine.sqlite3"
    engine = create_engine(_settings(path))
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE lease (holder TEXT)"))
        chosen = intend_writes(engine) if intent else engine
        async with chosen.connect() as connection, connection.begin():
            await connection.execute(text("SELECT count(*) FROM lease"))
            assert _can_write(path) is others_can_write
            await connection.execute(text("INSERT INTO lease VALUES ('run')"))
    finally:
        await engine.dispose()


@pytest.mark.parametrize(("immediate", "other_writer_blocked"), [(True, True), (False, False)])
async def test_a_session_can_ask_for_the_write_lock_as_it_begins(
    tmp_path: Path, immediate: bool, other_writer_blocked: bool
) -> None:
    url = URL.create("sqlite+aiosqlite", database=str(tmp_path / "lock.sqlite3"))
    engine = create_engine(settings_for(url, sqlite_busy_timeout_ms=0))
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE note (body TEXT)"))
        sessions = create_sessionmaker(engine)
        async with sessions() as first, sessions() as second:
            await first.connection(execution_options={WRITE_INTENT: immediate})
            await first.execute(text("SELECT count(*) FROM note"))
            if other_writer_blocked:
                with pytest.raises(OperationalError, match="database is locked"):
                    await second.execute(text("INSERT INTO note VALUES ('second')"))
            else:
                await second.execute(text("INSERT INTO note VALUES ('second')"))
                await second.commit()
    finally:
        await engine.dispose()


async def _terminate_pooled_backend(engine: AsyncEngine, pid: int) -> None:
    # A connection of its own, outside the pool: the pooled one is the victim.
    other = create_async_engine(engine.url, poolclass=NullPool)
    try:
        async with other.connect() as connection:
            await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await other.dispose()


async def _backend_pid(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text("SELECT pg_backend_pid()")) or 0)


async def test_an_idle_pooled_connection_that_died_is_replaced_before_use() -> None:
    server = postgres_server_url()
    engine = create_engine(settings_for(server, db_ping_after_idle_seconds=0, db_pool_size=1))
    try:
        first = await _backend_pid(engine)
        await _terminate_pooled_backend(engine, first)
        # Pinged at checkout, found dead, replaced: the statement runs on a new backend.
        assert await _backend_pid(engine) != first
    finally:
        await engine.dispose()


async def test_a_recently_used_pooled_connection_is_not_pinged() -> None:
    server = postgres_server_url()
    engine = create_engine(settings_for(server, db_ping_after_idle_seconds=3600))
    statements: list[str] = []

    def count(_conn: object, _cursor: object, statement: str, *_args: object) -> None:
        statements.append(statement)

    try:
        await _backend_pid(engine)
        event.listen(engine.sync_engine, "before_cursor_execute", count)
        await _backend_pid(engine)
        # Only the statement itself: no ping (SQLAlchemy's pre-ping would have sent three).
        assert statements == ["SELECT pg_backend_pid()"]
    finally:
        await engine.dispose()
