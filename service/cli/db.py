"""``mobility db …``: migrate the database and say where it stands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import click
from sqlalchemy.ext.asyncio import AsyncEngine

from service.cli.context import CliState, pass_state, run_async
from service.config import Settings
from service.db import RevisionState, create_engine, current_state, downgrade, upgrade


@click.group(name="db")
def db_group() -> None:
    """Database schema: upgrade or downgrade it, show its revision."""


@db_group.command(name="upgrade")
@click.argument("revision", default="head")
@pass_state
def upgrade_command(state: CliState, revision: str) -> None:
    """Apply migrations up to REVISION (default: head). Running it again is a no-op."""
    before, after = _migrate(state, upgrade, revision)
    where = state.settings.database_display
    if before.current == after.current:
        click.echo(f"{where}: already at {_label(after)}, nothing to do")
    else:
        click.echo(f"{where}: upgraded {_label(before)} -> {_label(after)}")


@db_group.command(name="downgrade")
@click.argument("revision")
@pass_state
def downgrade_command(state: CliState, revision: str) -> None:
    """Undo migrations down to REVISION (a revision id, or base). Works on a database that holds
    data, SQLite included; the data of the tables a revision created goes with them."""
    before, after = _migrate(state, downgrade, revision)
    click.echo(f"{state.settings.database_display}: downgraded {_label(before)} -> {_label(after)}")


@db_group.command(name="current")
@pass_state
def current_command(state: CliState) -> None:
    """Print the database's revision and whether it is at the newest (exit 1 if behind)."""
    settings = state.settings

    async def main() -> RevisionState:
        engine = create_engine(settings)
        try:
            return await current_state(engine, settings)
        finally:
            await engine.dispose()

    result = run_async(main)
    status = "at head" if result.at_head else f"behind head {result.head}"
    click.echo(f"{settings.database_display}: {_label(result)} ({status})")
    if not result.at_head:
        raise click.exceptions.Exit(1)


def _migrate(
    state: CliState,
    move: Callable[[AsyncEngine, Settings, str], Awaitable[None]],
    revision: str,
) -> tuple[RevisionState, RevisionState]:
    """Run ``move`` (``migrate.upgrade`` or ``downgrade``) to ``revision``; where the database
    stood before it and after."""
    settings = state.settings

    async def main() -> tuple[RevisionState, RevisionState]:
        engine = create_engine(settings)
        try:
            before = await current_state(engine, settings)
            await move(engine, settings, revision)
            return before, await current_state(engine, settings)
        finally:
            await engine.dispose()

    return run_async(main)


def _label(state: RevisionState) -> str:
    return ", ".join(state.current) or "empty (no revision)"
