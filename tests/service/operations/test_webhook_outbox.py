"""Webhook events are written to an outbox, one row per receiving URL, leased per attempt."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from service.db.models import DeliveryStatus
from service.operations.webhook_outbox import (
    WebhookEvent,
    build_event_body,
    count_webhook_deliveries_by_status,
    due_webhook_deliveries,
    enqueue_webhook_event,
    lease_webhook_delivery,
    record_webhook_attempt,
)

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
URLS = ["https://hooks.example/a", "https://hooks.example/b", "https://hooks.example/a"]


def test_the_body_is_compact_json_with_sorted_keys() -> None:
    body = build_event_body(
        WebhookEvent.SYNC_FINISHED,
        {"status": "succeeded", "run_id": 12},
        event_id="e1",
        occurred_at=datetime(2026, 3, 2, 5, 0, 1, tzinfo=UTC),
    )
    assert body == (
        '{"data":{"run_id":12,"status":"succeeded"},"event":"sync.finished",'
        '"id":"e1","occurred_at":"2026-03-02T05:00:01Z"}'
    )


async def test_one_pending_delivery_per_distinct_url_with_one_body(session: AsyncSession) -> None:
    rows = await enqueue_webhook_event(
        session, URLS, WebhookEvent.CATALOGUE_CHANGED, {"school": "phelma"}, now=T0
    )
    assert [row.url for row in rows] == ["https://hooks.example/a", "https://hooks.example/b"]
    assert len({row.event_id for row in rows}) == 1
    assert rows[0].body == rows[1].body
    document = json.loads(rows[0].body)
    assert document["event"] == "catalogue.changed"
    assert document["id"] == rows[0].event_id
    assert document["data"] == {"school": "phelma"}
    assert rows[0].body_sha256 == hashlib.sha256(rows[0].body.encode()).hexdigest()
    assert {(row.status, row.attempts, row.next_attempt_at) for row in rows} == {
        (DeliveryStatus.PENDING, 0, T0)
    }
    assert await enqueue_webhook_event(session, [], WebhookEvent.SYNC_FINISHED, {}) == []


async def test_due_deliveries_and_recorded_attempts(session: AsyncSession) -> None:
    first, second = await enqueue_webhook_event(
        session, URLS, WebhookEvent.SYNC_FINISHED, {"run_id": 3}, now=T0
    )
    await record_webhook_attempt(
        session,
        first.id,
        at=T0,
        status=DeliveryStatus.PENDING,
        status_code=503,
        error="HTTP 503",
        next_attempt_at=T0 + timedelta(seconds=30),
    )
    await record_webhook_attempt(
        session, second.id, at=T0, status=DeliveryStatus.DELIVERED, status_code=204, error=None
    )
    assert await due_webhook_deliveries(session, T0 + timedelta(seconds=29)) == []
    (due,) = await due_webhook_deliveries(session, T0 + timedelta(seconds=30))
    await session.refresh(due)
    await session.refresh(second)
    assert (due.id, due.attempts, due.last_status_code, due.last_error) == (
        first.id,
        1,
        503,
        "HTTP 503",
    )
    assert (second.status, second.attempts, second.delivered_at) == (
        DeliveryStatus.DELIVERED,
        1,
        T0,
    )
    assert await count_webhook_deliveries_by_status(session) == {"pending": 1, "delivered": 1}


async def test_only_one_of_two_senders_gets_the_lease(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions() as db:
        (delivery,) = await enqueue_webhook_event(
            db, URLS[:1], WebhookEvent.SYNC_FINISHED, {}, now=T0
        )
        await db.commit()
    async with sessions() as first, sessions() as second:
        (seen_first,) = await due_webhook_deliveries(first, T0)
        (seen_second,) = await due_webhook_deliveries(second, T0)
        await first.commit()
        await second.commit()
        lease_until = T0 + timedelta(minutes=1)
        assert await lease_webhook_delivery(first, seen_first, until=lease_until)
        await first.commit()
        assert not await lease_webhook_delivery(second, seen_second, until=lease_until)
        await second.commit()
    async with sessions() as db:
        assert await due_webhook_deliveries(db, T0) == []
        (again,) = await due_webhook_deliveries(db, lease_until)
        assert again.id == delivery.id
