"""``/healthz`` probed every 5 ms from a process of its own while the caller loads the server.

The probes used to run in a thread of the process that sent the full tree and parsed its answer
(3.8 MB at 10,000 schools): ``json.loads`` holds that process's GIL for the whole parse (60 ms
idle, 180-270 ms of CPU on a loaded machine), and a probe in flight then was timed as if the
server had been that slow. Probing from a spawned process measures the server alone.
"""

from __future__ import annotations

import multiprocessing
import statistics
import time
from collections.abc import Callable
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event

import httpx

#: Seconds between the end of a probe and the start of the next.
PAUSE = 0.005


def _probe(url: str, started: Event, stop: Event, latencies: Queue[list[float]]) -> None:
    taken: list[float] = []
    with httpx.Client(timeout=30) as client:
        client.get(f"{url}/healthz").raise_for_status()  # connected before the load starts
        started.set()
        while not stop.is_set():
            begun = time.perf_counter()
            client.get(f"{url}/healthz").raise_for_status()
            taken.append((time.perf_counter() - begun) * 1000)
            stop.wait(PAUSE)
    latencies.put(taken)


def probe_during(url: str, load: Callable[[], object]) -> list[float]:
    """Milliseconds each ``/healthz`` of ``url`` took while ``load()`` ran (in this process)."""
    context = multiprocessing.get_context("spawn")
    started, stop = context.Event(), context.Event()
    latencies: Queue[list[float]] = context.Queue()
    prober = context.Process(target=_probe, args=(url, started, stop, latencies), daemon=True)
    prober.start()
    try:
        while not started.wait(0.1):
            if not prober.is_alive():
                raise RuntimeError("the /healthz prober ended before its first probe")
        load()
    finally:
        stop.set()
    taken = latencies.get(timeout=60)
    prober.join(timeout=30)
    return taken


def describe(latencies: list[float]) -> str:
    """``N probes, p50 …, p99 …, max … ms``."""
    if not latencies:
        return "no probes"
    ordered = sorted(latencies)
    p99 = (
        statistics.quantiles(ordered, n=100, method="inclusive")[98]
        if len(ordered) > 1
        else ordered[0]
    )
    return (
        f"{len(ordered)} probes, p50 {statistics.median(ordered):.1f} ms, "
        f"p99 {p99:.1f} ms, max {ordered[-1]:.1f} ms"
    )
