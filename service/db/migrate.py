"""Migrations driven from Python: upgrade, current revision, head, drift, the check at head.

The CLI and the tests go through these functions; the ``alembic`` command line works too (it
reads ``[tool.alembic]`` in ``pyproject.toml`` and the settings from the environment).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from service.config import Settings
from service.db.base import Base
from service.errors import DatabaseUnavailableError, UserError

#: The migration scripts: at the top of the repository (a checkout, an editable install), or
#: inside the package (a regular install: the wheel carries them as ``service/migrations``).
_PACKAGED = Path(__file__).resolve().parents[1] / "migrations"
SCRIPT_LOCATION = (
    _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[2] / "alembic"
)


def alembic_config(settings: Settings, connection: Connection | None = None) -> Config:
    """An Alembic configuration bound to ``settings`` (and to an open connection, if given)."""
    config = Config()
    config.set_main_option("script_location", str(SCRIPT_LOCATION))
    config.attributes["settings"] = settings
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    """The newest revision in the migration scripts."""
    heads = ScriptDirectory(str(SCRIPT_LOCATION)).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {heads}")
    return heads[0]


def describe_connection_error(settings: Settings, exc: BaseException) -> DatabaseUnavailableError:
    """One readable line for a failure to reach the database."""
    reason = getattr(exc, "orig", None) or exc
    text = " ".join(str(reason).split()) or type(reason).__name__
    return DatabaseUnavailableError(
        f"cannot reach the database at {settings.database_display}: {text}"
    )


_CONNECTION_ERRORS = (OperationalError, DBAPIError, OSError, asyncio.TimeoutError)


def _sqlite_foreign_keys(connection: Connection, on: bool) -> None:
    # On the DB-API connection, outside any transaction: inside one the pragma is a no-op.
    cursor = connection.connection.cursor()
    try:
        cursor.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    finally:
        cursor.close()


async def _migrate(engine: AsyncEngine, step: Callable[[Connection], None]) -> None:
    """Run ``step`` in one transaction. On SQLite, with foreign keys off meanwhile: batch mode
    rebuilds a table (copy, drop, rename), and dropping ``sync_run`` while ``link_check`` rows
    reference it fails when they are enforced (decision 0036). The keys are checked before the
    transaction commits, so a migration cannot leave a dangling reference behind."""
    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            await connection.run_sync(_sqlite_foreign_keys, False)
        try:
            async with connection.begin():
                await connection.run_sync(step)
                if sqlite:
                    dangling = (await connection.exec_driver_sql("PRAGMA foreign_key_check")).all()
                    if dangling:
                        raise RuntimeError(f"the migration left dangling references: {dangling}")
        finally:
            if sqlite:
                await connection.run_sync(_sqlite_foreign_keys, True)


async def upgrade(engine: AsyncEngine, settings: Settings, revision: str = "head") -> None:
    """Upgrade the database behind ``engine`` to ``revision``; a no-op when already there."""
    try:
        await _migrate(
            engine, lambda sync: command.upgrade(alembic_config(settings, sync), revision)
        )
    except _CONNECTION_ERRORS as exc:
        raise describe_connection_error(settings, exc) from exc


async def downgrade(engine: AsyncEngine, settings: Settings, revision: str) -> None:
    """Downgrade the database behind ``engine`` to ``revision``; an unknown revision is a
    :class:`UserError` naming the revisions there are."""
    try:
        await _migrate(
            engine, lambda sync: command.downgrade(alembic_config(settings, sync), revision)
        )
    except CommandError as exc:
        script = ScriptDirectory.from_config(alembic_config(settings))
        known = ", ".join(rev.revision for rev in reversed(list(script.walk_revisions())))
        raise UserError(
            f"cannot downgrade to {revision!r}: {exc} (revisions: base, {known})"
        ) from None


@dataclass(frozen=True, slots=True)
class RevisionState:
    """Where a database stands against the migration scripts."""

    current: tuple[str, ...]
    head: str

    @property
    def at_head(self) -> bool:
        return self.current == (self.head,)


async def current_state(engine: AsyncEngine, settings: Settings) -> RevisionState:
    """The database's current revision(s) and the scripts' head."""

    def read(sync: Connection) -> tuple[str, ...]:
        return tuple(MigrationContext.configure(sync).get_current_heads())

    try:
        async with engine.connect() as connection:
            current = await connection.run_sync(read)
    except _CONNECTION_ERRORS as exc:
        raise describe_connection_error(settings, exc) from exc
    return RevisionState(current=current, head=head_revision())


class DatabaseNotMigratedError(UserError):
    """The schema is not at the newest migration: a command would write into the unknown."""

    exit_code = 3


async def require_head(engine: AsyncEngine, settings: Settings) -> None:
    """Raise :class:`DatabaseNotMigratedError`, naming where the database stands, unless it is
    at the newest migration."""
    state = await current_state(engine, settings)
    if not state.at_head:
        current = ", ".join(state.current) or "empty"
        raise DatabaseNotMigratedError(
            f"the database at {settings.database_display} is not migrated ({current}, "
            f"head is {state.head}): run `mobility db upgrade`"
        )


def owned_by_models(name: str | None, type_: str, parent_names: object) -> bool:
    """Whether autogenerate compares this object: procrastinate's job schema (migration 0015
    applies it from the installed package) is not described by our models."""
    return not (type_ == "table" and (name or "").startswith("procrastinate_"))


async def drift(engine: AsyncEngine) -> Sequence[Any]:
    """Differences between the models and the migrated database (empty when in sync)."""

    def compare(sync: Connection) -> list[Any]:
        context = MigrationContext.configure(
            sync,
            opts={
                "compare_type": True,
                "render_as_batch": sync.dialect.name == "sqlite",
                "include_name": owned_by_models,
            },
        )
        with warnings.catch_warnings():
            # SQLite cannot reflect the coalesce() unique indexes; the migration tests check
            # them by behaviour instead (tests/service/db/test_models.py).
            warnings.filterwarnings("ignore", message=".*expression-based index")
            return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        return await connection.run_sync(compare)
