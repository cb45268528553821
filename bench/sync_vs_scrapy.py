"""``mobility sync`` beside Scrapy: same simulated partner sites, same extractor, same politeness.

The sites are :mod:`bench.partner_sites` (an index and three pages of 30 to 80 kB per site,
50 to 100 ms of latency per answer, a robots.txt), served from a separate process on loopback.
Each round runs both crawlers, in alternating order (ours first in rounds 1, 3, …, Scrapy first in
rounds 2, 4, …), each over every site once, cold:

- **ours**: the sync's machinery (``run_sync``: plan, lock, fetcher, extraction in the run's
  process pool, one transaction per school) on a fresh catalogue, then an unchanged re-run
  (every page answers 304) over the same catalogue;
- **Scrapy**: ``bench.scrapy_spider`` in its own process, the project's ``extract_page`` in the
  spider's callback, with the sync's politeness: robots.txt obeyed, one request at a time per host,
  a fixed delay between two requests to a host, the same global concurrency.

Scrapy is installed from PyPI into a temporary virtual environment outside the repository (or
``--scrapy-venv DIR`` keeps and reuses one); the spider runs with the project's interpreter and
Scrapy appended to ``sys.path``, so that both sides extract with the same code and libraries.

Both crawls must fetch the same pages and extract the same number of facts from each, or the
benchmark says where they differ and exits 1. Figures: pages per second (pages fetched and
extracted ÷ wall time of the crawl), the per-round ratio ours ÷ Scrapy, the cold run against the
politeness bound, the re-run against the cold run; medians of the per-round ratios, and the load
average at every run.

    .venv/bin/python -m bench.sync_vs_scrapy --sites 1000 --rounds 2
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from multiprocessing.queues import Queue
from pathlib import Path

from bench import partner_sites
from bench.partner_sites import SiteModel
from bench.sync_sites import Measure, bench_policy, measure, seed
from scrapers.extract.facts import PageExtraction
from scrapers.fetch import FetchPolicy, FetchResult, MappingResolver
from scrapers.reconcile import PageOutcome
from scrapers.sync.page_reader import PageReader, extraction_processes
from service.config import Settings

REPOSITORY = Path(__file__).resolve().parent.parent


def load_average() -> str:
    return " / ".join(Path("/proc/loadavg").read_text().split()[:3])


class TallyingReader(PageReader):
    """The sync's page reader, noting how many facts each page fetched in full gave."""

    def __init__(self, processes: int) -> None:
        super().__init__(processes)
        self.facts: dict[str, int] = {}

    async def outcomes(self, results: Sequence[FetchResult]) -> list[PageOutcome]:
        outcomes = await super().outcomes(results)
        self.facts.update(tally(results, outcomes))
        return outcomes


def tally(results: Sequence[FetchResult], outcomes: Sequence[PageOutcome]) -> dict[str, int]:
    """Facts kept per requested URL, for the pages that were extracted."""
    return {
        result.url: len(outcome.facts)
        for result, outcome in zip(results, outcomes, strict=True)
        if isinstance(outcome, PageExtraction)
    }


@dataclass(frozen=True, slots=True)
class Crawl:
    """One crawl of the sites by one side."""

    side: str
    seconds: float
    cpu_seconds: float
    #: Facts extracted per URL fetched in full.
    facts: Mapping[str, int]
    load: str

    @property
    def pages_per_second(self) -> float:
        return len(self.facts) / self.seconds if self.seconds else 0.0


@dataclass(frozen=True, slots=True)
class Round:
    ours: Crawl
    rerun: Measure | None
    scrapy: Crawl
    rerun_load: str = ""

    @property
    def ratio(self) -> float:
        """Ours ÷ Scrapy in pages per second: above 1, ours is faster."""
        return ratio(self.ours.pages_per_second, self.scrapy.pages_per_second)


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else float("nan")


def median_ratio(pairs: Sequence[tuple[float, float]]) -> float:
    """The median of per-round ratios (numerator ÷ denominator of each round)."""
    return statistics.median(ratio(a, b) for a, b in pairs)


def site_urls(model: SiteModel, port: int) -> list[list[str]]:
    """Each site's URLs (its school's links), index first."""
    return [[f"http://{host}:{port}{path}" for path in model.paths()] for host in model.hosts()]


def differences(
    expected: Sequence[str], ours: Mapping[str, int], theirs: Mapping[str, int]
) -> list[str]:
    """Where two crawls disagree: pages one did not fetch, pages whose fact counts differ."""
    problems = []
    for url in expected:
        if url not in ours:
            problems.append(f"{url}: not extracted by ours")
        if url not in theirs:
            problems.append(f"{url}: not extracted by Scrapy")
        if url in ours and url in theirs and ours[url] != theirs[url]:
            problems.append(f"{url}: {ours[url]} facts (ours) against {theirs[url]} (Scrapy)")
    unexpected = (set(ours) | set(theirs)) - set(expected)
    problems.extend(f"{url}: fetched but not a link of the catalogue" for url in sorted(unexpected))
    return problems


def install_scrapy(directory: Path) -> Path:
    """A virtual environment with Scrapy from PyPI in ``directory``; its site-packages."""
    python = directory / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(directory)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "scrapy"], check=True)
    where = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    )
    return Path(where.stdout.strip())


def scrapy_version(site_packages: Path) -> str:
    """Scrapy's version as the spider's process imports it (fails loudly if it cannot)."""
    check = [sys.executable, "-m", "bench.scrapy_spider", "--site-packages", str(site_packages)]
    done = subprocess.run(
        [*check, "--check"], check=True, capture_output=True, text=True, cwd=REPOSITORY
    )
    return done.stdout.strip()


def crawl_with_scrapy(
    site_packages: Path, urls: Sequence[str], concurrency: int, delay: float, directory: Path
) -> Crawl:
    load = load_average()
    listing, out = directory / "urls.txt", directory / "scrapy.json"
    listing.write_text("\n".join(urls))
    command = [
        sys.executable,
        "-m",
        "bench.scrapy_spider",
        "--site-packages",
        str(site_packages),
        "--urls",
        str(listing),
        "--out",
        str(out),
        "--concurrency",
        str(concurrency),
        "--delay",
        str(delay),
    ]
    subprocess.run(command, check=True, cwd=REPOSITORY)
    report = json.loads(out.read_text())
    if report["failures"]:
        print(f"Scrapy: {len(report['failures'])} failed requests, e.g. {report['failures'][:3]}")
    return Crawl("Scrapy", report["seconds"], report["cpu_seconds"], report["facts"], load)


async def crawl_ours(
    settings: Settings, policy: FetchPolicy, resolver: MappingResolver, rerun: bool
) -> tuple[Crawl, Measure, Measure | None, str]:
    load = load_average()
    reader = TallyingReader(extraction_processes(settings))
    cold = await measure("cold", settings, policy, resolver, None, pages=reader)
    crawl = Crawl(
        "ours", cold.seconds, cold.cpu_seconds + cold.children_cpu_seconds, reader.facts, load
    )
    again, rerun_load = None, ""
    if rerun:
        rerun_load = load_average()
        again = await measure(
            "unchanged", settings, policy, resolver, None, pages=TallyingReader(reader.processes)
        )
    return crawl, cold, again, rerun_load


async def main(args: argparse.Namespace) -> int:
    model = SiteModel(args.sites, pages=args.pages)
    context = multiprocessing.get_context("spawn")
    ports: Queue[int] = context.Queue()
    server = context.Process(target=partner_sites.serve, args=(model, ports), daemon=True)
    server.start()
    rounds: list[Round] = []
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="sync-vs-scrapy-") as scratch:
        directory = Path(scratch)
        venv = args.scrapy_venv or directory / "scrapy-venv"
        site_packages = install_scrapy(venv)
        version = scrapy_version(site_packages)
        try:
            port = ports.get(timeout=300)
            urls = model.urls(port)
            policy = bench_policy(args.concurrency, args.host_delay)
            resolver = MappingResolver({host: ["127.0.0.1"] for host in model.hosts()})
            for number in range(args.rounds):
                database = directory / f"round-{number}.sqlite3"
                settings = Settings(
                    _env_file=None,
                    database_url=f"sqlite:///{database}",
                    sync_dead_link_runs=3,
                    sync_extract_processes=args.extract_processes,
                )
                await seed(settings, site_urls(model, port), model.names())
                rerun = not args.no_rerun

                def scrapy_crawl() -> Crawl:
                    return crawl_with_scrapy(
                        site_packages, urls, args.concurrency, args.host_delay, directory
                    )

                if number % 2 == 0:
                    ours, cold, again, rerun_load = await crawl_ours(
                        settings, policy, resolver, rerun
                    )
                    theirs = scrapy_crawl()
                else:
                    theirs = scrapy_crawl()
                    ours, cold, again, rerun_load = await crawl_ours(
                        settings, policy, resolver, rerun
                    )
                rounds.append(Round(ours, again, theirs, rerun_load))
                differ = differences(urls, ours.facts, theirs.facts)
                problems += differ
                print_round(number, rounds[-1], cold)
                print(
                    f"round {number + 1}: {len(differ)} differences between the crawls", flush=True
                )
        finally:
            server.terminate()
            server.join()
    bound = model.politeness_bound(args.concurrency, args.host_delay)
    print_summary(args, model, version, bound, rounds)
    if problems:
        print(f"the crawls differ ({len(problems)}):")
        for problem in problems[:20]:
            print(f"  {problem}")
        return 1
    facts = sum(rounds[0].ours.facts.values()) if rounds else 0
    print(
        f"both crawls fetched the same {len(rounds[0].ours.facts) if rounds else 0} pages "
        f"and extracted the same facts from each ({facts} in all), in every round"
    )
    return 0


def print_round(number: int, result: Round, cold: Measure) -> None:
    rerun = (
        f"; unchanged re-run {result.rerun.seconds:.1f} s (load {result.rerun_load})"
        if result.rerun is not None
        else ""
    )
    print(
        f"round {number + 1}: ours {result.ours.seconds:.1f} s ({result.ours.pages_per_second:.1f} "
        f"pages/s, {result.ours.cpu_seconds:.1f} s CPU, load {result.ours.load}, run "
        f"{cold.report.status.value}); Scrapy {result.scrapy.seconds:.1f} s "
        f"({result.scrapy.pages_per_second:.1f} pages/s, {result.scrapy.cpu_seconds:.1f} s CPU, "
        f"load {result.scrapy.load}); ours / Scrapy {result.ratio:.2f}{rerun}"
    )


def print_summary(
    args: argparse.Namespace, model: SiteModel, version: str, bound: float, rounds: Sequence[Round]
) -> None:
    latency = f"{model.latency[0] * 1e3:.0f}-{model.latency[1] * 1e3:.0f} ms"
    print(
        f"{args.sites} sites (index + {model.pages} pages, "
        f"~{model.mean_page_bytes() / 1000:.0f} kB a page on average, latency {latency}), "
        f"concurrency {args.concurrency}, host delay {args.host_delay:g} s, SQLite, "
        f"Scrapy {version}, {multiprocessing.cpu_count()} cores; politeness bound {bound:.1f} s; "
        f"load average now {load_average()}"
    )
    print(
        "| round | first | ours (load) | ours / bound | Scrapy (load) "
        "| ours ÷ Scrapy, pages/s | re-run (load) | re-run ÷ cold |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for number, result in enumerate(rounds):
        ours, theirs, again = result.ours, result.scrapy, result.rerun
        rerun = (
            f"{again.seconds:.1f} s ({result.rerun_load}) | {again.seconds / ours.seconds:.2f}"
            if again is not None
            else " | "
        )
        print(
            f"| {number + 1} | {'ours' if number % 2 == 0 else 'Scrapy'} "
            f"| {ours.seconds:.1f} s ({ours.load}) | {ours.seconds / bound:.2f} "
            f"| {theirs.seconds:.1f} s ({theirs.load}) | {result.ratio:.2f} | {rerun} |"
        )
    speed = median_ratio([(r.ours.pages_per_second, r.scrapy.pages_per_second) for r in rounds])
    cold = median_ratio([(r.ours.seconds, bound) for r in rounds])
    line = f"medians of the per-round ratios: ours ÷ Scrapy {speed:.2f}; cold ÷ bound {cold:.2f}"
    reruns = [(r.rerun.seconds, r.ours.seconds) for r in rounds if r.rerun is not None]
    if reruns:
        line += f"; re-run ÷ cold {median_ratio(reruns):.2f}"
    print(line)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--sites", type=int, default=1000)
    parser.add_argument("--pages", type=int, default=3, help="pages per site besides the index")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--host-delay", type=float, default=1.0)
    parser.add_argument(
        "--extract-processes",
        type=int,
        default=None,
        help="our extraction processes (default: one per core, as the sync)",
    )
    parser.add_argument("--no-rerun", action="store_true", help="no unchanged re-run of ours")
    parser.add_argument(
        "--scrapy-venv", type=Path, default=None, help="keep Scrapy's virtual environment here"
    )
    return parser.parse_args()


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main(parse_args())))
