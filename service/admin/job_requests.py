"""An admin asks for a sync or an FAQ import: the request is queued, never run in the API.

The scheduler (``mobility schedule``) claims queued requests and runs them (decision 0050); the
API process only writes the ``job_request`` row and its admin-log entry, in the caller's
transaction. Asking again for the same thing while it waits returns the waiting request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import record_applied, record_rejected
from service.admin.validation import (
    InvalidInput,
    check_public_url,
    check_reason,
    check_resolved_host,
    check_school_slugs,
)
from service.db.models import AdminOutcome, JobKind, JobRequest
from service.name_resolution import Resolver, resolve_with_system
from service.operations.admin_log import AdminActionKind
from service.operations.job_queue import enqueue_job


@dataclass(frozen=True, slots=True)
class JobQueued:
    request: JobRequest
    #: False when an identical request was already waiting (it is the one returned).
    created: bool


def _optional_reason(reason: str | None) -> str | InvalidInput | None:
    return None if reason is None or not reason.strip() else check_reason(reason)


async def _queue(
    session: AsyncSession,
    *,
    actor: str,
    action: AdminActionKind,
    kind: JobKind,
    target: str,
    reason: str | None,
    schools: Sequence[str] = (),
    url: str | None = None,
) -> JobQueued:
    queued = await enqueue_job(session, kind=kind, requested_by=actor, schools=schools, url=url)
    await record_applied(
        session,
        actor=actor,
        action=action,
        target=target,
        reason=reason,
        payload={
            "job_request_id": queued.request.id,
            "created": queued.created,
            "schools": list(queued.request.schools),
            "url": url,
        },
        outcome=AdminOutcome.QUEUED,
    )
    return JobQueued(queued.request, queued.created)


async def request_sync(
    session: AsyncSession, *, actor: str, schools: Sequence[str], reason: str | None = None
) -> JobQueued | InvalidInput:
    """Queue a sync of ``schools`` (slugs; empty: every school)."""
    checked = await check_school_slugs(session, schools)
    cleaned_reason = _optional_reason(reason)
    if isinstance(checked, InvalidInput):
        invalid = checked
    elif isinstance(cleaned_reason, InvalidInput):
        invalid = cleaned_reason
    else:
        return await _queue(
            session,
            actor=actor,
            action=AdminActionKind.REQUEST_SYNC,
            kind=JobKind.SYNC,
            target=", ".join(checked) if checked else "all schools",
            reason=cleaned_reason,
            schools=checked,
        )
    return await record_rejected(
        session,
        actor=actor,
        action=AdminActionKind.REQUEST_SYNC,
        target="schools",
        invalid=invalid,
        reason=reason,
        arguments={"schools": list(schools)},
    )


async def request_faq_import(
    session: AsyncSession,
    *,
    actor: str,
    url: str | None = None,
    reason: str | None = None,
    resolver: Resolver = resolve_with_system,
) -> JobQueued | InvalidInput:
    """Queue an import of the FAQ page at ``url`` (absent: the configured source).

    The URL's host is resolved with ``resolver`` and refused when a name points at a non-public
    address; the job's fetch judges the addresses again, at every hop.
    """
    checked = None if url is None else check_public_url(url)
    if isinstance(checked, str):
        checked = await check_resolved_host(checked, resolver=resolver)
    cleaned_reason = _optional_reason(reason)
    if isinstance(checked, InvalidInput):
        invalid = checked
    elif isinstance(cleaned_reason, InvalidInput):
        invalid = cleaned_reason
    else:
        return await _queue(
            session,
            actor=actor,
            action=AdminActionKind.IMPORT_FAQ,
            kind=JobKind.IMPORT_FAQ,
            target=checked or "the configured source",
            reason=cleaned_reason,
            url=checked,
        )
    return await record_rejected(
        session,
        actor=actor,
        action=AdminActionKind.IMPORT_FAQ,
        target=(url or "the configured source")[:300],
        invalid=invalid,
        reason=reason,
        arguments={"url": url},
    )
