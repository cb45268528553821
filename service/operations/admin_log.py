"""The admin log: every admin action that passed authentication, newest first."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import AdminAction, AdminOutcome, utcnow

MAX_PAGE = 200


class AdminActionKind(enum.StrEnum):
    """The admin actions the API offers (``admin_action.action``)."""

    REQUEST_SYNC = "request_sync"
    IMPORT_FAQ = "import_faq"
    OVERRIDE_SCHOOL_FIELD = "override_school_field"
    CLEAR_OVERRIDE = "clear_override"
    RETIRE_SCHOOL = "retire_school"
    RESTORE_SCHOOL = "restore_school"
    RESOLVE_FINDING = "resolve_finding"
    ACCEPT_SCRAPED_VALUE = "accept_scraped_value"


async def record_admin_action(
    session: AsyncSession,
    *,
    actor: str,
    action: AdminActionKind,
    target: str,
    outcome: AdminOutcome,
    reason: str | None = None,
    payload: Mapping[str, object] | None = None,
    at: datetime | None = None,
) -> AdminAction:
    """Add one entry to the admin log (flushed, so it has its id)."""
    entry = AdminAction(
        at=at or utcnow(),
        actor=actor,
        action=action.value,
        target=target[:300],
        reason=reason,
        payload=dict(payload or {}),
        outcome=outcome,
    )
    session.add(entry)
    await session.flush()
    return entry


async def list_admin_actions(
    session: AsyncSession,
    *,
    limit: int = 50,
    before_id: int | None = None,
    action: AdminActionKind | None = None,
) -> list[AdminAction]:
    """The newest entries first; ``before_id`` pages back from an entry already shown."""
    query = select(AdminAction).order_by(AdminAction.id.desc()).limit(max(1, min(limit, MAX_PAGE)))
    if before_id is not None:
        query = query.where(AdminAction.id < before_id)
    if action is not None:
        query = query.where(AdminAction.action == action.value)
    return list(await session.scalars(query))
