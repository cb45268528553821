"""Benchmark: ``GET /status`` on a synthetic catalogue of 10,000 schools (issue 14).

    .venv/bin/python -m bench.status_page [--schools 10000] [--requests 5]
        [--postgres-server postgresql://postgres@127.0.0.1:5432/postgres]

Builds the catalogue of ``tests/catalogues.py`` with what two syncs leave
(``tests/sync_results.py``), marks every 97th home page broken and analyses the tables (as the
importer and the sync do), then asks the application for ``/status`` over ASGI (no socket):
one request to warm up, then ``--requests`` timed ones. Prints the median and the slowest wall
time, and the page's size.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

import httpx
from asgi_lifespan import LifespanManager
from sqlalchemy import update

from bench.faq_import import bench_database
from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.db.models import LinkStatus, UrlHealth
from service.db.statistics import IMPORTED_TABLES, SYNCED_TABLES, analyze_tables
from service.web.app import create_app
from tests.catalogues import build_synthetic_catalogue
from tests.sync_results import add_synthetic_sync_results


async def run(schools: int, requests: int, postgres_server: str | None) -> None:
    async with bench_database(postgres_server) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            async with create_sessionmaker(engine)() as session:
                await build_synthetic_catalogue(session, schools)
                await add_synthetic_sync_results(session, schools)
                broken = [f"https://partner-{n:05d}.example.org/" for n in range(1, schools, 97)]
                await session.execute(
                    update(UrlHealth)
                    .where(UrlHealth.url.in_(broken))
                    .values(status=LinkStatus.BROKEN)
                )
                await session.commit()
                # As the importer and the sync do after writing (service.db.statistics).
                await analyze_tables(session, {*IMPORTED_TABLES, *SYNCED_TABLES})
        finally:
            await engine.dispose()
        app = create_app(settings)
        async with (
            LifespanManager(app),
            httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url="http://bench") as api,
        ):
            first = await api.get("/status")
            first.raise_for_status()
            times = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await api.get("/status")
                times.append(time.perf_counter() - started)
                response.raise_for_status()
    backend = "SQLite" if postgres_server is None else "PostgreSQL"
    median = statistics.median(times) * 1000
    print(
        f"{backend}, {schools} schools: GET /status median {median:.0f} ms,"
        f" slowest {max(times) * 1000:.0f} ms over {requests} requests,"
        f" {len(first.content) / 1024:.0f} KiB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=5)
    parser.add_argument("--postgres-server", default=None)
    args = parser.parse_args()
    asyncio.run(run(args.schools, args.requests, args.postgres_server))


if __name__ == "__main__":
    main()
