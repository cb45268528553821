"""The webhook outbox: events are written here, in the transaction that caused them.

An admin override and the change it makes commit together with their ``catalogue.changed``
event, or not at all; a sync run's ``sync.finished`` event is committed with the run's record.
The scheduler's deliverer (``scrapers.webhooks``) then posts pending rows, signs each attempt,
retries with back-off and records every attempt on the row (see docs/operations/webhooks.md).
"""

from __future__ import annotations

import enum
import hashlib
import secrets
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import orjson
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import DeliveryStatus, WebhookDelivery, utcnow


class WebhookEvent(enum.StrEnum):
    """What a receiver is told about (the ``event`` field and ``X-Mobility-Event`` header)."""

    SYNC_FINISHED = "sync.finished"
    FAQ_IMPORT_FINISHED = "faq_import.finished"
    CATALOGUE_CHANGED = "catalogue.changed"


def build_event_body(
    event: WebhookEvent, data: Mapping[str, object], *, event_id: str, occurred_at: datetime
) -> str:
    """The JSON document sent: ``{"data", "event", "id", "occurred_at"}``, keys sorted."""
    document = {
        "id": event_id,
        "event": event.value,
        "occurred_at": occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": dict(data),
    }
    return orjson.dumps(document, option=orjson.OPT_SORT_KEYS).decode()


async def enqueue_webhook_event(
    session: AsyncSession,
    urls: Sequence[str],
    event: WebhookEvent,
    data: Mapping[str, object],
    *,
    now: datetime | None = None,
) -> list[WebhookDelivery]:
    """One pending delivery per URL of the same event (same id, same body); none without URLs."""
    if not urls:
        return []
    occurred_at = now or utcnow()
    event_id = secrets.token_hex(16)
    body = build_event_body(event, data, event_id=event_id, occurred_at=occurred_at)
    digest = hashlib.sha256(body.encode()).hexdigest()
    deliveries = [
        WebhookDelivery(
            event_id=event_id,
            event=event.value,
            url=url,
            body=body,
            body_sha256=digest,
            status=DeliveryStatus.PENDING,
            attempts=0,
            created_at=occurred_at,
            next_attempt_at=occurred_at,
        )
        for url in dict.fromkeys(urls)
    ]
    session.add_all(deliveries)
    await session.flush()
    return deliveries


async def due_webhook_deliveries(
    session: AsyncSession, now: datetime, *, limit: int = 50
) -> list[WebhookDelivery]:
    """Pending deliveries whose next attempt is due, oldest first."""
    return list(
        await session.scalars(
            select(WebhookDelivery)
            .where(
                WebhookDelivery.status == DeliveryStatus.PENDING,
                WebhookDelivery.next_attempt_at <= now,
            )
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(limit)
        )
    )


async def lease_webhook_delivery(
    session: AsyncSession, delivery: WebhookDelivery, *, until: datetime
) -> bool:
    """Take ``delivery`` for one attempt by moving its next attempt to ``until``.

    The update only matches if nobody moved it since it was read, so two schedulers never send
    the same attempt; if the sender dies, the delivery is due again at ``until``. Commit before
    sending.
    """
    result = await session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery.id,
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at == delivery.next_attempt_at,
        )
        .values(next_attempt_at=until)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0) == 1)


async def record_webhook_attempt(
    session: AsyncSession,
    delivery_id: int,
    *,
    at: datetime,
    status: DeliveryStatus,
    status_code: int | None,
    error: str | None,
    next_attempt_at: datetime | None = None,
) -> None:
    """One attempt: its result, and what happens next (delivered, failed, or retry at a time)."""
    values: dict[str, object] = {
        "attempts": WebhookDelivery.attempts + 1,
        "last_attempt_at": at,
        "last_status_code": status_code,
        "last_error": error[:500] if error else None,
        "status": status,
    }
    if status is DeliveryStatus.DELIVERED:
        values["delivered_at"] = at
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    await session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def count_webhook_deliveries_by_status(session: AsyncSession) -> dict[str, int]:
    rows = await session.execute(
        select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
    )
    return {DeliveryStatus(status).value: count for status, count in rows}
