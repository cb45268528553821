"""Throw-away test databases on SQLite and PostgreSQL, built with the migrations.

PostgreSQL comes from ``TEST_DATABASE_URL`` (a server URL; a fresh database is created on it per
test run and dropped at the end). Without it, PostgreSQL tests skip with a visible reason, unless
``REQUIRE_POSTGRES=1``, which turns the skip into a failure (CI sets it).
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from service.config import Settings, parse_database_url
from service.db import migrate
from service.db.engine import create_engine

BACKENDS = ("sqlite", "postgres")


def _flag(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}


def postgres_server_url() -> URL:
    """The PostgreSQL server to create test databases on, or skip (or fail) with the reason."""
    raw = os.environ.get("TEST_DATABASE_URL", "").strip()
    if not raw:
        reason = "PostgreSQL tests need TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/postgres)"
        if _flag("REQUIRE_POSTGRES"):
            pytest.fail(f"REQUIRE_POSTGRES=1 but {reason}", pytrace=False)
        pytest.skip(reason)
    return parse_database_url(raw)


def settings_for(url: URL, **overrides: object) -> Settings:
    return Settings(
        database_url=url.render_as_string(hide_password=False),
        _env_file=None,
        **overrides,  # type: ignore[arg-type]
    )


@dataclass(frozen=True, slots=True)
class TestDatabase:
    """A migrated database and the engine and settings that reach it."""

    __test__ = False  # not a test class, whatever pytest thinks of its name

    backend: str
    settings: Settings
    engine: AsyncEngine


async def _postgres_unreachable(server: URL, exc: BaseException) -> None:
    message = f"PostgreSQL at {server.render_as_string(hide_password=True)} is unreachable: {exc}"
    if _flag("REQUIRE_POSTGRES"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@asynccontextmanager
async def empty_database(backend: str, tmp_dir: Path) -> AsyncIterator[Settings]:
    """A brand-new empty database (no tables); dropped or deleted afterwards."""
    if backend == "sqlite":
        path = tmp_dir / f"test-{secrets.token_hex(4)}.sqlite3"
        yield settings_for(URL.create("sqlite+aiosqlite", database=str(path)))
        return
    server = postgres_server_url()
    name = f"mobility_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(settings_for(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OSError as exc:
        await admin.dispose()
        await _postgres_unreachable(server, exc)
    try:
        yield settings_for(server.set(database=name))
    finally:
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@asynccontextmanager
async def migrated_database(backend: str, tmp_dir: Path) -> AsyncIterator[TestDatabase]:
    """An empty database upgraded to the newest migration, with its engine."""
    async with empty_database(backend, tmp_dir) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            yield TestDatabase(backend=backend, settings=settings, engine=engine)
        finally:
            await engine.dispose()
