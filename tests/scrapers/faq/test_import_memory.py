"""The whole import's memory against the page's size (issue 17 item 5).

Decisions 0205-0207, 0275, 0340, 0341, 0360-0362 and 0385-0387 brought it down.

The tracemalloc peak of everything ``import_faq`` allocates (the page's text exists before and is
not counted) on a generated page of 3,000 schools, into an empty SQLite catalogue. Not timed.
A smaller page first warms the process (SQLAlchemy's compiled statements, the country names'
locale data), as a server's or a scheduler's second import finds it. The import runs in a process
of its own (``import_peak``): what other tests left running in this one would count in its peak.
"""

from __future__ import annotations

import asyncio
import gc
from pathlib import Path

import pytest

from scrapers.faq.importer import collection_paused
from tests.databases import migrated_database
from tests.scrapers.faq.import_peak import import_peak

#: The whole import's tracemalloc peak, as a multiple of the page's size in UTF-8: 14.7x after
#: decision 0205, 12.8x after 0206, 10.0x after 0207, 9.9x after 0275, 8.96x after 0340, 7.96x
#: after 0341, 7.88x after 0362, 7.65x after 0385, 7.57x after 0386, 6.98x after 0387 (the
#: figure is the same to the byte from run to run; 7.57x fails). The target, 4x, is not met;
#: docs/benchmarks.md says what still costs what.
MAX_RATIO = 7.05


@pytest.mark.long
async def test_a_first_import_of_3000_schools_peaks_within_its_bound(tmp_path: Path) -> None:
    async with migrated_database("sqlite", tmp_path) as database:
        url = database.settings.database.render_as_string(hide_password=False)
        measured = await asyncio.to_thread(import_peak, url, 3_000, 11)
    assert measured.schools_added > 3_000
    assert measured.offers_added > 6_000
    ratio = measured.peak_bytes / measured.page_bytes
    assert ratio <= MAX_RATIO, f"import peak {ratio:.1f}x the page ({measured.page_bytes:,} bytes)"


#: A second import of the same page (nothing written) compares the database's rows with the
#: page's catalogue: 20.8x on main before decision 0341, 19.0x after, when the whole snapshot
#: was loaded beside the catalogue; 13.8x once offers and links streamed by (decision 0360),
#: 7.3x once schools, programmes and their pairs did too (decision 0361; the same from run to
#: run), 7.21x once the programme groups are made in the union-find's own dict (decision 0385),
#: 6.84x once mentions keep only what is read of their items (decision 0386; 7.21x fails):
#: below a first import, its peak in the comparison. docs/benchmarks.md says what is alive at
#: the peak.
MAX_SECOND_RATIO = 6.9


@pytest.mark.long
async def test_a_second_import_of_3000_schools_peaks_within_its_bound(tmp_path: Path) -> None:
    async with migrated_database("sqlite", tmp_path) as database:
        url = database.settings.database.render_as_string(hide_password=False)
        measured = await asyncio.to_thread(import_peak, url, 3_000, 11, again=True)
    assert measured.nothing_to_write
    ratio = measured.peak_bytes / measured.page_bytes
    assert ratio <= MAX_SECOND_RATIO, (
        f"second import peak {ratio:.1f}x the page ({measured.page_bytes:,} bytes)"
    )


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
