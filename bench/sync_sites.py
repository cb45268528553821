"""Benchmark of the fetcher and the sync: many simulated partner sites on loopback.

Starts a fixture web server in a separate process playing ``--sites`` partner sites (each with a
robots.txt and ``--pages`` pages with ETags, every answer delayed by ``--latency`` seconds), seeds
a fresh SQLite catalogue with one school per site, and runs ``mobility sync``'s machinery twice:
a cold run (every page 200) and an unchanged re-run (every page 304). For each run it reports the
wall time against the lower bound the politeness rules allow, what was done to the facts, and the
process's peak memory (and the largest of its extraction processes, once they have ended).
``--links-only`` checks links without reading the pages (no extraction, no reconciliation), to
tell the fetcher's cost from the extractors'. Pages are extracted in ``--extract-processes``
processes (``SYNC_EXTRACT_PROCESSES``; by default one per core, 1 = in the run's process).

    .venv/bin/python -m bench.sync_sites --sites 1000 --latency 0.05 --concurrency 16

``--realistic`` plays the partner sites of :mod:`bench.partner_sites` instead (an index and
``--pages`` pages of 30 to 80 kB built from the development set, 50 to 100 ms of latency), the
model :mod:`bench.sync_vs_scrapy` compares with Scrapy:

    .venv/bin/python -m bench.sync_sites --realistic --pages 3 --sites 1000 --concurrency 8

``--database-url`` runs on a PostgreSQL server instead of a SQLite file: a fresh database is
created on it for the benchmark and dropped at the end. Each run also counts what it asked of
the network (requests, by status) and of the database (statements by verb, rows they wrote),
the figures that tell a politeness-bound run from a CPU- or write-bound one, and the most pages
the run's window held unread (sent for, not yet extracted; decision 0400).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import multiprocessing
import platform
import resource
import secrets
import sqlite3
import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from ipaddress import ip_network
from multiprocessing.queues import Queue
from pathlib import Path

from sqlalchemy import event, func, insert, make_url, select, text
from sqlalchemy.engine import Connection, ExecutionContext
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bench import partner_sites
from bench.partner_sites import SiteModel
from scrapers.fetch import Fetcher, FetchPolicy, MappingResolver
from scrapers.sync.handler import SchoolHandler, check_links_only
from scrapers.sync.page_reader import PageReader
from scrapers.sync.run import SyncReport, run_sync
from scrapers.sync.school_facts import SchoolFactsReader
from service.config import Settings
from service.db import migrate
from service.db.engine import create_engine
from service.db.models import Country, Link, LinkCheck, LinkRole, School
from tests.scrapers.fixture_server import FixtureServer

PARAGRAPH = (
    "<p>Les étudiants en échange suivent les cours du semestre d'automne ; la date limite de "
    "candidature est fixée au 15 mars, et le niveau B2 en anglais est demandé.</p>\n"
)


def site_host(number: int) -> str:
    return f"partner-{number:04d}.test"


def page_html(host: str, page: int, size: int) -> bytes:
    head = f"<!doctype html><html lang=fr><head><meta charset=utf-8><title>{host} {page}</title>"
    body = PARAGRAPH * max(1, size // len(PARAGRAPH.encode()))
    return f"{head}</head><body><h1>Mobilité</h1>\n{body}</body></html>".encode()


async def _serve(sites: int, pages: int, size: int, latency: float, ports: Queue[int]) -> None:
    async with FixtureServer(latency=latency) as server:
        for number in range(sites):
            host = site_host(number)
            site = server.site(host).robots("User-agent: *\nDisallow: /private/\n")
            for page in range(pages):
                site.page(f"/page-{page}", page_html(host, page, size), etag=f'"{host}-{page}"')
        ports.put(server.port)
        await asyncio.Event().wait()


def serve(sites: int, pages: int, size: int, latency: float, ports: Queue[int]) -> None:
    """The server process: serves until terminated."""
    asyncio.run(_serve(sites, pages, size, latency, ports))


@dataclass(frozen=True, slots=True)
class Measure:
    name: str
    seconds: float
    report: SyncReport
    #: Links whose check this run was answered 304 Not Modified.
    not_modified: int
    peak_rss_mb: float
    #: CPU seconds (user + system) of the run's own process.
    cpu_seconds: float
    #: The largest peak RSS of the processes that have ended (extraction processes), in MB.
    children_rss_mb: float
    #: CPU seconds (user + system) of the processes that ended during the run (its extraction
    #: processes, stopped when the run ends).
    children_cpu_seconds: float = 0.0
    #: SQL statements the run sent through its engine, by first word (SELECT, INSERT, …), and
    #: the rows its INSERT, UPDATE and DELETE statements reported (procrastinate's own
    #: connections, on PostgreSQL, are not counted).
    statements: Counter[str] | None = None
    rows_written: int = 0


class StatementCount:
    """Counts the statements an engine sends, by verb, and the rows its writes touch."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: Counter[str] = Counter()
        self.rows_written = 0
        self._engine = engine.sync_engine
        event.listen(self._engine, "after_cursor_execute", self._count)

    def _count(
        self,
        connection: Connection,
        cursor: object,
        statement: str,
        parameters: object,
        context: ExecutionContext | None,
        executemany: bool,
    ) -> None:
        verb = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else "?"
        self.statements[verb] += 1
        if verb in {"INSERT", "UPDATE", "DELETE"}:
            rowcount = getattr(cursor, "rowcount", -1)
            self.rows_written += max(rowcount, 0)

    def stop(self) -> None:
        event.remove(self._engine, "after_cursor_execute", self._count)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    # Linux reports ru_maxrss in KiB.
    return resource.getrusage(who).ru_maxrss / 1024


def cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


async def seed(
    settings: Settings, site_urls: Sequence[Sequence[str]], names: Sequence[str] | None = None
) -> None:
    """A fresh catalogue: one partner school per site, one link per URL of its site.

    A school is named ``names[n]``, or after its site's host.
    """
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine, settings)
        async with engine.begin() as connection:
            await connection.execute(
                insert(Country), [{"code": "FR", "name_fr": "France", "name_en": "France"}]
            )
            await connection.execute(
                insert(School),
                [
                    {
                        "id": n + 1,
                        "slug": site_host(n),
                        "name": names[n] if names is not None else site_host(n),
                        "country_code": "FR",
                        "is_partner": True,
                    }
                    for n in range(len(site_urls))
                ],
            )
            await connection.execute(
                insert(Link),
                [
                    {"url": url, "role": LinkRole.EXCHANGE_PAGE, "school_id": n + 1}
                    for n, urls in enumerate(site_urls)
                    for url in urls
                ],
            )
    finally:
        await engine.dispose()


def uniform_site_urls(sites: int, pages: int, port: int) -> list[list[str]]:
    """The URLs of the uniform sites :func:`serve` plays, per site."""
    return [
        [f"http://{site_host(n)}:{port}/page-{page}" for page in range(pages)] for n in range(sites)
    ]


async def measure(
    name: str,
    settings: Settings,
    policy: FetchPolicy,
    resolver: MappingResolver,
    handler: SchoolHandler | None,
    *,
    pages: PageReader | None = None,
) -> Measure:
    """One sync run, timed. ``pages`` (closed here) extracts with the default handler when given;
    ``handler`` None without ``pages`` is the run's own default (its pool opened by the run)."""
    engine = create_engine(settings)
    count = StatementCount(engine)
    try:
        started, cpu = time.perf_counter(), cpu_seconds()
        children = cpu_seconds(resource.RUSAGE_CHILDREN)
        try:
            if pages is not None:
                handler = SchoolFactsReader(pages)
            async with Fetcher(policy, resolver=resolver) as fetcher:
                report = await run_sync(engine, fetcher, settings=settings, handler=handler)
        finally:
            if pages is not None:
                await asyncio.to_thread(pages.close)
        seconds, cpu = time.perf_counter() - started, cpu_seconds() - cpu
        children = cpu_seconds(resource.RUSAGE_CHILDREN) - children
        count.stop()
        async with engine.connect() as connection:
            not_modified = await connection.scalar(
                select(func.count())
                .select_from(LinkCheck)
                .where(LinkCheck.run_id == report.run_id, LinkCheck.http_status == 304)
            )
    finally:
        await engine.dispose()
    return Measure(
        name,
        seconds,
        report,
        int(not_modified or 0),
        peak_rss_mb(),
        cpu,
        peak_rss_mb(resource.RUSAGE_CHILDREN),
        children,
        count.statements,
        count.rows_written,
    )


@contextlib.asynccontextmanager
async def bench_database(server: str | None, directory: Path) -> AsyncIterator[str]:
    """The URL of a fresh database: a SQLite file in ``directory``, or (``server``, a
    PostgreSQL URL) a database created on that server for the benchmark and dropped after it."""
    if server is None:
        yield f"sqlite:///{directory / 'bench.sqlite3'}"
        return
    name = f"sync_bench_{secrets.token_hex(3)}"
    admin = create_engine(
        Settings(_env_file=None, database_url=server),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
    try:
        async with admin.connect() as connection:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(server).set(database=name).render_as_string(hide_password=False)
        finally:
            async with admin.connect() as connection:
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        await admin.dispose()


def bench_policy(concurrency: int, host_delay: float) -> FetchPolicy:
    """The production policy, but for loopback (the simulated sites' only address)."""
    return FetchPolicy(
        contact_url="https://mobility.example/bench",
        concurrency=concurrency,
        host_delay=host_delay,
        page_timeout=30.0,
        allowed_networks=(ip_network("127.0.0.1/32"),),
    )


def politeness_bound(sites: int, pages: int, latency: float, policy: FetchPolicy) -> float:
    """The least wall time the rules allow: per-host spacing, or the global limit on requests."""
    per_host_requests = pages + 1  # robots.txt, then the pages
    per_host = per_host_requests * latency + (per_host_requests - 1) * policy.host_delay
    global_limit = sites * per_host_requests * latency / policy.concurrency
    return max(per_host, global_limit)


async def main(args: argparse.Namespace) -> None:
    baseline = peak_rss_mb()  # the interpreter with every module loaded, before any run
    context = multiprocessing.get_context("spawn")
    ports: Queue[int] = context.Queue()
    model = SiteModel(args.sites, pages=args.pages) if args.realistic else None
    if model is not None:
        server = context.Process(target=partner_sites.serve, args=(model, ports), daemon=True)
    else:
        server_args = (args.sites, args.pages, args.size, args.latency, ports)
        server = context.Process(target=serve, args=server_args, daemon=True)
    server.start()
    try:
        port = ports.get(timeout=120)
        async with contextlib.AsyncExitStack() as stack:
            directory = stack.enter_context(tempfile.TemporaryDirectory())
            database = await stack.enter_async_context(
                bench_database(args.database_url, Path(directory))
            )
            settings = Settings(
                _env_file=None,
                database_url=database,
                sync_dead_link_runs=3,
                sync_extract_processes=args.extract_processes,
            )
            if model is not None:
                urls = [[f"http://{h}:{port}{p}" for p in model.paths()] for h in model.hosts()]
            else:
                urls = uniform_site_urls(args.sites, args.pages, port)
            await seed(settings, urls, model.names() if model is not None else None)
            policy = bench_policy(args.concurrency, args.host_delay)
            resolver = MappingResolver({site_host(n): ["127.0.0.1"] for n in range(args.sites)})
            if model is not None:
                bound = model.politeness_bound(policy.concurrency, policy.host_delay)
            else:
                bound = politeness_bound(args.sites, args.pages, args.latency, policy)
            # No handler: the run's own, extracting in SYNC_EXTRACT_PROCESSES processes.
            handler = check_links_only if args.links_only else None
            runs = []
            for name in ["cold (all 200)", "unchanged re-run (all 304)"][
                : 1 if args.cold_only else 2
            ]:
                profile = cProfile.Profile(time.process_time) if args.profile else None
                if profile is not None:
                    profile.enable()
                runs.append(await measure(name, settings, policy, resolver, handler))
                if profile is not None:
                    profile.disable()
                    where = args.profile.with_suffix(f".{len(runs)}{args.profile.suffix}")
                    profile.dump_stats(where)
                    print(f"profile of the run's process ({name}): {where}")
    finally:
        server.terminate()
        server.join()
    print_results(args, bound, baseline, runs)


def print_results(
    args: argparse.Namespace, bound: float, baseline: float, runs: list[Measure]
) -> None:
    cpu = platform.processor() or platform.machine()
    processes = "one per core" if args.extract_processes is None else args.extract_processes
    print(
        f"machine: {cpu}, {multiprocessing.cpu_count()} cores, "
        f"Python {platform.python_version()}, "
        + (
            f"SQLite {sqlite3.sqlite_version}"
            if args.database_url is None
            else f"PostgreSQL at {make_url(args.database_url).render_as_string()}"
        )
    )
    if args.realistic:
        pages = f"index + {args.pages} pages, 30-80 kB each, latency 50-100 ms"
    else:
        latency = f"latency {args.latency * 1e3:.0f} ms"
        pages = f"{args.pages} pages (~{args.size // 1000} kB each), {latency}"
    print(
        f"sites {args.sites}, pages per site: {pages}, concurrency {args.concurrency}, "
        f"host delay {args.host_delay:g} s, {'links only' if args.links_only else 'pages read'}, "
        f"extraction processes {processes}; "
        f"load average {' / '.join(Path('/proc/loadavg').read_text().split()[:3])}"
    )
    print(f"politeness bound: {bound:.1f} s; peak RSS before the first run: {baseline:.0f} MB")
    print(
        "| run | wall time | / bound | CPU (run's process) | CPU (extraction processes) "
        "| links checked | statuses | answered 304 | facts changed | facts confirmed | peak RSS "
        "| extraction process RSS | requests | pages unread, most | statements | rows written |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for run in runs:
        counts = ", ".join(f"{status.value} {n}" for status, n in sorted(run.report.counts.items()))
        print(
            f"| {run.name} | {run.seconds:.1f} s | {run.seconds / bound:.2f} | "
            f"{run.cpu_seconds:.1f} s | {run.children_cpu_seconds:.1f} s | "
            f"{run.report.links_checked}/{run.report.links_total} | "
            f"{counts} | {run.not_modified} | {run.report.facts.changed} | "
            f"{run.report.facts.confirmed} | {run.peak_rss_mb:.0f} MB | "
            f"{run.children_rss_mb:.0f} MB | {run.report.stats.get('requests', 0)} | "
            f"{run.report.stats.get('pages_held_most', '-')} | "
            f"{format_statements(run.statements)} | {run.rows_written} |"
        )


def format_statements(statements: Counter[str] | None) -> str:
    """``1234 (SELECT 900, UPDATE 300, …)``: the total, then by verb, most first."""
    if not statements:
        return "-"
    verbs = ", ".join(f"{verb} {n}" for verb, n in statements.most_common())
    return f"{statements.total()} ({verbs})"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument(
        "--realistic",
        action="store_true",
        help="sites of bench.partner_sites: an index and --pages pages of 30-80 kB built from the "
        "development set, 50-100 ms latency (--size and --latency are then unused)",
    )
    parser.add_argument(
        "--pages",
        type=int,
        default=None,
        help="pages per site (default 2; --realistic: 3 and the index)",
    )
    parser.add_argument("--size", type=int, default=20_000, help="bytes per page, about")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every answer")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--host-delay", type=float, default=1.0)
    parser.add_argument(
        "--links-only", action="store_true", help="check links without reading the pages"
    )
    parser.add_argument(
        "--database-url",
        default=None,
        help="a PostgreSQL server (postgresql://postgres@127.0.0.1:5432/postgres): the runs use "
        "a fresh database created on it (default: a SQLite file)",
    )
    parser.add_argument("--cold-only", action="store_true", help="no unchanged re-run")
    parser.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="cProfile the run's process in CPU time, each run to its own file (PATH.1.prof, …)",
    )
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=None,
        help="processes extracting the pages (default: one per core; 1: the run's own process)",
    )
    args = parser.parse_args()
    if args.pages is None:
        args.pages = 3 if args.realistic else 2
    return args


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
