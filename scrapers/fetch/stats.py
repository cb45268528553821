"""What a fetcher did during one run, Scrapy-style: requests, bytes, statuses, latency, retries.

The fetcher counts every HTTP exchange it makes (robots.txt and https probes included) as it
makes it, so the figures describe the traffic a partner site saw, not the links judged. The run
stores :meth:`FetchStats.as_record` with its record (``sync_run.stats``); the CLI and
``syncRuns`` show it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scrapers.fetch.window import PageWindow


@dataclass(slots=True)
class HostLatency:
    """Network time of the exchanges with one host."""

    requests: int = 0
    total_ms: float = 0.0
    max_ms: float = 0.0

    def add(self, ms: float) -> None:
        self.requests += 1
        self.total_ms += ms
        self.max_ms = max(self.max_ms, ms)

    def as_record(self) -> dict[str, object]:
        mean = self.total_ms / self.requests if self.requests else 0.0
        return {"requests": self.requests, "mean_ms": round(mean), "max_ms": round(self.max_ms)}


@dataclass(slots=True)
class FetchStats:
    """Counters of one fetcher; one instance per :class:`~scrapers.fetch.Fetcher` (per run)."""

    requests: int = 0
    #: Body bytes read from the network (after decompression; redirect and error bodies unread).
    bytes_read: int = 0
    #: HTTP status per answer (``"200"``), or the failure that left no answer (``"DNS_ERROR"``).
    statuses: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    robots_refusals: int = 0
    hosts: dict[str, HostLatency] = field(default_factory=dict)
    #: With a page window (:mod:`.window`): the most page bodies it held at once (sent for, not
    #: yet read), and the requests that found it full and waited for the reader.
    pages_held_most: int = 0
    window_waits: int = 0

    def count_exchange(self, host: str, outcome: str, *, ms: float, body_bytes: int) -> None:
        """One request sent to ``host``: its status (or failure), time and body size."""
        self.requests += 1
        self.bytes_read += body_bytes
        self.statuses[outcome] += 1
        self.hosts.setdefault(host, HostLatency()).add(ms)

    def count_unsent(self, outcome: str) -> None:
        """A URL refused before any request (DNS failure, address guard): no traffic."""
        self.statuses[outcome] += 1

    def count_retry(self) -> None:
        self.retries += 1

    def count_robots_refusal(self) -> None:
        self.robots_refusals += 1

    def count_window(self, window: PageWindow) -> None:
        """A request took a place in ``window``: its figures so far."""
        self.pages_held_most = max(self.pages_held_most, window.most_held)
        self.window_waits = max(self.window_waits, window.waits)

    def as_record(self) -> dict[str, object]:
        """A JSON object, keys and hosts sorted, as stored with the run."""
        record: dict[str, object] = {
            "requests": self.requests,
            "bytes": self.bytes_read,
            "statuses": dict(sorted(self.statuses.items())),
            "retries": self.retries,
            "robots_refusals": self.robots_refusals,
            "hosts": {host: self.hosts[host].as_record() for host in sorted(self.hosts)},
        }
        if self.pages_held_most:  # pages were fetched through a window
            record["pages_held_most"] = self.pages_held_most
            record["window_waits"] = self.window_waits
        return record


def format_stats(record: dict[str, object]) -> str:
    """The stats of a run on one line, for the CLI and the logs."""
    statuses = record.get("statuses") or {}
    assert isinstance(statuses, dict)
    shown = ", ".join(f"{key} {value}" for key, value in statuses.items()) or "-"
    hosts = record.get("hosts") or {}
    assert isinstance(hosts, dict)
    slowest = sorted(hosts.items(), key=lambda item: -int(item[1].get("max_ms", 0)))[:3]
    latency = ", ".join(f"{host} max {figures['max_ms']} ms" for host, figures in slowest)
    line = (
        f"stats: {record.get('requests', 0)} requests, {record.get('bytes', 0):,} bytes, "
        f"statuses {shown}, {record.get('retries', 0)} retries, "
        f"{record.get('robots_refusals', 0)} robots refusals"
    )
    if "pages_held_most" in record:
        line += (
            f", at most {record['pages_held_most']} pages unread, "
            f"{record.get('window_waits', 0)} waits for the reader"
        )
    if "duration_seconds" in record:
        line += f", {record['duration_seconds']} s"
    if latency:
        line += f"; slowest hosts: {latency}"
    return line
