"""Migrations build the schema on both backends, match the models, and go down and up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from service.config import Settings
from service.db import migrate
from service.db.base import Base
from service.db.engine import create_engine, create_sessionmaker
from tests.databases import BACKENDS, empty_database
from tests.scrapers.faq.seed import import_seed


@asynccontextmanager
async def _empty(backend: str, tmp_path: Path) -> AsyncIterator[tuple[Settings, AsyncEngine]]:
    """A brand-new empty database and an engine on it (disposed afterwards)."""
    async with empty_database(backend, tmp_path) as settings:
        engine = create_engine(settings)
        try:
            yield settings, engine
        finally:
            await engine.dispose()


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_upgrade_from_empty_to_head_matches_the_models(backend: str, tmp_path: Path) -> None:
    async with _empty(backend, tmp_path) as (settings, engine):
        assert (await migrate.current_state(engine, settings)).current == ()
        await migrate.upgrade(engine, settings)
        state = await migrate.current_state(engine, settings)
        assert state.at_head
        assert await _tables(engine) == set(Base.metadata.tables) | _job_engine(backend)
        assert list(await migrate.drift(engine)) == []


def _job_engine(backend: str) -> set[str]:
    """PostgreSQL also gets procrastinate's tables (migration 0015, decision 0130)."""
    if backend != "postgres":
        return set()
    return {f"procrastinate_{name}" for name in ("jobs", "workers", "events", "periodic_defers")}


async def test_the_job_schema_is_procrastinates_own(tmp_path: Path) -> None:
    """The schema migration 0015 applies is the installed package's: its queries run on it."""
    from procrastinate.schema import SchemaManager

    async with _empty("postgres", tmp_path) as (settings, engine):
        await migrate.upgrade(engine, settings)
        async with engine.connect() as connection:
            functions = set(
                await connection.scalars(
                    text("SELECT proname FROM pg_proc WHERE proname LIKE 'procrastinate%'")
                )
            )
        shipped = SchemaManager.get_schema()
        assert functions
        assert all(f"FUNCTION {name}(" in shipped for name in functions)
        await migrate.downgrade(engine, settings, "0010")
        async with engine.connect() as connection:
            left = await connection.scalar(
                text("SELECT count(*) FROM pg_proc WHERE proname LIKE 'procrastinate%'")
            )
        assert left == 0


@pytest.mark.parametrize("backend", BACKENDS)
async def test_upgrade_twice_is_a_no_op(backend: str, tmp_path: Path) -> None:
    async with _empty(backend, tmp_path) as (settings, engine):
        await migrate.upgrade(engine, settings)
        await migrate.upgrade(engine, settings)
        assert (await migrate.current_state(engine, settings)).at_head


@pytest.mark.parametrize("backend", BACKENDS)
async def test_downgrade_to_base_then_upgrade_again(backend: str, tmp_path: Path) -> None:
    async with _empty(backend, tmp_path) as (settings, engine):
        await migrate.upgrade(engine, settings)
        await migrate.downgrade(engine, settings, "base")
        assert await _tables(engine) == set()
        assert (await migrate.current_state(engine, settings)).current == ()
        await migrate.upgrade(engine, settings)
        assert (await migrate.current_state(engine, settings)).at_head
        assert list(await migrate.drift(engine)) == []


def test_migrations_have_a_single_head() -> None:
    assert migrate.head_revision()


async def _count(engine: AsyncEngine, table: str) -> int:
    async with engine.connect() as connection:
        return int(await connection.scalar(text(f"SELECT count(*) FROM {table}")) or 0)


@pytest.mark.reliability
@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_synced_database_migrates_up_and_down_past_0005(
    backend: str, tmp_path: Path
) -> None:
    # On SQLite, batch mode rebuilds sync_run, which link_check rows reference: with foreign keys
    # enforced, that DROP failed on any synced database (issue 17).
    async with _empty(backend, tmp_path) as (settings, engine):
        await migrate.upgrade(engine, settings, "0007")
        async with create_sessionmaker(engine)() as session:
            await import_seed(session)
        async with engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO sync_run (id, started_at, finished_at, status, schools, "
                    "links_total, links_checked, counts, errors, runner, facts) VALUES "
                    "(1, '2026-12-01 00:00:00+00', '2026-12-01 00:01:00+00', 'OK', '[]', "
                    "1, 1, '{}', '{}', 'host:1:abc', '{}')"
                )
            )
            await connection.execute(
                text(
                    "INSERT INTO link_check (run_id, link_id, url, status, redirects, "
                    "checked_at) SELECT 1, id, url, 'OK', '[]', '2026-12-01 00:00:30+00' "
                    "FROM link"
                )
            )
        links = await _count(engine, "link")
        assert links > 0

        await migrate.upgrade(engine, settings)
        assert await _count(engine, "link_check") == links
        await migrate.downgrade(engine, settings, "0003")
        assert await _count(engine, "link_check") == links
        assert (await migrate.current_state(engine, settings)).current == ("0003",)
        await migrate.downgrade(engine, settings, "base")
        assert await _tables(engine) == set()
        await migrate.upgrade(engine, settings)
        assert list(await migrate.drift(engine)) == []


async def test_0019_moves_waiting_admin_requests_to_procrastinate_and_back(
    tmp_path: Path,
) -> None:
    """Waiting requests get their jobs (a running one, of a stopped scheduler, waits again;
    identical ones are merged into the oldest); downgrade gives the table queue them back."""
    insert = text(
        "INSERT INTO job_request (id, kind, schools, url, dedupe_key, status, requested_at, "
        "requested_by) VALUES (:id, :kind, '[]', NULL, :key, :status, now(), 'token:a')"
    )
    rows = [
        {"id": 1, "kind": "sync", "key": "k-sync", "status": "queued"},
        {"id": 2, "kind": "import_faq", "key": "k-faq", "status": "running"},
        {"id": 3, "kind": "sync", "key": "k-sync", "status": "queued"},
        {"id": 4, "kind": "sync", "key": "k-done", "status": "done"},
    ]
    jobs = text(
        "SELECT (args->>'request_id')::int, lock, queueing_lock, status::text "
        "FROM procrastinate_jobs WHERE queue_name = 'admin' ORDER BY 1"
    )
    statuses = text("SELECT id, status FROM job_request ORDER BY id")
    async with _empty("postgres", tmp_path) as (settings, engine):
        await migrate.upgrade(engine, settings, "0015")
        async with engine.begin() as connection:
            await connection.execute(insert, rows)
        await migrate.upgrade(engine, settings, "0019")
        async with engine.connect() as connection:
            assert (await connection.execute(jobs)).all() == [
                (1, "sync-run", "request:k-sync", "todo"),
                (2, None, "request:k-faq", "todo"),
            ]
            assert (await connection.execute(statuses)).all() == [
                (1, "queued"),
                (2, "queued"),
                (3, "failed"),
                (4, "done"),
            ]
            await connection.execute(
                text(
                    "UPDATE procrastinate_jobs SET status = 'doing' WHERE args->>'request_id' = '2'"
                )
            )
            await connection.execute(text("UPDATE job_request SET status = 'running' WHERE id = 2"))
            await connection.commit()
        await migrate.downgrade(engine, settings, "0015")
        async with engine.connect() as connection:
            assert (await connection.execute(jobs)).all() == []
            assert (await connection.execute(statuses)).all()[:2] == [
                (1, "queued"),
                (2, "queued"),
            ]
