"""Retry-After in both its forms, and which statuses may pass."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.fetch.retry import backoff_delay, is_retryable_status, parse_retry_after

NOW = datetime(2026, 3, 2, 10, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [
        ("120", 120.0),
        (" 0 ", 0.0),
        ("Mon, 02 Mar 2026 10:01:30 GMT", 90.0),
        ("Mon, 02 Mar 2026 09:00:00 GMT", 0.0),
        ("soon", None),
        ("-5", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_is_read_as_seconds_or_an_http_date(
    value: str | None, seconds: float | None
) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


@pytest.mark.parametrize(
    ("status", "retryable"),
    [
        (408, True),
        (429, True),
        (500, True),
        (503, True),
        (501, False),
        (505, False),
        (404, False),
        (410, False),
        (403, False),
    ],
)
def test_only_failures_that_may_pass_are_retried(status: int, retryable: bool) -> None:
    assert is_retryable_status(status) is retryable


@pytest.mark.parametrize("attempt", [0, 1, 2, 3])
def test_backoff_doubles_with_jitter(attempt: int) -> None:
    delays = [backoff_delay(attempt, 1.0) for _ in range(200)]
    assert all(2**attempt * 0.5 <= delay <= 2**attempt * 1.5 for delay in delays)
    assert len(set(delays)) > 1
