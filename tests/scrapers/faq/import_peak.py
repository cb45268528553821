"""The tracemalloc peak of one FAQ import, measured in a process of its own.

A test process has run other tests before: its event loop (one per session) may still run their
tasks, its threads their servers, and its caches hold what they built. Whatever they allocate
while the import is traced counts in its peak, so the figure would depend on the order of the
tests. :func:`import_peak` spawns a fresh interpreter, which imports only what the import needs,
runs one event loop with nothing else on it, and sends back what it measured.
"""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import tracemalloc
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

from sqlalchemy.engine import make_url


@dataclass(frozen=True, slots=True)
class ImportPeak:
    """What one traced import of a generated page measured."""

    page_bytes: int
    peak_bytes: int
    schools_added: int
    offers_added: int
    #: Whether the traced import's plan was empty (a second import of the same page).
    nothing_to_write: bool


def import_peak(database_url: str, schools: int, seed: int, *, again: bool = False) -> ImportPeak:
    """Import a generated page of ``schools`` into the migrated, empty ``database_url`` (a smaller
    page first warms the process, as a server's or a scheduler's second import finds it).

    With ``again`` the page is imported and committed once before, untraced: what is measured
    is a second import of the same page, which finds all of it in the database."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as child:
        return child.submit(_measure, database_url, schools, seed, again).result()


def _measure(database_url: str, schools: int, seed: int, again: bool) -> ImportPeak:
    return asyncio.run(_traced_import(database_url, schools, seed, again))


async def _traced_import(database_url: str, schools: int, seed: int, again: bool) -> ImportPeak:
    from bench.generate_catalogue import generate_schools, render_faq
    from scrapers.faq import import_faq
    from service.db.engine import create_engine, create_sessionmaker
    from tests.databases import settings_for

    page = render_faq(generate_schools(schools, seed), seed)
    engine = create_engine(settings_for(make_url(database_url)))
    try:
        maker = create_sessionmaker(engine)
        async with maker() as session:
            await import_faq(session, render_faq(generate_schools(40, 5), 5), dry_run=True)
        if again:
            async with maker() as session:
                await import_faq(session, page)
                await session.commit()
        gc.collect()
        tracemalloc.start()
        try:
            base, _ = tracemalloc.get_traced_memory()
            async with maker() as session:
                report = await import_faq(session, page)
                await session.commit()
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    finally:
        await engine.dispose()
    return ImportPeak(
        page_bytes=len(page.encode("utf-8")),
        peak_bytes=peak - base,
        schools_added=len(report.plan.schools.added),
        offers_added=len(report.plan.offers.added),
        nothing_to_write=report.plan.is_empty,
    )
