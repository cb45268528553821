"""Recording what an authenticated admin did, or tried: the admin log and its log lines.

Every admin action that passed authentication leaves one ``admin_action`` row, written in the
same transaction as its effect: ``applied`` or ``queued`` with what changed, ``rejected`` with
the typed error the caller got. A refused caller (no, missing or wrong token) leaves nothing.

:func:`admin_action` is the one edge between an action and its callers (the GraphQL mutations
and the ``/status`` forms): the action raises
:class:`~service.admin.validation.InvalidInputError` where a check fails, and the edge logs the
rejection and answers its ``InvalidInput``. Actions check before they write, so a rejection
never follows a change.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.validation import MAX_REASON_LENGTH, InvalidInput, InvalidInputError
from service.db import AdminOutcome
from service.operations import (
    AdminActionKind,
    WebhookEvent,
    enqueue_webhook_event,
    record_admin_action,
)
from service.text import collapse_spaces

logger = logging.getLogger("service.admin")

P = ParamSpec("P")
R = TypeVar("R")

#: Keyword arguments of an action that are not the caller's input (logged apart, or collaborators).
_NOT_ECHOED = frozenset({"actor", "reason", "webhook_urls", "resolver"})

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


def slug_target(arguments: Mapping[str, Any]) -> str:
    """The target of an action on one school: the ``slug`` it was given."""
    return str(arguments["slug"])


def _echoed_arguments(arguments: Mapping[str, Any]) -> Mapping[str, object]:
    return {name: value for name, value in arguments.items() if name not in _NOT_ECHOED}


def admin_action(
    action: AdminActionKind,
    *,
    target: Callable[[Mapping[str, Any]], str],
    echo: Callable[[Mapping[str, Any]], Mapping[str, object]] = _echoed_arguments,
) -> Callable[
    [Callable[Concatenate[AsyncSession, P], Awaitable[R]]],
    Callable[Concatenate[AsyncSession, P], Awaitable[R | InvalidInput]],
]:
    """Make an admin action answer its rejections: logged, and returned as ``InvalidInput``.

    The action is called ``action(session, *, actor=…, reason=…, **arguments)``. ``target``
    names what a rejected attempt was aimed at from those keyword arguments, and ``echo`` picks
    the arguments the log shows (by default all but ``actor``, ``reason``, ``webhook_urls`` and
    ``resolver``). What the action logs when it succeeds is its own business.
    """

    def decorate(
        run: Callable[Concatenate[AsyncSession, P], Awaitable[R]],
    ) -> Callable[Concatenate[AsyncSession, P], Awaitable[R | InvalidInput]]:
        @functools.wraps(run)
        async def answered(
            session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs
        ) -> R | InvalidInput:
            try:
                return await run(session, *args, **kwargs)
            except InvalidInputError as rejection:
                reason = kwargs.get("reason")
                return await record_rejected(
                    session,
                    actor=str(kwargs["actor"]),
                    action=action,
                    target=target(kwargs),
                    invalid=rejection.invalid,
                    reason=reason if isinstance(reason, str) else None,
                    arguments=echo(kwargs),
                )

        return answered

    return decorate
