"""The formerly timing-based tests, run again and again under `stress --cpu 2` (issue 16).

    .venv/bin/python -m bench.flake_run [--runs 20] [--workers 2]
        [--database-url postgresql://postgres@127.0.0.1:5432/postgres] [--no-stress]
    make flake                # the same, 20 runs

Issue 16's acceptance: "20 consecutive runs of the formerly timing-based tests under `stress
--cpu 2` pass". The tests are those the issue named (single flight, the run lock, `up`,
operations) and every test fixed for a race since (FLAKE_TESTS, each with the fix that named
it). Each run is one pytest process over all of them, on SQLite and on the PostgreSQL server
given (required: an unreachable server fails the run instead of skipping), with pytest-xdist's
workers as `make test` runs them. The script starts `stress --cpu 2` itself (it needs the
`stress` command) and stops it at the end; it prints, per run, the passes and failures and the
load average, then every test's passes and failures over all runs, and the longest streak of
consecutive passed runs. It exits 1 if any run failed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parent.parent

#: The tests, as pytest node ids (a file or one test), each with why it is here. Left out:
#: test_import_memory (fb4e733 measures it in a spawned process: its figure depended on the tests
#: before it, not on time), test_serve_cli and test_lock_loss (no race was ever fixed there; the
#: readiness wait test_serve_cli shares with test_up_cli is run here), and the fake-clock tests.
FLAKE_TESTS: tuple[tuple[str, str], ...] = (
    ("tests/service/web/test_single_flight.py", "issue 16: slept; waits for the release (1b6b009)"),
    (
        "tests/scrapers/sync/test_lock.py",
        (
            "issue 16: lease renewal (1b6b009), the killed holder's lease (08e0ba1), the SQLite"
            " lease renewed by school transactions (4fb843a)"
        ),
    ),
    ("tests/service/cli/test_up_cli.py", "issue 16: waits for 'started' (1b6b009, 978bbd9)"),
    (
        "tests/service/web/test_operations.py",
        "issue 16: the slow body (978bbd9), 32 concurrent requests' deadline (2adcc00)",
    ),
    (
        "tests/service/observability/test_logs.py",
        "the request-id tasks ordered by an event (978bbd9)",
    ),
    ("tests/service/web/test_query_cost.py", "/healthz loop probe: CPU per turn, not wall time"),
    (
        (
            "tests/scrapers/schedule/test_loop.py"
            "::test_queued_requests_are_each_picked_up_once_by_two_schedulers"
        ),
        "they stop once every request is handled, with no time travel between polls (68e7768)",
    ),
    ("tests/scrapers/sync/test_memory_shape.py", "counts its own run's reports only (e33203a)"),
    ("tests/scrapers/sync/test_workers.py", "a partition closed before the kill (474497d)"),
    ("tests/scrapers/fetch/test_fault_catalogue.py", "5 s per page under load (0c9e7f7)"),
    ("tests/scrapers/sync/test_fault_run.py", "5 s per page under load (0c9e7f7)"),
)


@dataclass
class Tally:
    """Outcomes per test over the runs, and the runs' own verdicts."""

    passed: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    runs: list[bool] = field(default_factory=list)

    def longest_streak(self) -> int:
        best = streak = 0
        for ok in self.runs:
            streak = streak + 1 if ok else 0
            best = max(best, streak)
        return best


@contextmanager
def stressed(cpus: int) -> Iterator[subprocess.Popen[bytes]]:
    """`stress --cpu N` running for the duration of the block, in a process group of its own.

    It stays in this session: with the kernel's autogroup scheduling a session of its own would
    be one more group sharing the CPU fairly, not a load on the tests' own share."""
    command = shutil.which("stress")
    if command is None:
        sys.exit("stress not found: install it (apt-get install stress) or pass --no-stress")
    print(f"stress --cpu {cpus} running", flush=True)
    process = subprocess.Popen(  # one child per CPU, stopped with its group below
        [command, "--cpu", str(cpus)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        process_group=0,
    )
    try:
        yield process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def outcomes(report: Path) -> Iterator[tuple[str, str]]:
    """(test id, "passed" | "failed" | "skipped") for each test case of a JUnit XML report."""
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname', '')}::{case.get('name', '')}"
        if case.find("failure") is not None or case.find("error") is not None:
            yield name, "failed"
        elif case.find("skipped") is not None:
            yield name, "skipped"
        else:
            yield name, "passed"


def run_once(number: int, args: argparse.Namespace, tally: Tally, scratch: Path) -> None:
    report = scratch / f"run-{number}.xml"
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={report}",
        *(["-n", str(args.workers), "--dist", "loadgroup"] if args.workers else []),
        *(node for node, _ in FLAKE_TESTS),
    ]
    env = dict(os.environ, TEST_DATABASE_URL=args.database_url, REQUIRE_POSTGRES="1")
    load = os.getloadavg()[0]
    started = time.perf_counter()
    # In a process group of its own, so that a stopped count stops pytest's workers too.
    with subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        process_group=0,
    ) as pytest_run:
        try:
            output, _ = pytest_run.communicate()
        finally:
            if pytest_run.poll() is None:
                os.killpg(pytest_run.pid, signal.SIGKILL)
    elapsed = time.perf_counter() - started
    counts: Counter[str] = Counter()
    if report.exists():
        for name, outcome in outcomes(report):
            counts[outcome] += 1
            getattr(tally, outcome)[name] += 1
    ok = pytest_run.returncode == 0 and counts["failed"] == 0 and counts["passed"] > 0
    tally.runs.append(ok)
    print(
        f"run {number:>2}: {'pass' if ok else 'FAIL'}  {counts['passed']} passed, "
        f"{counts['failed']} failed, {counts['skipped']} skipped in {elapsed:.0f} s "
        f"(load average {load:.1f} at the start, {os.getloadavg()[0]:.1f} at the end)",
        flush=True,
    )
    if not ok:
        (scratch / f"run-{number}.log").write_text(output)
        tail = "\n".join(output.splitlines()[-40:])
        print(f"--- run {number}'s output, last lines (all of it: {scratch}) ---\n{tail}")


def summarise(tally: Tally) -> None:
    names = sorted(set(tally.passed) | set(tally.failed) | set(tally.skipped))
    flaky = [name for name in names if tally.failed[name]]
    print(f"\n{len(names)} tests, {len(tally.runs)} runs: {sum(tally.runs)} runs passed")
    print(f"longest streak of consecutive passed runs: {tally.longest_streak()}")
    print("per module (test ids, then passes / failures / skips summed over the runs):")
    modules = sorted({name.partition("::")[0] for name in names})
    for module in modules:
        own = [name for name in names if name.partition("::")[0] == module]
        passed, failed, skipped = (
            sum(counter[name] for name in own)
            for counter in (tally.passed, tally.failed, tally.skipped)
        )
        print(f"  {module}: {len(own)} tests, {passed} / {failed} / {skipped}")
    for name in flaky:
        print(f"  FAILED {tally.failed[name]}x, passed {tally.passed[name]}x: {name}")
    for name in (name for name in names if tally.skipped[name]):
        print(f"  skipped {tally.skipped[name]}x: {name}")
    if not flaky:
        print("no test failed")


def _stop(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(signal.Signals(signum).name)


def main() -> None:
    # Stopped by SIGTERM, or by SIGINT even where a shell started it in the background (which
    # ignores SIGINT): the run's pytest and stress are stopped on the way out.
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2, help="pytest-xdist workers; 0: one")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="the PostgreSQL server the tests make their databases on",
    )
    parser.add_argument("--stress-cpus", type=int, default=2)
    parser.add_argument("--no-stress", action="store_true", help="run without stress")
    args = parser.parse_args()
    tally = Tally()
    print(f"{len(FLAKE_TESTS)} files or tests, {args.runs} runs, {args.workers} workers")
    # Kept after the runs: a failed run's whole output and every run's JUnit report.
    scratch = Path(tempfile.mkdtemp(prefix="flake-run-"))
    with nullcontext() if args.no_stress else stressed(args.stress_cpus) as stress:
        for number in range(1, args.runs + 1):
            if stress is not None and stress.poll() is not None:
                sys.exit(f"stress stopped (status {stress.returncode}) before run {number}")
            run_once(number, args, tally, scratch)
    summarise(tally)
    sys.exit(0 if all(tally.runs) else 1)


if __name__ == "__main__":
    main()
