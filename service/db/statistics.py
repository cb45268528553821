"""Planner statistics: ``ANALYZE`` of the tables an import or a sync has just rewritten.

Without statistics PostgreSQL guessed row counts and chose plans 100 times slower on a freshly
imported 10,000-school catalogue (docs/benchmarks.md), and nothing else refreshes them on a
server that runs with autovacuum off. SQLite's planner reads ``sqlite_stat1`` the same way,
which only ``ANALYZE`` writes. The caller runs this after its commit: ``ANALYZE`` inside the
writing transaction would sample rows other sessions cannot see yet (and on SQLite hold the
write lock longer).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

#: What the FAQ importer writes.
IMPORTED_TABLES = (
    "country",
    "school",
    "school_override",
    "programme",
    "school_programme",
    "offer",
    "offer_home_track",
    "home_track",
    "selection_rule",
    "link",
    "finding",
)
#: What a sync writes.
SYNCED_TABLES = ("link", "link_check", "url_health", "school_fact", "school_fact_change", "finding")


async def analyze_tables(session: AsyncSession, tables: Iterable[str]) -> None:
    """Refresh the planner statistics of ``tables`` (names from the constants above), and commit.

    It changes no row, so the data version does not move.
    """
    names = list(dict.fromkeys(tables))
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("ANALYZE " + ", ".join(f'"{name}"' for name in names)))
    else:
        # SQLite's ANALYZE takes one table (or the whole database) per statement.
        for name in names:
            await session.execute(text(f'ANALYZE "{name}"'))
    await session.commit()
