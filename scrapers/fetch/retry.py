"""When to try a request again, and how long to wait first.

Only failures that may pass are retried: connection errors, 408, 429 and 5xx. The wait is the
server's ``Retry-After`` (seconds or an HTTP date) when it gives one, else an exponential backoff
with jitter, so that many clients hit by the same outage do not come back in step.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

#: 5xx answers that say "never", not "not now".
_PERMANENT_SERVER_ERRORS = frozenset({501, 505})

# Jitter spreads retries in time; it protects nothing, so a fast PRNG is right.
_jitter = random.Random()  # noqa: S311


def is_retryable_status(status: int) -> bool:
    """408, 429 and the 5xx that may pass."""
    if status in (408, 429):
        return True
    return 500 <= status < 600 and status not in _PERMANENT_SERVER_ERRORS


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` header asks for, or None when absent or unreadable."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_delay(attempt: int, base: float) -> float:
    """Wait before retry number ``attempt`` (0-based): base·2^attempt, jittered by ±50 %."""
    ceiling = base * (2**attempt)
    return _jitter.uniform(ceiling / 2, ceiling * 1.5)
