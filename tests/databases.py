"""Throw-away test databases on SQLite and PostgreSQL, built with the migrations.

PostgreSQL comes from ``TEST_DATABASE_URL`` (a server URL; a fresh database is created on it per
test run and dropped at the end).

Migrating takes seconds on a loaded machine (PostgreSQL: 7-11 s wall, measured under load 24),
so each test process migrates one template database per backend, the first time it needs one,
and every migrated database after that is a copy of it: ``CREATE DATABASE … TEMPLATE`` on
PostgreSQL, SQLite's online backup of the template file. :func:`drop_templates` removes them at
the end of the run (tests/conftest.py).

Without ``TEST_DATABASE_URL``, PostgreSQL tests skip with a visible reason, unless
``REQUIRE_POSTGRES=1``, which turns the skip into a failure (CI sets it).
"""

from __future__ import annotations

import os
import secrets
import shutil
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
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

    @property
    def url(self) -> str:
        """Its URL, password included: a child process's ``DATABASE_URL``."""
        return self.settings.database.render_as_string(hide_password=False)


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


#: The URL of this process's migrated template per backend (a SQLite file, a PostgreSQL database).
_TEMPLATES: dict[str, URL] = {}
_TEMPLATE_DIRECTORY: list[Path] = []


async def _template(backend: str) -> URL:
    """This process's migrated template for ``backend``, migrated the first time."""
    found = _TEMPLATES.get(backend)
    if found is not None:
        return found
    if backend == "sqlite":
        if not _TEMPLATE_DIRECTORY:
            _TEMPLATE_DIRECTORY.append(Path(tempfile.mkdtemp(prefix="mobility-templates-")))
        path = _TEMPLATE_DIRECTORY[0] / "template.sqlite3"
        url = URL.create("sqlite+aiosqlite", database=str(path))
    else:
        server = postgres_server_url()
        name = f"mobility_template_{os.getpid()}_{secrets.token_hex(4)}"
        await _postgres_statement(server, f'CREATE DATABASE "{name}"')
        url = server.set(database=name)
    settings = settings_for(url)
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine, settings)
    finally:
        # No connection may stay on a PostgreSQL template while it is copied.
        await engine.dispose()
    _TEMPLATES[backend] = url
    return url


async def _postgres_statement(server: URL, statement: str) -> None:
    """One statement outside a transaction (CREATE/DROP DATABASE) on the server's database."""
    admin = create_engine(settings_for(server), poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            await connection.execute(text(statement))
    except OSError as exc:
        await _postgres_unreachable(server, exc)
    finally:
        await admin.dispose()


@asynccontextmanager
async def migrated_database(backend: str, tmp_dir: Path) -> AsyncIterator[TestDatabase]:
    """A database at the newest migration (a copy of this process's template), with its engine."""
    template = await _template(backend)
    if backend == "sqlite":
        path = tmp_dir / f"test-{secrets.token_hex(4)}.sqlite3"
        with (
            closing(sqlite3.connect(str(template.database))) as source,
            closing(sqlite3.connect(path)) as target,
        ):
            source.backup(target)
        settings = settings_for(URL.create("sqlite+aiosqlite", database=str(path)))
        engine = create_engine(settings)
        try:
            yield TestDatabase(backend=backend, settings=settings, engine=engine)
        finally:
            await engine.dispose()
        return
    server = postgres_server_url()
    name = f"mobility_test_{os.getpid()}_{secrets.token_hex(4)}"
    await _postgres_statement(server, f'CREATE DATABASE "{name}" TEMPLATE "{template.database}"')
    settings = settings_for(server.set(database=name))
    engine = create_engine(settings)
    try:
        yield TestDatabase(backend=backend, settings=settings, engine=engine)
    finally:
        await engine.dispose()
        await _postgres_statement(server, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def drop_templates() -> None:
    """Remove this process's templates (the end of the test run)."""
    for backend, url in list(_TEMPLATES.items()):
        del _TEMPLATES[backend]
        if backend != "sqlite":
            await _postgres_statement(
                postgres_server_url(), f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'
            )
    for directory in _TEMPLATE_DIRECTORY:
        shutil.rmtree(directory, ignore_errors=True)
    _TEMPLATE_DIRECTORY.clear()
