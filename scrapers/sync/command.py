"""``mobility sync`` and ``mobility try``: the fetcher from the command line.

Exit codes of ``sync``: 0 every link checked and recorded; 4 partial (links deferred, or schools
not recorded) or degraded (fewer than half the partner sites reached); 5 another run is in
progress; 6 the run failed (nothing recorded, or no partner site reached); 7 aborted (the run lost
its lock and stopped before its next school);
2 and 3 as for every command (configuration or user error; database unreachable or not migrated).
``try`` exits 0 when the page was reached, 1 otherwise, 2 when the URL is refused; for an HTML
page it also prints what would be extracted from it, as ``mobility extract`` does.
"""

from __future__ import annotations

import contextlib
import sys
from typing import Protocol

import click

from scrapers.extract import extract_page, format_extraction
from scrapers.fetch import Fetcher, FetchPolicy, FetchResult, UnsupportedUrlError, parse_target
from scrapers.sync.report import format_fetch, format_summary
from scrapers.sync.run import SyncReport, run_sync
from service.cli.context import CliState, pass_state, run_async
from service.config import Settings
from service.db import LinkStatus, SyncRunStatus, create_engine, require_head
from service.errors import UserError

EXIT_PARTIAL = 4
EXIT_FAILED = 6
#: The run lost its lock and stopped before its next school (recorded ABORTED).
EXIT_ABORTED = 7
_EXIT_CODES = {
    SyncRunStatus.OK: 0,
    SyncRunStatus.PARTIAL: EXIT_PARTIAL,
    SyncRunStatus.DEGRADED: EXIT_PARTIAL,
    SyncRunStatus.ABORTED: EXIT_ABORTED,
}


class _Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


class _ProgressBar:
    """click's progress bar on a terminal (it hides itself when stderr is not one)."""

    def __init__(self) -> None:
        self._stack = contextlib.ExitStack()
        self._bar: _Bar | None = None

    def start(self, total: int) -> None:
        bar = click.progressbar(length=total, label="checking links", file=sys.stderr)
        self._bar = self._stack.enter_context(bar)

    def advance(self, links: int) -> None:
        if self._bar is not None:
            self._bar.update(links)

    def close(self) -> None:
        self._stack.close()
        self._bar = None


async def _sync(
    settings: Settings,
    policy: FetchPolicy,
    schools: tuple[str, ...],
    *,
    dry_run: bool,
    refetch: bool,
) -> SyncReport:
    engine = create_engine(settings)
    progress = _ProgressBar()
    try:
        await require_head(engine, settings)
        async with Fetcher(policy) as fetcher:
            return await run_sync(
                engine,
                fetcher,
                settings=settings,
                slugs=schools,
                dry_run=dry_run,
                refetch=refetch,
                progress=progress,
            )
    finally:
        progress.close()
        await engine.dispose()


@click.command(name="sync")
@click.option(
    "--school", "schools", multiple=True, metavar="SLUG", help="Only this school (repeatable)."
)
@click.option(
    "--dry-run",
    is_flag=True,
    help="Visit, read and report what would change, but take no lock and write nothing.",
)
@click.option(
    "--refetch",
    is_flag=True,
    help="Read every page in full, even unchanged ones (after the extractors changed).",
)
@pass_state
def sync_command(state: CliState, schools: tuple[str, ...], dry_run: bool, refetch: bool) -> None:
    """Check every active link and read the partners' pages into the schools' facts.

    Visits the active links of the catalogue (or of the chosen schools), records their health,
    extracts every page fetched in full and reconciles each school's facts, one transaction per
    school.

    Exit status: 0 all links checked, 4 partial or degraded (fewer than half the partner sites
    reached), 5 a run is already in progress, 6 failed (nothing recorded, or no partner site
    reached: "0 of 16 partner sites reached: is this machine online?"), 7 aborted: the run lost
    its lock (its PostgreSQL connection or its SQLite lease) and stopped before its next school,
    recorded ABORTED with the reason.
    """
    settings = state.settings
    policy = FetchPolicy.from_settings(settings)
    slugs = tuple(dict.fromkeys(schools))
    report = run_async(lambda: _sync(settings, policy, slugs, dry_run=dry_run, refetch=refetch))
    click.echo(format_summary(report))
    code = _EXIT_CODES.get(report.status, EXIT_FAILED)
    if code:
        raise click.exceptions.Exit(code)


async def _try(policy: FetchPolicy, url: str) -> FetchResult:
    async with Fetcher(policy) as fetcher:
        return await fetcher.fetch(url)


@click.command(name="try")
@click.argument("url")
@pass_state
def try_command(state: CliState, url: str) -> None:
    """Fetch URL through the sync's fetcher, show what came back and what would be extracted.

    Writes nothing. The same rules apply as in a sync: robots.txt, the address guard, size and
    time limits.
    """
    policy = FetchPolicy.from_settings(state.settings)
    try:
        parse_target(url)
    except UnsupportedUrlError as exc:
        raise UserError(f"cannot fetch {url!r}: {exc}") from None
    result = run_async(lambda: _try(policy, url))
    if result.status is LinkStatus.SSRF_BLOCKED:
        raise UserError(f"refused to fetch {url}: {result.error}")
    click.echo(format_fetch(result))
    if result.page is not None:
        page = result.page
        extraction = extract_page(page.text, page.final_url, page.fetched_at, requested_url=url)
        click.echo()
        click.echo(format_extraction(extraction))
    if not result.reached:
        raise click.exceptions.Exit(1)
