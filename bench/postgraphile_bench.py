"""Benchmark: our API beside PostGraphile v4 on the same PostgreSQL database, interleaved rounds.

    .venv/bin/python -m bench.postgraphile_bench \
        --postgres-server postgresql://postgres@127.0.0.1:5432/postgres [--schools 10000]
        [--rounds 5] [--seconds 8]

Needs node and npm (PostGraphile is installed from the npm registry into a temporary directory,
or ``--npm-dir`` to reuse one) and wrk (``apt-get install -y wrk``). A fresh database is
migrated, loaded through the FAQ importer from the synthetic page of ``bench.generate_catalogue``
and analyzed; then three servers run side by side, each pinned to core 0: ``mobility serve``
with the response cache off (``RESPONSE_CACHE_BYTES=0``), ``mobility serve`` with it on, and
PostGraphile. Both answers to the country page and to the full tree are normalised and compared
(same schools, programmes, offers and tracks) before anything is timed. Each round runs wrk
(core 1, concurrency 8) against the three in turn, so that drift of a shared machine falls on
all of them; it reports per-round requests/s, server CPU per request, the new PostgreSQL
sessions opened during our rounds, and the medians of the per-round ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from bench.api_bench import (
    COUNTRY_PAGE,
    SEARCH,
    TYPED,
    _free_port,
    load_catalogue,
    serving,
)
from bench.faq_import import bench_database
from bench.generate_catalogue import COUNTRIES
from bench.health_probe import describe, probe_during
from bench.loadgen import cpu_seconds, peak_rss_mib, run_wrk
from service.config import Settings
from service.db.engine import create_engine, create_sessionmaker
from service.db.statistics import IMPORTED_TABLES, analyze_tables

CODES = ("FR", *COUNTRIES)
#: bench.api_bench's full tree, with the slugs that the comparison matches schools on.
FULL_TREE = """
{ countries { code name schools { slug name programmes { name offers {
    kind places academicYear homeTracks { code } } } } } }
"""
_OFFERS = """offersBySchoolId(condition: {retiredAt: null}) { nodes {
    kind places academicYear programmeByProgrammeId { name }
    offerHomeTracksByOfferId { nodes { homeTrackCode } } } }"""
#: The country page in PostGraphile's generated names: a school's programmes through the join
#: table, its current offers by school (PostGraphile cannot filter a programme's offers by the
#: school it was reached from; the comparison regroups them).
PG_COUNTRY_PAGE = (
    """query CountryPage($code: String!) {
  allSchools(condition: {countryCode: $code, isPartner: true, retiredAt: null},
             orderBy: SLUG_ASC, first: 20) {
    totalCount
    nodes { slug name city
      schoolProgrammesBySchoolId { nodes { programmeByProgrammeId { name } } }
      """
    + _OFFERS
    + " } } }"
)
PG_FULL_TREE = (
    """{ allCountries(orderBy: CODE_ASC) { nodes { code
  schoolsByCountryCode(condition: {isPartner: true, retiredAt: null}, orderBy: SLUG_ASC) {
    nodes { slug name
      schoolProgrammesBySchoolId { nodes { programmeByProgrammeId { name } } }
      """
    + _OFFERS
    + " } } } } }"
)


def _ours_school(school: dict[str, Any]) -> tuple[Any, ...]:
    offers = sorted(
        [
            (
                p["name"],
                o["kind"],
                o["places"],
                o["academicYear"],
                tuple(sorted(t["code"] for t in o["homeTracks"])),
            )
            for p in school["programmes"]
            for o in p["offers"]
        ],
        key=repr,
    )
    return (
        school["slug"],
        school["name"],
        tuple(sorted(p["name"] for p in school["programmes"])),
        tuple(offers),
    )


def _pg_school(school: dict[str, Any]) -> tuple[Any, ...]:
    offers = sorted(
        [
            (
                o["programmeByProgrammeId"]["name"],
                o["kind"],
                o["places"],
                o["academicYear"],
                tuple(sorted(t["homeTrackCode"] for t in o["offerHomeTracksByOfferId"]["nodes"])),
            )
            for o in school["offersBySchoolId"]["nodes"]
            # Ours lists a programme's offers; an offer without a programme is not in this query.
            if o["programmeByProgrammeId"] is not None
        ],
        key=repr,
    )
    programmes = sorted(
        n["programmeByProgrammeId"]["name"] for n in school["schoolProgrammesBySchoolId"]["nodes"]
    )
    return (school["slug"], school["name"], tuple(programmes), tuple(offers))


def normalise_country_page(ours: dict[str, Any], pg: dict[str, Any]) -> tuple[Any, Any]:
    mine = ours["data"]["schools"]
    theirs = pg["data"]["allSchools"]
    return (
        (mine["totalCount"], [_ours_school(s) for s in mine["nodes"]]),
        (theirs["totalCount"], [_pg_school(s) for s in theirs["nodes"]]),
    )


def normalise_full_tree(ours: dict[str, Any], pg: dict[str, Any]) -> tuple[Any, Any]:
    mine = {
        c["code"]: sorted(_ours_school(s) for s in c["schools"]) for c in ours["data"]["countries"]
    }
    theirs = {
        c["code"]: sorted(_pg_school(s) for s in c["schoolsByCountryCode"]["nodes"])
        for c in pg["data"]["allCountries"]["nodes"]
    }
    # Our `countries` lists the countries that have partners; PostGraphile every country row.
    return mine, {code: schools for code, schools in theirs.items() if schools or code in mine}


def install_postgraphile(directory: Path) -> Path:
    binary = directory / "node_modules" / ".bin" / "postgraphile"
    if not binary.exists():
        if shutil.which("npm") is None:
            raise SystemExit("npm is needed: apt-get install -y npm (or nodejs from nodesource)")
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(directory),
                "postgraphile@4",
            ],
            check=True,
            timeout=600,
        )
    return binary


@contextmanager
def postgraphile(binary: Path, database: URL) -> Iterator[tuple[str, int]]:
    port = _free_port()
    url = database.set(drivername="postgresql").render_as_string(hide_password=False)
    command = [
        "taskset", "-c", "0", str(binary), "--connection", url, "--schema", "public",
        "--host", "127.0.0.1", "--port", str(port), "--disable-graphiql", "--disable-query-log",
        "--max-pool-size", "10",
    ]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.post(f"{base}/graphql", json={"query": "{__typename}"}, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("PostGraphile did not start")
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


@contextmanager
def reference(database: URL) -> Iterator[str]:
    """bench.reference_server (one hand-written statement) on core 0; yields its URL."""
    port = _free_port()
    dsn = database.set(drivername="postgresql").render_as_string(hide_password=False)
    command = [sys.executable, "-m", "bench.reference_server", "--dsn", dsn, "--port", str(port)]
    process = subprocess.Popen(["taskset", "-c", "0", *command], stdout=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                httpx.post(f"{base}/graphql", json={}, timeout=30)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError("the reference server did not start")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)


def _ours_tree(answer: dict[str, Any]) -> dict[str, list[tuple[Any, ...]]]:
    return {
        c["code"]: sorted(_ours_school(s) for s in c["schools"])
        for c in answer["data"]["countries"]
    }


def post(url: str, body: dict[str, object]) -> tuple[dict[str, Any], float]:
    started = time.perf_counter()
    response = httpx.post(f"{url}/graphql", json=body, timeout=120)
    elapsed = time.perf_counter() - started
    response.raise_for_status()
    answer: dict[str, Any] = response.json()
    if answer.get("errors"):
        raise RuntimeError(f"{url}: {json.dumps(answer['errors'])[:500]}")
    return answer, elapsed


async def backend_pids(settings: Settings) -> set[int]:
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            rows = await connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database()")
            )
            return {pid for (pid,) in rows}
    finally:
        await engine.dispose()


async def prepare(settings: Settings, schools: int, seed: int) -> None:
    """Load and analyze the catalogue, unless the database (``--database``) holds it already."""
    engine = create_engine(settings)
    try:
        async with engine.connect() as connection:
            loaded = await connection.run_sync(lambda sync: inspect(sync).has_table("school"))
            if loaded:
                loaded = await connection.scalar(text("SELECT EXISTS (SELECT 1 FROM school)"))
    finally:
        await engine.dispose()
    if loaded:
        return
    await load_catalogue(settings, schools, seed)
    engine = create_engine(settings)
    try:
        async with create_sessionmaker(engine)() as session:
            await analyze_tables(session, IMPORTED_TABLES)
    finally:
        await engine.dispose()


def check_answers(ours: str, pg: str) -> None:
    for code in ("FR", COUNTRIES[0]):
        mine, theirs = normalise_country_page(
            post(ours, {"query": COUNTRY_PAGE, "variables": {"codes": [code]}})[0],
            post(pg, {"query": PG_COUNTRY_PAGE, "variables": {"code": code}})[0],
        )
        if mine != theirs:
            raise SystemExit(
                f"country page {code}: the answers differ\nours: {mine[:2]}\npg: {theirs[:2]}"
            )
    print("country page: same schools, programmes, offers and tracks on both", flush=True)


def time_full_tree(ours: str, pg: str, one_statement: str, repeats: int) -> None:
    if repeats == 0:
        return
    timings: dict[str, list[float]] = {
        "ours (cache off)": [],
        "postgraphile": [],
        "one hand-written statement": [],
    }
    for _ in range(repeats):
        try:
            mine, ours_s = post(ours, {"query": FULL_TREE})
            theirs, pg_s = post(pg, {"query": PG_FULL_TREE})
            reference_answer, reference_s = post(one_statement, {"query": FULL_TREE})
        except httpx.HTTPStatusError as exc:  # past the request deadline on a loaded machine
            print(f"full tree: {exc.request.url} answered {exc.response.status_code}")
            return
        timings["ours (cache off)"].append(ours_s)
        timings["postgraphile"].append(pg_s)
        timings["one hand-written statement"].append(reference_s)
    left, right = normalise_full_tree(mine, theirs)
    print(f"full tree: answers {'identical' if left == right else 'DIFFER'} after normalising")
    same = _ours_tree(mine) == _ours_tree(reference_answer)
    print(f"full tree: ours and the one statement {'identical' if same else 'DIFFER'}")
    for name, values in timings.items():
        print(f"full tree, {name}: median {statistics.median(values):.3f} s over {repeats}")
    ratios = [
        a / b
        for a, b in zip(
            timings["ours (cache off)"], timings["one hand-written statement"], strict=True
        )
    ]
    print(
        "full tree, ours / one statement: per repeat "
        + ", ".join(f"{r:.2f}" for r in ratios)
        + f"; median {statistics.median(ratios):.2f} (target <= 1.3)"
    )


def healthz_under_full_tree(ours: str) -> None:
    """/healthz latencies while the heaviest query the server allows (the full tree) runs.

    The probes run in a process of their own (:mod:`bench.health_probe`): probed from a thread
    of this process, a probe in flight while the full tree's answer was parsed here waited for
    this process's GIL, and was timed as the server's (the 67.5 ms of round 27's first run).
    """
    elapsed: list[float] = []
    latencies = probe_during(ours, lambda: elapsed.append(post(ours, {"query": FULL_TREE})[1]))
    print(
        f"/healthz during the full tree ({elapsed[0]:.2f} s): {describe(latencies)} "
        "(target < 50 ms)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres-server", required=True)
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--full-tree-repeats", type=int, default=3)
    parser.add_argument(
        "--database",
        default=None,
        help="a database on the server to load once and keep (default: a fresh one, dropped)",
    )
    parser.add_argument(
        "--npm-dir", type=Path, default=None, help="reuse an install of postgraphile@4"
    )
    parser.add_argument(
        "--mixed-minutes",
        type=float,
        default=0,
        help="then drive both our servers this long with mixed queries, for their peak RSS",
    )
    arguments = parser.parse_args()
    # Room for the cold full tree (the default 10 s deadline is for clients, not for a benchmark).
    os.environ.setdefault("REQUEST_DEADLINE_SECONDS", "60")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is needed: apt-get install -y wrk")
    with ExitStack() as stack:
        npm_dir = arguments.npm_dir or Path(stack.enter_context(tempfile.TemporaryDirectory()))
        binary = install_postgraphile(npm_dir)
        asyncio.run(_run(arguments, binary))


async def _run(arguments: argparse.Namespace, binary: Path) -> None:
    async with bench_database(arguments.postgres_server, name=arguments.database) as settings:
        started = time.perf_counter()
        await prepare(settings, arguments.schools, arguments.seed)
        print(
            f"{arguments.schools} schools loaded and analyzed "
            f"in {time.perf_counter() - started:.0f} s"
        )
        with (
            serving(settings, cache_bytes=0) as (cold, cold_pid),
            serving(settings, cache_bytes=32 * 1024 * 1024) as (warm, warm_pid),
            postgraphile(binary, settings.database) as (pg, pg_pid),
            reference(settings.database) as one_statement,
        ):
            check_answers(cold, pg)
            time_full_tree(cold, pg, one_statement, arguments.full_tree_repeats)
            healthz_under_full_tree(cold)
            servers: dict[str, tuple[str, int, list[dict[str, object]]]] = {
                "ours, cache off": (
                    cold,
                    cold_pid,
                    [{"query": COUNTRY_PAGE, "variables": {"codes": [c]}} for c in CODES],
                ),
                "postgraphile": (
                    pg,
                    pg_pid,
                    [{"query": PG_COUNTRY_PAGE, "variables": {"code": c}} for c in CODES],
                ),
                "ours, cache on": (
                    warm,
                    warm_pid,
                    [{"query": COUNTRY_PAGE, "variables": {"codes": [c]}} for c in CODES],
                ),
            }
            for url, _pid, bodies in servers.values():  # warm-up: pools, JIT, caches
                run_wrk(f"{url}/graphql", bodies, connections=8, seconds=2, core=1)
            rps: dict[str, list[float]] = {name: [] for name in servers}
            print(
                "| round | server | req/s | p50 ms | p99 ms | server CPU ms/req | new PG sessions |"
            )
            print("|---:|---|---:|---:|---:|---:|---:|")
            for round_number in range(1, arguments.rounds + 1):
                for name, (url, pid, bodies) in servers.items():
                    pids = await backend_pids(settings)
                    before = cpu_seconds(pid)
                    load = run_wrk(
                        f"{url}/graphql", bodies, connections=8, seconds=arguments.seconds, core=1
                    )
                    cpu = cpu_seconds(pid) - before
                    new_sessions = len(await backend_pids(settings) - pids) - 1  # minus our probe
                    rps[name].append(load.rps)
                    print(
                        f"| {round_number} | {name} | {load.rps:,.0f} | {load.p50_ms:.1f} "
                        f"| {load.p99_ms:.1f} "
                        f"| {cpu * 1000 / max(load.requests, 1):.2f} | {new_sessions} |"
                        + (
                            f" errors: {load.errors + load.non_2xx}"
                            if load.errors + load.non_2xx
                            else ""
                        ),
                        flush=True,
                    )
            pg_rps = rps["postgraphile"]
            for name in ("ours, cache off", "ours, cache on"):
                ratios = [
                    mine / theirs for mine, theirs in zip(rps[name], pg_rps, strict=True) if theirs
                ]
                print(
                    f"{name} / postgraphile req/s: per round "
                    + ", ".join(f"{r:.2f}" for r in ratios)
                    + f"; median {statistics.median(ratios):.2f}"
                )
            for name, pid in (("cache off", cold_pid), ("cache on", warm_pid)):
                print(
                    f"peak RSS, ours {name}, after the full tree and "
                    f"{arguments.rounds} x {arguments.seconds} s of country pages: "
                    f"{peak_rss_mib(pid):.0f} MiB"
                )
            if arguments.mixed_minutes > 0:
                mixed_load((cold, cold_pid), (warm, warm_pid), arguments.mixed_minutes)


#: Mixed queries: country pages of three sizes, what a student types, and the full tree.
MIXED: list[dict[str, object]] = [
    {"query": COUNTRY_PAGE.replace("first: 20", f"first: {size}"), "variables": {"codes": [c]}}
    for size in (5, 20, 50)
    for c in CODES
]
MIXED += [{"query": SEARCH, "variables": {"text": text}} for text in TYPED]
MIXED.append({"query": FULL_TREE})


def mixed_load(cold: tuple[str, int], warm: tuple[str, int], minutes: float) -> None:
    """Both our servers under MIXED at once (4 connections each), then their peak RSS."""
    seconds = max(1, int(minutes * 60))
    results: dict[str, Any] = {}

    def drive(name: str, url: str) -> None:
        results[name] = run_wrk(f"{url}/graphql", MIXED, connections=4, seconds=seconds, core=1)

    threads = [
        threading.Thread(target=drive, args=(name, url))
        for name, url in (("cache off", cold[0]), ("cache on", warm[0]))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for name, pid in (("cache off", cold[1]), ("cache on", warm[1])):
        load = results[name]
        print(
            f"mixed queries, ours {name}, {seconds} s: {load.requests:,} requests, "
            f"{load.errors + load.non_2xx} errors; peak RSS {peak_rss_mib(pid):.0f} MiB"
        )


if __name__ == "__main__":
    main()
