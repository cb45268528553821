"""``mobility import-faq [SOURCE]``: import the FAQ page into the catalogue, in one transaction."""

from __future__ import annotations

import click

from scrapers.faq.errors import SourceRegressionError
from scrapers.faq.importer import import_faq
from scrapers.faq.plan import has_revisions
from scrapers.faq.read import read_source
from scrapers.faq.report import ImportReport, announce_import, format_report
from service.cli.context import CliState, pass_state, run_async
from service.db import (
    IMPORTED_TABLES,
    analyze_tables,
    create_engine,
    create_sessionmaker,
    require_head,
)

SEED_ALREADY_IMPORTED = (
    "the catalogue already holds an imported FAQ page; the packaged seed is only imported into "
    "an empty catalogue (give a SOURCE to import a page): nothing to do"
)


@click.command(
    name="import-faq",
    short_help="Import the FAQ page (a file, a URL or the packaged seed).",
)
@click.argument("source", required=False)
@click.option("--dry-run", is_flag=True, help="Show what would change, write nothing.")
@click.option("--force", is_flag=True, help="Import a page even if it is a source regression.")
@pass_state
def import_faq_command(state: CliState, source: str | None, dry_run: bool, force: bool) -> None:
    """Import the FAQ page SOURCE (a file, or an http(s) URL) into the catalogue.

    Markdown with front matter and the published HTML page are both understood. Without
    SOURCE, the seed page shipped with the package is imported into an empty catalogue (and
    nothing happens once a page has been imported). Importing the same page again changes
    nothing; a page that lost most partners or every count is refused unless --force.
    A URL is fetched like the sync's pages: only public addresses, at every redirect.
    Exit status: 0 imported (or nothing to do), 2 unusable source (nested too deep, too large,
    a URL leading to a non-public address), 3 database unreachable or not migrated, 4 URL
    unreachable, 5 source regression refused.
    """
    settings = state.settings

    async def main() -> ImportReport | None:
        document = await read_source(
            source,
            max_bytes=settings.faq.max_bytes,
            time_limit=settings.faq.fetch_timeout,
            allowed_networks=settings.fetch.allowed_networks,
            contact_url=settings.fetch.contact_url,
        )
        engine = create_engine(settings)
        try:
            await require_head(engine, settings)
            async with create_sessionmaker(engine)() as session:
                if document.is_seed and await has_revisions(session):
                    return None
                report = await import_faq(
                    session,
                    document,
                    force=force,
                    dry_run=dry_run,
                    max_items=settings.faq.max_items,
                    max_schools=settings.faq.max_schools,
                )
                if dry_run:
                    await session.rollback()
                else:
                    await announce_import(session, settings.webhook.urls, report)
                    await session.commit()
                    await analyze_tables(session, IMPORTED_TABLES)
                return report
        finally:
            await engine.dispose()

    report = run_async(main)
    if report is None:
        click.echo(SEED_ALREADY_IMPORTED)
        return
    for line in format_report(report):
        click.echo(line)
    if report.refused and report.regression is not None:
        raise SourceRegressionError(f"{report.source}: {report.regression.message}")
