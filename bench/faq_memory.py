"""Benchmark: the memory an FAQ import costs, against the page's size.

    .venv/bin/python -m bench.faq_memory --schools 10000

Imports a synthetic page (``bench.generate_catalogue``) into a fresh SQLite database and prints
the page's size, the tracemalloc peak of the parse alone and of the whole import (Python
allocations made after the page exists, the page itself not counted), and the growth of the
process's peak RSS during the import (the C libraries' memory, cmark's and lxml's, included),
measured first, in an import without tracemalloc.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import resource
import tracemalloc

from bench.faq_import import bench_database
from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq import import_faq, parse_page
from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker


def _peak_rss_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def traced_peak(work: object) -> int:
    """The tracemalloc peak (bytes) while ``work()`` runs, above what was allocated before."""
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    base, _ = tracemalloc.get_traced_memory()
    try:
        work()  # type: ignore[operator]
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak - base


async def _import_into_new_database(page: str, *, traced: bool) -> int:
    """Import ``page`` into a new SQLite database: the tracemalloc peak above what existed
    before (``traced``), else the growth of the process's peak RSS."""
    async with bench_database(None) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            gc.collect()
            rss_before = _peak_rss_bytes()
            if traced:
                tracemalloc.start()
                base, _ = tracemalloc.get_traced_memory()
            async with create_sessionmaker(engine)() as session:
                await import_faq(session, page)
                await session.commit()
            if traced:
                _, peak = tracemalloc.get_traced_memory()
                tracemalloc.stop()
                return peak - base
            return _peak_rss_bytes() - rss_before
        finally:
            await engine.dispose()


async def run(schools: int, seed: int) -> None:
    page = render_faq(generate_schools(schools, seed), seed)
    size = len(page.encode("utf-8"))
    # RSS first, without tracemalloc (which costs memory of its own), while the process's peak
    # is still that of building the page.
    rss_growth = await _import_into_new_database(page, traced=False)
    parse = traced_peak(lambda: parse_page(page))
    imported = await _import_into_new_database(page, traced=True)
    print(
        f"page {size / 1e6:.2f} MB ({schools} schools); tracemalloc peak: parse "
        f"{parse / 1e6:.1f} MB ({parse / size:.1f}x), import {imported / 1e6:.1f} MB "
        f"({imported / size:.1f}x); peak RSS growth during the import {rss_growth / 1e6:.1f} MB "
        f"({rss_growth / size:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    arguments = parser.parse_args()
    asyncio.run(run(arguments.schools, arguments.seed))


if __name__ == "__main__":
    main()
