"""Benchmark: the memory an FAQ import costs, against the page's size.

    .venv/bin/python -m bench.faq_memory --schools 10000 [--again]

Imports a synthetic page (``bench.generate_catalogue``) into a fresh SQLite database and prints
the page's size, the tracemalloc peak of the parse alone and of the whole import (Python
allocations made after the page exists, the page itself not counted), and the growth of the
process's peak RSS during the import (the C libraries' memory, cmark's and lxml's, included),
measured first, in an import without tracemalloc. With ``--again`` what is measured is a second
import of the page: the first is made and committed in a process of its own, so that this
process's peak RSS is still that of building the page when the second starts.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import resource
import tracemalloc
from concurrent.futures import ProcessPoolExecutor

from bench.faq_import import bench_database
from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq import import_faq, parse_page
from service.config import Settings
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


async def _commit_import(database_url: str, page: str) -> None:
    settings = Settings(database_url=database_url, _env_file=None)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await import_faq(session, page)
            await session.commit()
    finally:
        await engine.dispose()


def _import_elsewhere(database_url: str, page: str) -> None:
    """Import ``page`` and commit it, in a process of its own (its memory is not this one's)."""
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as child:
        child.submit(_run_commit_import, database_url, page).result()


def _run_commit_import(database_url: str, page: str) -> None:
    asyncio.run(_commit_import(database_url, page))


async def _import_into_new_database(page: str, *, traced: bool, again: bool = False) -> int:
    """Import ``page`` into a new SQLite database: the tracemalloc peak above what existed
    before (``traced``), else the growth of the process's peak RSS. With ``again``, the page is
    imported into it first (elsewhere) and what is measured is the second import."""
    async with bench_database(None) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            if again:
                url = settings.database.render_as_string(hide_password=False)
                await asyncio.to_thread(_import_elsewhere, url, page)
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


async def run(schools: int, seed: int, *, again: bool = False) -> None:
    page = render_faq(generate_schools(schools, seed), seed)
    size = len(page.encode("utf-8"))
    # RSS first, without tracemalloc (which costs memory of its own), while the process's peak
    # is still that of building the page.
    rss_growth = await _import_into_new_database(page, traced=False, again=again)
    parse = traced_peak(lambda: parse_page(page))
    imported = await _import_into_new_database(page, traced=True, again=again)
    which = "second import" if again else "import"
    print(
        f"page {size / 1e6:.2f} MB ({schools} schools); tracemalloc peak: parse "
        f"{parse / 1e6:.1f} MB ({parse / size:.1f}x), {which} {imported / 1e6:.1f} MB "
        f"({imported / size:.1f}x); peak RSS growth during the {which} {rss_growth / 1e6:.1f} MB "
        f"({rss_growth / size:.1f}x)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--again", action="store_true", help="measure a second import of the same page"
    )
    arguments = parser.parse_args()
    asyncio.run(run(arguments.schools, arguments.seed, again=arguments.again))


if __name__ == "__main__":
    main()
