"""Recording what an authenticated admin did, or tried: the admin log and its log lines.

Every admin action that passed authentication leaves one ``admin_action`` row, written in the
same transaction as its effect: ``applied`` or ``queued`` with what changed, ``rejected`` with
the typed error the caller got. A refused caller (no, missing or wrong token) leaves nothing.

:func:`admin_action` is the one edge between an action and its callers (the GraphQL mutations
and the ``/status`` forms): the action raises
:class:`~service.admin.validation.InvalidInputError` where a check fails, and the edge logs the
rejection and answers its ``InvalidInput``. Actions check before they write, so a rejection
never follows a change. :func:`applied_action` is the same edge for the actions that always take
effect once checked (overrides, retirement, job requests): the action returns what it did
(:class:`Applied`), and the edge writes its log entry and its ``catalogue.changed`` event.
"""

from __future__ import annotations

import functools
import inspect
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Concatenate, Generic, ParamSpec, TypeVar, cast

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
T = TypeVar("T")

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


@dataclass(frozen=True, slots=True)
class Applied(Generic[R]):
    """What an action that took effect gives :func:`applied_action`: the caller's answer, and
    the admin log's entry (and the ``catalogue.changed`` event of an action on a school)."""

    result: R
    target: str
    reason: str | None
    payload: Mapping[str, object]
    outcome: AdminOutcome = AdminOutcome.APPLIED
    #: The event's ``change`` (``override_set``, ``school_retired``, …); the target is the
    #: school's slug. None: no event.
    announce: str | None = None


def slug_target(arguments: Mapping[str, Any]) -> str:
    """The target of an action on one school: the ``slug`` it was given."""
    return str(arguments["slug"])


def echoed_arguments(arguments: Mapping[str, Any]) -> Mapping[str, object]:
    return {name: value for name, value in arguments.items() if name not in _NOT_ECHOED}


def admin_action(
    action: AdminActionKind,
    *,
    target: Callable[[Mapping[str, Any]], str],
    echo: Callable[[Mapping[str, Any]], Mapping[str, object]] = echoed_arguments,
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


async def _as_given(_session: AsyncSession, _actor: str, applied: Applied[R]) -> Applied[R]:
    return applied


def applied_action(
    action: AdminActionKind,
    effect: Callable[[AsyncSession, str, T], Awaitable[Applied[R]]],
    *,
    target: Callable[[Mapping[str, Any]], str],
    echo: Callable[[Mapping[str, Any]], Mapping[str, object]] = echoed_arguments,
) -> Callable[
    [Callable[Concatenate[AsyncSession, P], Awaitable[T]]],
    Callable[Concatenate[AsyncSession, P], Awaitable[R | InvalidInput]],
]:
    """:func:`admin_action` for an action that always takes effect once its checks pass.

    The action returns what ``effect(session, actor, returned)`` turns into :class:`Applied`
    (queueing a job, say); the edge writes its admin-log entry, announces it to the action's
    ``webhook_urls`` keyword argument when it says so, and answers its result, all in the
    action's transaction. A rejection is logged and answered as by :func:`admin_action`.
    """

    def decorate(
        run: Callable[Concatenate[AsyncSession, P], Awaitable[T]],
    ) -> Callable[Concatenate[AsyncSession, P], Awaitable[R | InvalidInput]]:
        @functools.wraps(run)
        async def recorded(session: AsyncSession, /, *args: P.args, **kwargs: P.kwargs) -> R:
            actor = str(kwargs["actor"])
            applied = await effect(session, actor, await run(session, *args, **kwargs))
            await record_applied(
                session,
                actor=actor,
                action=action,
                target=applied.target,
                reason=applied.reason,
                payload=applied.payload,
                outcome=applied.outcome,
            )
            if applied.announce is not None:
                await enqueue_webhook_event(
                    session,
                    cast("Sequence[str]", kwargs.get("webhook_urls", ())),
                    WebhookEvent.CATALOGUE_CHANGED,
                    {"change": applied.announce, "school": applied.target, **applied.payload},
                )
            return applied.result

        return admin_action(action, target=target, echo=echo)(recorded)

    return decorate


def school_change(
    action: AdminActionKind,
) -> Callable[
    [Callable[Concatenate[AsyncSession, P], Awaitable[Applied[R]]]],
    Callable[Concatenate[AsyncSession, P], Awaitable[R | InvalidInput]],
]:
    """:func:`applied_action` for an action on one school (``slug``) that returns its
    :class:`Applied` itself (target: the slug; ``announce``: the event's change)."""
    return applied_action(action, _as_given, target=slug_target)


def with_receivers(
    run: Callable[..., object], arguments: Mapping[str, Any], webhook_urls: Sequence[str]
) -> dict[str, Any]:
    """A caller's ``arguments`` for the action ``run``, with the webhook receivers if it announces
    what it changes (it takes ``webhook_urls``): the mutations and the ``/status`` forms call
    every action through this, so neither names the receivers per action."""
    if "webhook_urls" in inspect.signature(run).parameters:
        return {**arguments, "webhook_urls": webhook_urls}
    return dict(arguments)
