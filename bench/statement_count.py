"""Benchmark: the tree queries' SQL statement count at 10,000 schools (too slow for the suite).

    .venv/bin/python -m bench.statement_count [--sizes 10000]
        [--postgres-server postgresql://postgres@127.0.0.1:5432/postgres]

The suite proves at 16 and 1,000 schools that a query's statement count depends on its shape
only (tests/service/graphql/test_statement_count.py); this runs the same check, with the same
assertions, at the sizes given, on a fresh migrated database, and prints how long each took.
"""

from __future__ import annotations

import argparse
import asyncio
import time

from bench.faq_import import bench_database
from service.config import Settings
from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.graphql.schema import build_schema
from tests.service.graphql.conftest import executor
from tests.service.graphql.test_statement_count import check_tree_statements


async def run(sizes: list[int], postgres_server: str | None) -> None:
    schema = build_schema(Settings(_env_file=None))
    for size in sizes:
        async with bench_database(postgres_server) as settings:
            engine = create_engine(settings)
            try:
                await migrate.upgrade(engine, settings)
                started = time.perf_counter()
                async with create_sessionmaker(engine)() as session:
                    # Never committed: the database is dropped afterwards anyway.
                    await check_tree_statements(session, executor(session, schema), size)
                elapsed = time.perf_counter() - started
                print(f"{size} schools: same statement count as at 16, {elapsed:.1f} s")
            finally:
                await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000])
    parser.add_argument("--postgres-server", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.sizes, args.postgres_server))


if __name__ == "__main__":
    main()
