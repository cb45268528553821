"""Recording what an authenticated admin did, or tried: the admin log and its log lines.

Every admin action that passed authentication leaves one ``admin_action`` row, written in the
same transaction as its effect: ``applied`` or ``queued`` with what changed, ``rejected`` with
the typed error the caller got. A refused caller (no, missing or wrong token) leaves nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.validation import MAX_REASON_LENGTH, InvalidInput
from service.db.models import AdminOutcome
from service.operations.admin_log import AdminActionKind, record_admin_action
from service.operations.webhook_outbox import WebhookEvent, enqueue_webhook_event
from service.text import collapse_spaces

logger = logging.getLogger("service.admin")

#: Longest text kept from one rejected argument (the log shows what was sent, not all of it).
_MAX_ECHO = 200


def _echo(value: object) -> object:
    if isinstance(value, str):
        return value[:_MAX_ECHO]
    if isinstance(value, list | tuple):
        return [_echo(item) for item in value[:20]]
    return value


async def record_applied(
    session: AsyncSession,
    *,
    actor: str,
    action: AdminActionKind,
    target: str,
    reason: str | None,
    payload: Mapping[str, object],
    outcome: AdminOutcome = AdminOutcome.APPLIED,
) -> None:
    """Log an action that took effect (``queued`` for work left to the scheduler)."""
    entry = await record_admin_action(
        session,
        actor=actor,
        action=action,
        target=target,
        outcome=outcome,
        reason=reason,
        payload=payload,
    )
    logger.info(
        "admin %s on %s: %s",
        action.value,
        target,
        outcome.value,
        extra={"admin_action_id": entry.id, "actor": actor},
    )


async def record_rejected(
    session: AsyncSession,
    *,
    actor: str,
    action: AdminActionKind,
    target: str,
    invalid: InvalidInput,
    reason: str | None,
    arguments: Mapping[str, object],
) -> InvalidInput:
    """Log an action refused for its input, with what was sent (truncated); return the error."""
    kept_reason = collapse_spaces(reason or "").strip()[:MAX_REASON_LENGTH] or None
    entry = await record_admin_action(
        session,
        actor=actor,
        action=action,
        target=target,
        outcome=AdminOutcome.REJECTED,
        reason=kept_reason,
        payload={
            "error": {"field": invalid.field, "message": invalid.message},
            "arguments": {name: _echo(value) for name, value in arguments.items()},
        },
    )
    logger.info(
        "admin %s on %s rejected: %s: %s",
        action.value,
        target,
        invalid.field,
        invalid.message,
        extra={"admin_action_id": entry.id, "actor": actor},
    )
    return invalid


async def record_catalogue_change(
    session: AsyncSession,
    *,
    actor: str,
    action: AdminActionKind,
    school_slug: str,
    reason: str,
    change_name: str,
    change: Mapping[str, object],
    webhook_urls: Sequence[str],
) -> None:
    """Log an applied change to a school and announce it (``catalogue.changed``), in one go."""
    await record_applied(
        session, actor=actor, action=action, target=school_slug, reason=reason, payload=change
    )
    await enqueue_webhook_event(
        session,
        webhook_urls,
        WebhookEvent.CATALOGUE_CHANGED,
        {"change": change_name, "school": school_slug, **change},
    )
