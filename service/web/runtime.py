"""What the application holds while it runs (made in the lifespan): engine, sessions, versions."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import configure_mappers
from starlette.applications import Starlette
from starlette.requests import Request

from service.background import run_alongside
from service.catalogue import read_catalogue_bounds
from service.config import Settings
from service.db import (
    WRITE_INTENT,
    create_engine,
    create_sessionmaker,
    read_data_version,
    release_kept,
    serving_settings,
)
from service.web.data_version import DataVersionClock

logger = logging.getLogger("service.web")


@dataclass(frozen=True, slots=True)
class Runtime:
    """The engine, session factory and data-version clock of a running application."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    versions: DataVersionClock
    #: Whether every connection of ``engine`` stops its statements at the request deadline by
    #: itself (PostgreSQL's ``statement_timeout`` set as it connects): a single statement may
    #: then run outside a transaction, with no ``SET`` of its own (decision 0150).
    statement_timeout_set: bool = False

    async def read_session(self, *, read_only: bool) -> AsyncSession:
        """A session whose reads see one snapshot of the database.

        On PostgreSQL the transaction is REPEATABLE READ (and READ ONLY for queries), so a
        sync committing half-way through a request cannot mix old and new data in one
        response. SQLite in WAL mode gives a snapshot per transaction already.
        """
        session = self.sessions()
        if self.engine.dialect.name == "postgresql":
            try:
                await session.connection(
                    execution_options={
                        "isolation_level": "REPEATABLE READ",
                        "postgresql_readonly": read_only,
                    }
                )
            except BaseException:
                await session.close()
                raise
        return session

    async def write_session(self) -> AsyncSession:
        """A session for an admin mutation, which the request commits when it succeeds.

        On SQLite its transaction starts with ``BEGIN IMMEDIATE``: it waits for a running
        sync's write (up to the busy timeout) instead of failing when that sync commits
        between the mutation's reads and its first write. On PostgreSQL it runs at the
        default READ COMMITTED: the writes are single rows and upserts.
        """
        session = self.sessions()
        try:
            await session.connection(execution_options={WRITE_INTENT: True})
        except BaseException:
            await session.close()
            raise
        return session


def build_lifespan(
    settings: Settings,
) -> Callable[[Starlette], AbstractAsyncContextManager[None]]:
    """Creates the engine at startup and disposes of it at shutdown (nothing at import time)."""

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        # Mapper configuration is a one-off ~0.1-0.3 s: done here, not in the first request.
        configure_mappers()
        # What the process holds now (modules, the schema, the mappers) lives as long as it
        # does: out of the collector's generations, a full collection during a request walks
        # only what requests allocated (a gen-2 pass over the whole heap held the event loop
        # ~100 ms in the test of /healthz beside the heaviest allowed query).
        gc.freeze()
        # Every statement of this process runs within a request's deadline (or is shorter: the
        # version clock's read, the warm-up, /readyz): PostgreSQL stops it there by itself.
        engine = create_engine(
            settings, server_settings=serving_settings(settings.request_deadline_seconds)
        )
        sessions = create_sessionmaker(engine)

        async def read_version() -> int:
            async with sessions() as session:
                return await read_data_version(session)

        versions = DataVersionClock(read_version, max_age=settings.data_version_max_age_seconds)
        app.state.runtime = Runtime(
            engine=engine,
            sessions=sessions,
            versions=versions,
            statement_timeout_set=engine.dialect.name == "postgresql",
        )
        try:
            # In the background: a server whose database is down still starts (and says so).
            async with run_alongside(_warm_up(sessions)):
                yield
        finally:
            await versions.wait_idle()
            await release_kept(engine)  # the compiled reads' kept connections (decision 0290)
            await engine.dispose()
            gc.unfreeze()

    return lifespan


async def _warm_up(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Run once the statements every GraphQL request needs first, so that SQLAlchemy compiles
    them here: the catalogue bounds' statement alone took ~0.25 s to compile, which the first
    request after startup paid (a refused depth-10 cycle answered in 0.4-0.5 s instead of
    20 ms). A database that is down or not migrated is no error here: requests will say so."""
    try:
        async with sessions() as session:
            await read_data_version(session)
            await read_catalogue_bounds(session)
    except (DBAPIError, OSError) as error:
        logger.info("warm-up skipped: the database is not readable yet (%s)", type(error).__name__)


def runtime_of(request: Request) -> Runtime:
    """The runtime of the application serving ``request``."""
    return runtime_of_app(request.app)


def runtime_of_app(app: Starlette) -> Runtime:
    """The runtime of ``app`` (made by its lifespan)."""
    runtime = getattr(app.state, "runtime", None)
    if not isinstance(runtime, Runtime):
        raise RuntimeError("the application's lifespan has not run (no database engine)")
    return runtime
