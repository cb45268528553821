"""``mobility schedule``: the long-running scheduler (docs/operations/scheduler.md).

Exit status: 0 stopped by SIGTERM/SIGINT after the work in flight (or ``--once`` done); 1 the
``--once`` pass failed (logged); 2 configuration error (a bad cron expression, no
``FETCH_CONTACT_URL``); 3 the database is unreachable or not migrated; 130 stopped at once by a
second signal.
"""

from __future__ import annotations

import click

from scrapers.fetch import FetchPolicy
from scrapers.schedule.assemble import assemble_scheduler
from scrapers.schedule.clock import SystemClock
from scrapers.schedule.heartbeat import STALE_AFTER_SECONDS, heartbeat, heartbeat_is_fresh
from scrapers.schedule.signals import serve_until_signalled
from service.cli.context import CliState, pass_state, run_async
from service.config import Settings
from service.db import create_engine, require_head
from service.errors import UserError
from service.observability import configure_logging


async def _serve(settings: Settings, *, once: bool) -> int:
    # A configuration error stops the process before it creates or connects to anything.
    FetchPolicy.from_settings(settings)
    engine = create_engine(settings)
    try:
        async with assemble_scheduler(settings, engine, clock=SystemClock()) as scheduler:
            await require_head(engine, settings)
            async with heartbeat(settings.scheduler.heartbeat_file):
                return await serve_until_signalled(scheduler, once=once)
    finally:
        await engine.dispose()


@click.command(name="schedule")
@click.option(
    "--once",
    is_flag=True,
    help="Run what is due (or never run) and what is queued now, deliver due webhooks, then exit.",
)
@click.option(
    "--check-heartbeat",
    is_flag=True,
    help="Exit 0 if the running scheduler's SCHEDULER_HEARTBEAT_FILE is fresh, 1 otherwise "
    "(a container healthcheck); starts nothing.",
)
@pass_state
def schedule_command(state: CliState, once: bool, check_heartbeat: bool) -> None:
    """Keep the catalogue fresh: re-import the FAQ page and sync the partner sites on their cron
    schedules (FAQ_SCHEDULE, SYNC_SCHEDULE), run the syncs and imports queued through the API,
    and deliver webhooks.

    SIGTERM or SIGINT: the school in flight is finished and committed, the run recorded as
    interrupted, the run lock released, and the process exits 0 (a second signal: 130 at once).
    Exit status: 0 stopped, 1 the --once pass failed (or, with --check-heartbeat, the heartbeat
    is stale), 2 configuration error, 3 database unreachable or not migrated.
    """
    settings = state.settings
    if check_heartbeat:
        path = settings.scheduler.heartbeat_file
        if path is None:
            raise UserError("--check-heartbeat needs SCHEDULER_HEARTBEAT_FILE")
        if not heartbeat_is_fresh(path):
            click.echo(f"no heartbeat in {path} for {STALE_AFTER_SECONDS:.0f} s", err=True)
            raise click.exceptions.Exit(1)
        return
    configure_logging(settings)
    code = run_async(lambda: _serve(settings, once=once))
    if code:
        raise click.exceptions.Exit(code)
