"""Benchmark of host-partitioned runs: the same run with 1 and with N `mobility worker` processes.

A fixture server in its own process plays ``--sites`` small partner sites on loopback (one tiny
page each, ``--latency`` added to every page answer, robots.txt 404 at once) and watches
politeness: two page requests of one host in flight at once, or starting closer than the
per-host delay, are violations. It also records the most page requests in flight at once over
all hosts. A fresh PostgreSQL database (``workers_bench_*`` on ``--server``) is seeded with one
school per site; each round starts the workers, runs the sync as ``mobility sync`` would (the
coordinator works on no partition itself: ``SYNC_LOCAL_PARTITIONS=0``; with 0 workers it works
on all of them, in one process) and stops them. Rounds alternate the worker counts.

The defaults make the run bound by politeness and concurrency rather than CPU: a long answer
time (0.5 s) against a small fetch concurrency per worker (4), pages of ~70 bytes with no facts
to extract, and few partitions of many hosts (6 of 500 hosts at 3,000 sites), each worker
taking an even share of them (``SYNC_WORKER_CONCURRENCY`` = partitions / workers, rounded up).
The bound of a round is sites * latency / (concurrency * workers).

    .venv/bin/python -m bench.sync_workers --sites 3000 --workers 1 3 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from ipaddress import ip_network
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from bench.sync_sites import seed, site_host, uniform_site_urls
from scrapers.fetch import Fetcher, FetchPolicy, MappingResolver
from scrapers.sync.run import run_sync
from service.config import Settings
from service.db.engine import create_engine
from tests.processes import LOOPBACK_WRAPPER, process_env
from tests.scrapers.fixture_server import FixtureServer, Request, head


async def _serve(
    sites: int, latency: float, delay: float, ports: Queue[int], done: Event, out: Queue[int]
) -> None:
    in_flight: dict[str, int] = defaultdict(int)
    last: dict[str, float] = {}
    violations = 0
    total = peak = 0

    async def page(request: Request, writer: asyncio.StreamWriter) -> None:
        nonlocal violations, total, peak
        host = request.host
        in_flight[host] += 1
        total += 1
        peak = max(peak, total)
        if in_flight[host] > 1 or request.received_at - last.get(host, -1e9) < delay * 0.95:
            violations += 1
        last[host] = request.received_at
        try:
            await asyncio.sleep(latency)  # the simulated network and server time
            body = f"<html><body><h1>{host}</h1><p>Mobilité.</p></body></html>".encode()
            headers = [("Content-Type", "text/html; charset=utf-8")]
            headers += [("Content-Length", str(len(body))), ("Connection", "close")]
            writer.write(head(200, headers) + body)
            await writer.drain()
        finally:
            in_flight[host] -= 1
            total -= 1

    async with FixtureServer() as server:
        for number in range(sites):
            server.site(site_host(number)).route("/page-0", page)
        ports.put(server.port)
        await asyncio.get_running_loop().run_in_executor(None, done.wait)
        out.put(violations)
        out.put(peak)


def serve(
    sites: int, latency: float, delay: float, ports: Queue[int], done: Event, out: Queue[int]
) -> None:
    asyncio.run(_serve(sites, latency, delay, ports, done, out))


def start_workers(
    count: int, env: dict[str, str], directory: Path
) -> list[subprocess.Popen[bytes]]:
    wrapper = directory / "worker.py"
    wrapper.write_text(LOOPBACK_WRAPPER, encoding="utf-8")
    return [
        subprocess.Popen(
            [sys.executable, str(wrapper), "worker"],
            env=env,
            cwd=directory,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(count)
    ]


async def _last_worker(engine: AsyncEngine) -> int:
    async with engine.connect() as connection:
        last = await connection.scalar(text("SELECT max(id) FROM procrastinate_workers"))
    return int(last or 0)


async def _until_registered(engine: AsyncEngine, count: int, *, after: int) -> None:
    """Wait until ``count`` new workers are in procrastinate's table (started, imported,
    listening), so that a round's wall time is the run's, not the processes' start-up."""
    query = text("SELECT count(*) FROM procrastinate_workers WHERE id > :after")
    while True:
        async with engine.connect() as connection:
            started = await connection.scalar(query, {"after": after})
        if (started or 0) >= count:
            return
        await asyncio.sleep(0.2)


def stop_workers(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        process.wait(60)


async def main(args: argparse.Namespace) -> None:
    server_url = make_url(args.server)
    name = f"workers_bench_{secrets.token_hex(3)}"
    admin = create_engine(
        Settings(_env_file=None, database_url=args.server),
        poolclass=NullPool,
        isolation_level="AUTOCOMMIT",
    )
    async with admin.connect() as connection:
        await connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = server_url.set(database=name).render_as_string(hide_password=False)
    context = multiprocessing.get_context("spawn")
    ports: Queue[int] = context.Queue()
    out: Queue[int] = context.Queue()
    done = context.Event()
    server = context.Process(
        target=serve,
        args=(args.sites, args.latency, args.host_delay, ports, done, out),
        daemon=True,
    )
    server.start()
    rows: list[tuple[int, float, int, str]] = []
    try:
        port = ports.get(timeout=120)
        settings = Settings(
            _env_file=None,
            database_url=url,
            sync_partitions=args.partitions,
            sync_local_partitions=0,
            sync_partition_min_schools=1,
        )
        await seed(settings, uniform_site_urls(args.sites, 1, port))
        env = process_env(
            DATABASE_URL=url,
            FETCH_CONTACT_URL="https://mobility.example/bench",
            FETCH_ALLOWED_NETWORKS="127.0.0.1/32",
            FETCH_CONCURRENCY=str(args.concurrency),
            FETCH_HOST_DELAY=str(args.host_delay),
            LOG_LEVEL="WARNING",
        )
        fetch = settings.fetch.model_copy(
            update={
                "contact_url": "https://mobility.example/bench",
                "allowed_networks": [ip_network("127.0.0.1/32")],
                "concurrency": args.concurrency,
                "host_delay": args.host_delay,
            }
        )
        policy = FetchPolicy.from_settings(settings.model_copy(update={"fetch": fetch}))
        resolver = MappingResolver({site_host(n): ["127.0.0.1"] for n in range(args.sites)})
        engine = create_engine(settings)
        with tempfile.TemporaryDirectory() as directory:
            for _ in range(args.rounds):
                for count in args.workers:
                    # An even share of the partitions each, so that one worker cannot claim all.
                    share = math.ceil(args.partitions / max(1, count))
                    worker_env = {**env, "SYNC_WORKER_CONCURRENCY": str(share)}
                    before = await _last_worker(engine)
                    processes = start_workers(count, worker_env, Path(directory))
                    await _until_registered(engine, count, after=before)
                    started = time.perf_counter()
                    # 0 workers: the coordinator works on every partition itself, in one process.
                    local = args.partitions if count == 0 else 0
                    round_settings = settings.model_copy(update={"sync_local_partitions": local})
                    async with Fetcher(policy, resolver=resolver) as fetcher:
                        report = await run_sync(engine, fetcher, settings=round_settings)
                    seconds = time.perf_counter() - started
                    stop_workers(processes)
                    rows.append((count, seconds, report.links_checked, report.status.value))
                    print(f"{count} worker(s): {seconds:.1f} s, {report.links_checked} links, "
                          f"{report.status.value}", flush=True)  # fmt: skip
        await engine.dispose()
    finally:
        done.set()
        violations = out.get(timeout=60)
        peak = out.get(timeout=60)
        server.join()
        async with admin.connect() as connection:
            await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()
    load = os.getloadavg()
    print(f"sites {args.sites}, latency {args.latency * 1000:.0f} ms, concurrency "
          f"{args.concurrency} per worker, {args.partitions} partitions, load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")  # fmt: skip
    print("| workers | bound | wall time (each round) | links checked |")
    print("|---|---|---|---|")
    for count in args.workers:
        mine = [row for row in rows if row[0] == count]
        walls = ", ".join(f"{row[1]:.1f} s" for row in mine)
        bound = args.sites * args.latency / (args.concurrency * max(1, count))
        print(f"| {count} | {bound:.1f} s | {walls} | {mine[-1][2]} |")
    if len(args.workers) == 2:
        # Ratio within each round: the rounds alternate, so the machine's load is shared.
        first, second = args.workers
        pairs = zip(
            [row[1] for row in rows if row[0] == first],
            [row[1] for row in rows if row[0] == second],
            strict=True,
        )
        ratios = ", ".join(f"{b / a:.2f}" for a, b in pairs)
        print(f"wall of {second} worker(s) / wall of {first}, each round: {ratios}")
    print(f"politeness violations (overlap or closer than the host delay): {violations}")
    print(f"most page requests in flight at once: {peak}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--sites", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.5)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--host-delay", type=float, default=1.0)
    parser.add_argument("--partitions", type=int, default=6)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 3])
    parser.add_argument("--rounds", type=int, default=1)
    return parser.parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
