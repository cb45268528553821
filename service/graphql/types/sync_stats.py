"""What the fetcher did during a sync run (``sync_run.stats``), Scrapy-style, for ``syncRuns``."""

from __future__ import annotations

from collections.abc import Mapping

import strawberry


def _number(record: Mapping[str, object], key: str) -> int:
    value = record.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"expected a number for {key}, not {value!r}")
    return round(value)


def _mapping(record: Mapping[str, object], key: str) -> Mapping[str, object]:
    value = record.get(key) or {}
    if not isinstance(value, Mapping):
        raise TypeError(f"expected an object for {key}, not {value!r}")
    return value


@strawberry.type(description="Answers of one kind: an HTTP status, or a failure with no answer.")
class AnswerCount:
    outcome: str = strawberry.field(
        description="An HTTP status (`200`, `404`) or, when no answer came, why (`DNS_ERROR`, "
        "`TIMEOUT`, `CONNECTION_ERROR`, `SSRF_BLOCKED`)."
    )
    count: int = strawberry.field(description="How many.")


@strawberry.type(description="The requests a run sent to one host, and how long they took.")
class HostLatency:
    host: str = strawberry.field(description="The host name.")
    requests: int = strawberry.field(description="Requests sent to it (robots.txt included).")
    mean_ms: int = strawberry.field(description="Mean network time of a request, in ms.")
    max_ms: int = strawberry.field(description="Longest network time of a request, in ms.")


@strawberry.type(description="What the fetcher did during a run: its traffic and its refusals.")
class SyncRunStats:
    requests: int = strawberry.field(description="HTTP requests sent (retries, redirects, robots).")
    bytes: int = strawberry.field(description="Body bytes read, decompressed.")
    answers: list[AnswerCount] = strawberry.field(description="Answers per HTTP status or failure.")
    retries: int = strawberry.field(
        description="Requests sent again after a failure that may pass."
    )
    robots_refusals: int = strawberry.field(description="Pages robots.txt kept us from fetching.")
    duration_seconds: float = strawberry.field(description="How long the run took, in seconds.")
    hosts: list[HostLatency] = strawberry.field(description="Per host, by host name.")

    @classmethod
    def from_record(cls, record: Mapping[str, object]) -> SyncRunStats | None:
        """The stats stored with a run; None for a run recorded before they were kept."""
        if not record:
            return None
        duration = record.get("duration_seconds", 0.0)
        if isinstance(duration, bool) or not isinstance(duration, int | float):
            raise TypeError(f"expected a number for duration_seconds, not {duration!r}")
        hosts = _mapping(record, "hosts")
        return cls(
            requests=_number(record, "requests"),
            bytes=_number(record, "bytes"),
            answers=[
                AnswerCount(outcome=outcome, count=_number(_mapping(record, "statuses"), outcome))
                for outcome in _mapping(record, "statuses")
            ],
            retries=_number(record, "retries"),
            robots_refusals=_number(record, "robots_refusals"),
            duration_seconds=float(duration),
            hosts=[
                HostLatency(
                    host=host,
                    requests=_number(_mapping(hosts, host), "requests"),
                    mean_ms=_number(_mapping(hosts, host), "mean_ms"),
                    max_ms=_number(_mapping(hosts, host), "max_ms"),
                )
                for host in hosts
            ],
        )
