"""``mobility worker``: works on the host partitions of sync runs, on PostgreSQL.

A worker claims partition jobs from procrastinate's queue ``sync`` (decision 0130), visits each
partition's schools with its own fetcher (robots.txt, per-host delay and concurrency: every link
of a host is in one partition, so politeness stays global per host) and writes them school by
school. Runs are started as before (``mobility sync``, the scheduler); workers add hands. Any
number can run, on any machine that reaches the database; one killed mid-partition is noticed
by its missing heartbeat and its partition is given to another, which skips the schools already
written. SIGINT/SIGTERM stop it at once: its partitions are given back the same way.

SQLite has no job engine: a run there is one process, and this command refuses to start.
"""

from __future__ import annotations

import click

from scrapers.fetch import Fetcher, FetchPolicy
from scrapers.sync.lock import runner_name
from scrapers.sync.page_reader import ReadPage, extraction_processes, open_page_reader, read_page
from scrapers.sync.partitioned import PartitionRunner, create_job_app, run_worker
from scrapers.sync.school_facts import SchoolFactsReader
from service.cli.context import CliState, pass_state, run_async
from service.config import Settings
from service.db import create_engine
from service.errors import ConfigError


async def work_on_partitions(
    settings: Settings,
    policy: FetchPolicy,
    concurrency: int,
    *,
    signals: bool = True,
    read: ReadPage = read_page,
) -> None:
    """Run a worker until SIGINT or SIGTERM (``signals``; else until cancelled).

    Its partitions' pages are extracted in a pool of ``SYNC_EXTRACT_PROCESSES`` processes (one
    per core by default), shared by every partition it works on, as a one-process sync does: a
    page whose process dies is tried once more alone, then is that page's read failure
    (:mod:`.page_reader`).
    """
    engine = create_engine(settings)
    try:
        async with (
            Fetcher(policy) as fetcher,
            open_page_reader(extraction_processes(settings), read=read) as pages,
        ):
            app = create_job_app(settings, pool_size=concurrency + 4)
            runner = PartitionRunner(engine, fetcher, settings, SchoolFactsReader(pages))
            async with app.open_async():
                await run_worker(
                    app,
                    runner,
                    settings=settings,
                    concurrency=concurrency,
                    name=f"worker:{runner_name()}",
                    signals=signals,
                )
    finally:
        await engine.dispose()


@click.command(name="worker")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 1_000),
    default=None,
    help="Partitions worked on at once (default: SYNC_WORKER_CONCURRENCY).",
)
@pass_state
def worker_command(state: CliState, concurrency: int | None) -> None:
    """Work on the host partitions of sync runs (PostgreSQL), until SIGINT or SIGTERM."""
    settings = state.settings
    if settings.database.get_backend_name() != "postgresql":
        raise ConfigError(
            "`mobility worker` needs PostgreSQL (DATABASE_URL); on SQLite a sync runs in "
            "the process that starts it"
        )
    policy = FetchPolicy.from_settings(settings)
    run_async(
        lambda: work_on_partitions(
            settings, policy, concurrency or settings.sync.worker_concurrency
        )
    )
