"""``analyze_tables``: planner statistics are written, and the data version does not move."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.engine import create_sessionmaker
from service.db.statistics import IMPORTED_TABLES, SYNCED_TABLES, analyze_tables
from service.db.versioning import read_data_version
from tests.databases import BACKENDS, migrated_database
from tests.sample_catalogue import build_sample_catalogue


async def _analyzed(session: AsyncSession, backend: str) -> set[str]:
    if backend == "postgres":
        query = "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
    else:
        exists = "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'"
        if not await session.scalar(text(exists)):  # ANALYZE creates it
            return set()
        query = "SELECT tbl FROM sqlite_stat1"
    return {name for (name,) in await session.execute(text(query))}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_the_tables_are_analyzed_and_nothing_else_changes(
    backend: str, tmp_path: Path
) -> None:
    async with migrated_database(backend, tmp_path) as db:
        sessions = create_sessionmaker(db.engine)
        async with sessions() as session:
            await build_sample_catalogue(session)
            await session.commit()
            version = await read_data_version(session)
            await session.commit()
            assert await _analyzed(session, backend) == set()
            await analyze_tables(session, (*IMPORTED_TABLES, *SYNCED_TABLES))
            analyzed = await _analyzed(session, backend)
            assert await read_data_version(session) == version
    # SQLite writes a statistics row only for a table that has rows (or an index with entries).
    assert {"school", "programme", "school_programme", "offer", "link"} <= analyzed
    assert analyzed <= {*IMPORTED_TABLES, *SYNCED_TABLES}
