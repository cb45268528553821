"""The whole import's memory against the page's size (issue 17 item 5, decisions 0205-0207).

The tracemalloc peak of everything ``import_faq`` allocates (the page's text exists before and is
not counted) on a generated page of 3,000 schools, into an empty SQLite catalogue. Not timed.
A smaller page first warms the process (SQLAlchemy's compiled statements, the country names'
locale data), as a server's or a scheduler's second import finds it.
"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

import pytest

from bench.generate_catalogue import generate_schools, render_faq
from scrapers.faq import import_faq
from scrapers.faq.importer import collection_paused
from service.db.engine import create_sessionmaker
from tests.databases import migrated_database

#: The whole import's tracemalloc peak, as a multiple of the page's size in UTF-8: 14.7x after
#: decision 0205, 12.8x after 0206, 10.0x after 0207 (a margin of ~10 %). The target, 4x, is
#: not met; docs/benchmarks.md says what still costs what.
MAX_RATIO = 11


async def test_a_first_import_of_3000_schools_peaks_within_its_bound(tmp_path: Path) -> None:
    page = render_faq(generate_schools(3_000, 11), 11)
    size = len(page.encode("utf-8"))
    async with migrated_database("sqlite", tmp_path) as database:
        maker = create_sessionmaker(database.engine)
        async with maker() as session:
            await import_faq(session, render_faq(generate_schools(40, 5), 5), dry_run=True)
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
    assert len(report.plan.schools.added) > 3_000
    assert len(report.plan.offers.added) > 6_000
    ratio = (peak - base) / size
    assert ratio <= MAX_RATIO, f"import peak {ratio:.1f}x the page ({size:,} bytes)"


def test_collection_is_paused_inside_and_restored_as_it_was() -> None:
    assert gc.isenabled()
    with collection_paused():
        assert not gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_collection_comes_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("stage failed")
    assert gc.isenabled()
