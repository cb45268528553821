"""Benchmark of the GraphQL API: three frontend queries at three catalogue sizes, both backends.

    .venv/bin/python -m bench.api_bench [--sizes 16 1000 10000] [--seconds 10]
        [--postgres-server postgresql://postgres@127.0.0.1:5432/postgres]

For each backend and size: a fresh database, migrated, loaded through the FAQ importer (16 is the
real seed page; larger sizes are synthetic pages from ``bench.generate_catalogue``); then
``mobility serve`` pinned to core 0 and wrk pinned to core 1, at concurrency 8, for each query
with the response cache on (the default) and off (``RESPONSE_CACHE_BYTES=0``, every request
executes). Server CPU per request comes from /proc, peak memory from VmHWM, and the SQL statement
count per request from an in-process run of the same query with the cache off.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.faq_import import bench_database
from bench.generate_catalogue import COUNTRIES, generate_schools, render_faq
from bench.loadgen import LoadResult, cpu_seconds, peak_rss_mib, run_wrk
from scrapers.faq import import_faq, read_seed
from service.config import Settings
from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.web.app import create_app

COUNTRY_PAGE = """
query CountryPage($codes: [String!]) {
  schools(filter: {countryCodes: $codes}, first: 20) {
    totalCount
    nodes {
      slug name city
      programmes { name offers { kind places academicYear homeTracks { code } } }
    }
  }
}
"""
SEARCH = """
query Search($text: String!) {
  search(text: $text, first: 10) { kind text school { slug name } programme { name } }
}
"""
FULL_TREE = """
{ countries { code name schools { name programmes { name offers {
    kind places academicYear homeTracks { code } } } } } }
"""
#: What a student types, one keystroke at a time.
TYPED = ("t", "te", "tel", "tele", "telec", "gre", "gren", "grenob", "fin", "finl", "ensim")


def _bodies(query: str) -> list[dict[str, object]]:
    if query is COUNTRY_PAGE:
        return [{"query": query, "variables": {"codes": [code]}} for code in ("FR", *COUNTRIES)]
    if query is SEARCH:
        return [{"query": query, "variables": {"text": text}} for text in TYPED]
    return [{"query": query}]


QUERIES = {"country page": COUNTRY_PAGE, "search": SEARCH, "full tree": FULL_TREE}


@dataclass(frozen=True, slots=True)
class Row:
    backend: str
    schools: int
    query: str
    cache: str
    load: LoadResult
    cpu_ms_per_request: float
    statements: int


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


async def load_catalogue(settings: Settings, schools: int, seed: int) -> None:
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine, settings)
        synthetic = render_faq(generate_schools(schools, seed), seed)
        page = read_seed().text if schools == 16 else synthetic
        async with create_sessionmaker(engine)() as session:
            await import_faq(session, page, source_label=f"bench:{schools}")
            await session.commit()
    finally:
        await engine.dispose()


@contextmanager
def serving(settings: Settings, *, cache_bytes: int) -> Iterator[tuple[str, int]]:
    """`mobility serve` on core 0; yields its URL and pid."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": settings.database.render_as_string(hide_password=False),
        "RESPONSE_CACHE_BYTES": str(cache_bytes),
        "LOG_LEVEL": "WARNING",
        # The full tree at 10,000 schools is over the default cost budget, and a closed loop
        # of heavy queries would be shed: the benchmark measures the work, not the limits.
        "GRAPHQL_COST_BUDGET": "100000000",
        "GRAPHQL_MAX_QUEUED": "1000",
        "GRAPHQL_QUEUE_WAIT_SECONDS": "60",
    }
    command = [sys.executable, "-m", "service.cli.main", "serve", "--port", str(port)]
    process = subprocess.Popen(["taskset", "-c", "0", *command], env=env, stdout=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(1200):  # two minutes: a loaded machine starts slowly
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            time.sleep(0.1)  # also after a 503: not ready yet
        else:
            raise RuntimeError("the server did not become ready")
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:  # still busy with requests past their deadline
            process.kill()
            process.wait()


async def count_statements(settings: Settings, body: dict[str, object]) -> int:
    """SQL statements one uncached execution of ``body`` runs, in process."""
    statements: list[str] = []

    def count(*_args: Any) -> None:
        statements.append("")

    # No cache, and room for the largest query: this run counts, it does not time.
    uncached = settings.model_copy(
        update={"response_cache_bytes": 0, "request_deadline_seconds": 300.0}
    )
    app = create_app(uncached)
    event.listen(Engine, "before_cursor_execute", count)
    try:
        async with _lifespan(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                statements.clear()
                response = await client.post("/graphql", json=body)
                response.raise_for_status()
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(statements)


@asynccontextmanager
async def _lifespan(app: Any) -> AsyncIterator[None]:
    async with app.router.lifespan_context(app):
        yield


async def bench_backend(
    backend: str, server: str | None, sizes: list[int], seconds: int, seed: int
) -> list[Row]:
    rows: list[Row] = []
    for schools in sizes:
        async with bench_database(server) as settings:
            started = time.perf_counter()
            await load_catalogue(settings, schools, seed)
            print(
                f"{backend} {schools}: loaded in {time.perf_counter() - started:.1f} s", flush=True
            )
            for cache_label, cache_bytes in (("on", 32 * 1024 * 1024), ("off", 0)):
                with serving(settings, cache_bytes=cache_bytes) as (url, pid):
                    for name, query in QUERIES.items():
                        bodies = _bodies(query)
                        run_wrk(f"{url}/graphql", bodies, connections=1, seconds=1, core=1)
                        before = cpu_seconds(pid)
                        load = run_wrk(
                            f"{url}/graphql", bodies, connections=8, seconds=seconds, core=1
                        )
                        cpu = cpu_seconds(pid) - before
                        statements = await count_statements(settings, bodies[0])
                        row = Row(
                            backend,
                            schools,
                            name,
                            cache_label,
                            load,
                            cpu * 1000 / max(load.requests, 1),
                            statements,
                        )
                        rows.append(row)
                        print(format_row(row), flush=True)
                    print(f"  peak RSS of the server: {peak_rss_mib(pid):.0f} MiB", flush=True)
    return rows


def format_row(row: Row) -> str:
    load = row.load
    return (
        f"| {row.backend} | {row.schools:,} | {row.query} | {row.cache} | {load.rps:,.0f} "
        f"| {load.p50_ms:.1f} | {load.p95_ms:.1f} | {load.p99_ms:.1f} "
        f"| {row.cpu_ms_per_request:.2f} | {row.statements} | {load.errors + load.non_2xx} |"
    )


HEADER = (
    "| backend | schools | query | cache | req/s | p50 ms | p95 ms | p99 ms "
    "| server CPU ms/req | SQL statements | errors |\n"
    "|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[16, 1000, 10_000])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--postgres-server", default=None)
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgres"])
    arguments = parser.parse_args()
    print(HEADER)
    for backend in arguments.backends:
        server = arguments.postgres_server if backend == "postgres" else None
        if backend == "postgres" and server is None:
            print("postgres: skipped (no --postgres-server)")
            continue
        asyncio.run(
            bench_backend(backend, server, arguments.sizes, arguments.seconds, arguments.seed)
        )


if __name__ == "__main__":
    main()
