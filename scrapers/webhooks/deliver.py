"""Posting due webhook deliveries: lease, sign, send, record; retry with back-off.

Each attempt is its own small unit of work: the lease is committed before the request goes out
(so no other scheduler sends it too), and the outcome is committed right after (so a crash loses
at most one attempt's record, and the lease makes the delivery due again). Connection errors,
timeouts, 429 and 5xx are retried after ``backoff``, doubling per attempt up to ``backoff_cap``
(longer if the receiver asks with ``Retry-After``); any other answer, and the last allowed
attempt, are final. Redirects are not followed: configure the final URL.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.webhooks.signature import SIGNATURE_HEADER, sign_body
from service import __version__
from service.config import Settings
from service.db import DeliveryStatus, WebhookDelivery, utcnow
from service.observability import bind_log_fields
from service.operations import (
    due_webhook_deliveries,
    lease_webhook_delivery,
    record_webhook_attempt,
)

log = logging.getLogger(__name__)

USER_AGENT = f"mobility-catalog/{__version__} (webhooks)"


@dataclass(frozen=True, slots=True)
class DeliveryPolicy:
    timeout: float
    max_attempts: int
    backoff: timedelta
    backoff_cap: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> DeliveryPolicy:
        return cls(
            timeout=settings.webhook.timeout_seconds,
            max_attempts=settings.webhook.max_attempts,
            backoff=timedelta(seconds=settings.webhook.backoff_seconds),
            backoff_cap=timedelta(seconds=settings.webhook.backoff_cap_seconds),
        )

    @property
    def lease(self) -> timedelta:
        """How long an attempt holds its delivery: the deadline, with room to record the result."""
        return timedelta(seconds=self.timeout + 60)

    def retry_delay(self, attempt: int, retry_after: float | None = None) -> timedelta:
        """Delay after failed attempt number ``attempt`` (1-based)."""
        doublings = min(attempt - 1, 32)
        delay = min(self.backoff * (1 << doublings), self.backoff_cap)
        if retry_after is not None:
            delay = max(delay, min(timedelta(seconds=retry_after), self.backoff_cap))
        return delay


@dataclass(slots=True)
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0


@dataclass(frozen=True, slots=True)
class _Attempt:
    status_code: int | None
    error: str | None
    retryable: bool
    retry_after: float | None = None


def create_webhook_client(policy: DeliveryPolicy) -> httpx.AsyncClient:
    """The HTTP client deliveries go through (close it when the scheduler stops)."""
    return httpx.AsyncClient(
        timeout=policy.timeout,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
    )


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After", "").strip()
    return float(value) if value.isdigit() else None


async def _send(
    client: httpx.AsyncClient,
    delivery: WebhookDelivery,
    secret: str,
    sent_at: datetime,
    deadline_seconds: float,
) -> _Attempt:
    body = delivery.body.encode("utf-8")
    headers = {
        "Content-Type": "application/json",
        "X-Mobility-Event": delivery.event,
        "X-Mobility-Delivery": delivery.event_id,
        SIGNATURE_HEADER: sign_body(secret, body, timestamp=int(sent_at.timestamp())),
    }
    try:
        # httpx's timeout is per read; this bounds the whole attempt (see NOTES.md).
        async with asyncio.timeout(deadline_seconds):
            async with client.stream(
                "POST", delivery.url, content=body, headers=headers
            ) as response:
                status = response.status_code
                retry_after = _retry_after(response)
    except TimeoutError:
        return _Attempt(None, f"no answer within {deadline_seconds:g} s", retryable=True)
    except httpx.HTTPError as exc:
        return _Attempt(None, f"{type(exc).__name__}: {exc}".strip(": "), retryable=True)
    if 200 <= status < 300:
        return _Attempt(status, None, retryable=False)
    if status == 429 or status >= 500:
        return _Attempt(status, f"HTTP {status}", retryable=True, retry_after=retry_after)
    if 300 <= status < 400:
        return _Attempt(status, f"HTTP {status}: redirects are not followed", retryable=False)
    return _Attempt(status, f"HTTP {status}", retryable=False)


async def deliver_due_webhooks(
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    *,
    secret: str,
    policy: DeliveryPolicy,
    now: Callable[[], datetime] = utcnow,
    limit: int = 50,
) -> DeliveryReport:
    """Make one attempt for each delivery due now (at most ``limit``), one after the other."""
    report = DeliveryReport()
    async with sessions() as session:
        due = await due_webhook_deliveries(session, now(), limit=limit)
    for delivery in due:
        async with sessions() as session:
            leased = await lease_webhook_delivery(session, delivery, until=now() + policy.lease)
            await session.commit()
        if not leased:
            continue  # another scheduler took it
        with bind_log_fields(webhook_event=delivery.event_id, webhook_url=delivery.url):
            attempt = await _send(client, delivery, secret, now(), policy.timeout)
            await _record(sessions, delivery, attempt, policy, now(), report)
    return report


async def _record(
    sessions: async_sessionmaker[AsyncSession],
    delivery: WebhookDelivery,
    attempt: _Attempt,
    policy: DeliveryPolicy,
    at: datetime,
    report: DeliveryReport,
) -> None:
    number = delivery.attempts + 1
    next_attempt_at: datetime | None = None
    if attempt.error is None:
        status = DeliveryStatus.DELIVERED
        report.delivered += 1
        log.info("webhook delivered (attempt %d)", number)
    elif attempt.retryable and number < policy.max_attempts:
        status = DeliveryStatus.PENDING
        next_attempt_at = at + policy.retry_delay(number, attempt.retry_after)
        report.retrying += 1
        log.warning(
            "webhook attempt %d failed: %s; retry at %s", number, attempt.error, next_attempt_at
        )
    else:
        status = DeliveryStatus.FAILED
        report.failed += 1
        log.error("webhook given up after attempt %d: %s", number, attempt.error)
    async with sessions() as session:
        await record_webhook_attempt(
            session,
            delivery.id,
            at=at,
            status=status,
            status_code=attempt.status_code,
            error=attempt.error,
            next_attempt_at=next_attempt_at,
        )
        await session.commit()


def webhook_tick(
    sessions: async_sessionmaker[AsyncSession],
    client: httpx.AsyncClient,
    *,
    secret: str,
    policy: DeliveryPolicy,
    now: Callable[[], datetime] = utcnow,
) -> Callable[[], Awaitable[None]]:
    """A task for the scheduler's loop: deliver what is due at each wake-up."""

    async def tick() -> None:
        await deliver_due_webhooks(sessions, client, secret=secret, policy=policy, now=now)

    return tick
