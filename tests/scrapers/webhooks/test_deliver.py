"""Delivery to a real receiver on loopback: signed, retried with back-off, attempts recorded."""

from __future__ import annotations

import asyncio
import json
import socket
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.webhooks.deliver import (
    USER_AGENT,
    DeliveryPolicy,
    DeliveryReport,
    create_webhook_client,
    deliver_due_webhooks,
)
from service.config import Settings
from service.db.models import DeliveryStatus, WebhookDelivery
from service.operations.webhook_outbox import WebhookEvent, enqueue_webhook_event
from tests.scrapers.webhooks.receiver import Receiver, running_receiver

SECRET = "whsec-test-0123456789abcdef"
POLICY = DeliveryPolicy(
    timeout=5.0, max_attempts=3, backoff=timedelta(seconds=5), backoff_cap=timedelta(seconds=60)
)


class Clock:
    """Starts at the real time (receivers check timestamps against theirs) and moves on demand."""

    def __init__(self) -> None:
        self.current = datetime.now(UTC)
        self.start = self.current

    def __call__(self) -> datetime:
        return self.current

    def at(self, seconds: float) -> Clock:
        self.current = self.start + timedelta(seconds=seconds)
        return self


async def _enqueue(
    sessions: async_sessionmaker[AsyncSession], clock: Clock, *urls: str
) -> list[int]:
    async with sessions() as session:
        rows = await enqueue_webhook_event(
            session,
            list(urls),
            WebhookEvent.SYNC_FINISHED,
            {"run_id": 12, "status": "succeeded"},
            now=clock.start,
        )
        await session.commit()
        return [row.id for row in rows]


async def _rows(sessions: async_sessionmaker[AsyncSession]) -> list[WebhookDelivery]:
    async with sessions() as session:
        return list(await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


async def _deliver(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    policy: DeliveryPolicy = POLICY,
) -> DeliveryReport:
    async with create_webhook_client(policy) as client:
        return await deliver_due_webhooks(sessions, client, secret=SECRET, policy=policy, now=clock)


async def test_a_delivery_is_signed_and_recorded(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [204])) as receiver:
        await _enqueue(sessions, clock, receiver.url)
        report = await _deliver(sessions, clock)
    assert report == DeliveryReport(delivered=1)
    (row,) = await _rows(sessions)
    (request,) = receiver.received
    assert request.verdict is None
    assert request.body == row.body.encode()
    assert json.loads(request.body)["data"] == {"run_id": 12, "status": "succeeded"}
    assert (
        request.headers["Content-Type"],
        request.headers["X-Mobility-Event"],
        request.headers["X-Mobility-Delivery"],
        request.headers["User-Agent"],
    ) == ("application/json", "sync.finished", row.event_id, USER_AGENT)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        DeliveryStatus.DELIVERED,
        1,
        204,
        None,
    )
    assert row.delivered_at == clock.current


async def test_server_errors_are_retried_with_doubling_delays_until_success(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [500, 503, 204])) as receiver:
        await _enqueue(sessions, clock, receiver.url)
        assert await _deliver(sessions, clock.at(0)) == DeliveryReport(retrying=1)
        (row,) = await _rows(sessions)
        assert (row.attempts, row.last_status_code, row.next_attempt_at) == (
            1,
            500,
            clock.start + timedelta(seconds=5),
        )
        assert await _deliver(sessions, clock.at(4.9)) == DeliveryReport()
        assert await _deliver(sessions, clock.at(5)) == DeliveryReport(retrying=1)
        (row,) = await _rows(sessions)
        assert row.next_attempt_at == clock.start + timedelta(seconds=5 + 10)
        assert await _deliver(sessions, clock.at(15)) == DeliveryReport(delivered=1)
    (row,) = await _rows(sessions)
    assert (row.status, row.attempts, row.last_status_code) == (DeliveryStatus.DELIVERED, 3, 204)
    assert [request.verdict for request in receiver.received] == [None, None, None]
    assert {request.body for request in receiver.received} == {row.body.encode()}
    signatures = {request.headers["X-Mobility-Signature"] for request in receiver.received}
    assert len(signatures) == 3  # each attempt is signed at its own time


async def test_the_last_allowed_attempt_gives_up_and_says_why(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [500])) as receiver:
        await _enqueue(sessions, clock, receiver.url)
        reports = [await _deliver(sessions, clock.at(seconds)) for seconds in (0, 5, 15, 60)]
    assert reports == [
        DeliveryReport(retrying=1),
        DeliveryReport(retrying=1),
        DeliveryReport(failed=1),
        DeliveryReport(),
    ]
    (row,) = await _rows(sessions)
    assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
        DeliveryStatus.FAILED,
        3,
        500,
        "HTTP 500",
    )
    assert row.delivered_at is None
    assert len(receiver.received) == 3


async def test_a_client_error_is_final_at_once(sessions: async_sessionmaker[AsyncSession]) -> None:
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [410])) as receiver:
        await _enqueue(sessions, clock, receiver.url)
        assert await _deliver(sessions, clock) == DeliveryReport(failed=1)
    (row,) = await _rows(sessions)
    assert (row.status, row.attempts, row.last_error) == (DeliveryStatus.FAILED, 1, "HTTP 410")


async def test_retry_after_is_honoured_up_to_the_cap(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    receiver = Receiver(SECRET.encode(), [429], retry_after="20")
    with running_receiver(receiver):
        await _enqueue(sessions, clock, receiver.url)
        await _deliver(sessions, clock)
        receiver.retry_after = "86400"
        await _deliver(sessions, clock.at(20))
    first_retry, second_retry = (
        clock.start + timedelta(seconds=20),
        clock.start + timedelta(seconds=20 + 60),
    )
    (row,) = await _rows(sessions)
    assert (row.attempts, row.next_attempt_at) == (2, second_retry)
    assert first_retry < second_retry


async def test_an_unreachable_receiver_is_retried(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    clock = Clock()
    await _enqueue(sessions, clock, f"http://127.0.0.1:{port}/hook")
    assert await _deliver(sessions, clock) == DeliveryReport(retrying=1)
    (row,) = await _rows(sessions)
    assert row.last_status_code is None
    assert row.last_error is not None
    assert row.last_error.startswith("ConnectError")


async def test_a_receiver_that_does_not_answer_in_time_is_retried(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    policy = DeliveryPolicy(
        timeout=0.2, max_attempts=3, backoff=timedelta(seconds=5), backoff_cap=timedelta(60)
    )
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [204], stall_seconds=1.0)) as receiver:
        await _enqueue(sessions, clock, receiver.url)
        assert await _deliver(sessions, clock, policy) == DeliveryReport(retrying=1)
    (row,) = await _rows(sessions)
    assert (row.status, row.last_error) == (DeliveryStatus.PENDING, "no answer within 0.2 s")


async def test_a_captured_request_replayed_later_is_refused_by_the_receiver(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    receiver = Receiver(SECRET.encode(), [204])
    with running_receiver(receiver):
        await _enqueue(sessions, clock, receiver.url)
        await _deliver(sessions, clock)
        (captured,) = receiver.received
        replay_headers = {
            name: captured.headers[name]
            for name in ("Content-Type", "X-Mobility-Event", "X-Mobility-Signature")
        }
        async with httpx.AsyncClient() as client:
            receiver.clock_offset = 301  # five minutes and a second later
            late = await client.post(receiver.url, content=captured.body, headers=replay_headers)
            receiver.clock_offset = 0
            tampered = await client.post(
                receiver.url, content=captured.body.replace(b"12", b"13"), headers=replay_headers
            )
    assert (late.status_code, receiver.received[1].verdict) == (401, "stale")
    assert (tampered.status_code, receiver.received[2].verdict) == (401, "bad signature")


async def test_two_schedulers_delivering_at_once_send_each_delivery_once(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    clock = Clock()
    with running_receiver(Receiver(SECRET.encode(), [204])) as receiver:
        await _enqueue(sessions, clock, *(f"{receiver.url}?to={n}" for n in range(4)))
        reports = await asyncio.gather(_deliver(sessions, clock), _deliver(sessions, clock))
    assert sum(report.delivered for report in reports) == 4
    assert sorted(request.path for request in receiver.received) == [
        f"/hooks/mobility?to={n}" for n in range(4)
    ]


def test_the_policy_comes_from_settings() -> None:
    policy = DeliveryPolicy.from_settings(Settings(_env_file=None))
    assert policy == DeliveryPolicy(
        timeout=10.0,
        max_attempts=6,
        backoff=timedelta(seconds=30),
        backoff_cap=timedelta(hours=1),
    )
    assert [policy.retry_delay(n).total_seconds() for n in range(1, 9)] == [
        30,
        60,
        120,
        240,
        480,
        960,
        1920,
        3600,
    ]
