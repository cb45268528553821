"""An admin asks for a sync or an FAQ import: the request is queued, never run in the API.

The scheduler (``mobility schedule``) claims queued requests and runs them (decision 0050); the
API process only writes the ``job_request`` row and its admin-log entry, in the caller's
transaction. Asking again for the same thing while it waits returns the waiting request.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import Applied, applied_action
from service.admin.validation import (
    check_optional_reason,
    check_public_url,
    check_resolved_host,
    check_school_slugs,
)
from service.db import AdminOutcome, JobKind, JobRequest
from service.name_resolution import Resolver, resolve_with_system
from service.operations import AdminActionKind, enqueue_job


@dataclass(frozen=True, slots=True)
class JobQueued:
    request: JobRequest
    #: False when an identical request was already waiting (it is the one returned).
    created: bool


@dataclass(frozen=True, slots=True)
class _JobToQueue:
    """What a request action asks its edge to queue (:func:`_queue`), and the log's target."""

    kind: JobKind
    target: str
    reason: str | None
    schools: Sequence[str] = ()
    url: str | None = None


async def _queue(session: AsyncSession, actor: str, job: _JobToQueue) -> Applied[JobQueued]:
    queued = await enqueue_job(
        session, kind=job.kind, requested_by=actor, schools=job.schools, url=job.url
    )
    payload = {
        "job_request_id": queued.request.id,
        "created": queued.created,
        "schools": list(queued.request.schools),
        "url": job.url,
    }
    return Applied(
        JobQueued(queued.request, queued.created),
        job.target,
        job.reason,
        payload,
        outcome=AdminOutcome.QUEUED,
    )


def _url_target(arguments: Mapping[str, Any]) -> str:
    return str(arguments.get("url") or "the configured source")[:300]


@applied_action(AdminActionKind.REQUEST_SYNC, _queue, target=lambda _: "schools")
async def request_sync(
    session: AsyncSession, *, actor: str, schools: Sequence[str], reason: str | None = None
) -> _JobToQueue:
    """Queue a sync of ``schools`` (slugs; empty: every school), asked by ``actor``."""
    checked = await check_school_slugs(session, schools)
    target = ", ".join(checked) if checked else "all schools"
    return _JobToQueue(JobKind.SYNC, target, check_optional_reason(reason), schools=checked)


@applied_action(
    AdminActionKind.IMPORT_FAQ,
    _queue,
    target=_url_target,
    echo=lambda arguments: {"url": arguments.get("url")},
)
async def request_faq_import(
    session: AsyncSession,
    *,
    actor: str,
    url: str | None = None,
    reason: str | None = None,
    resolver: Resolver = resolve_with_system,
) -> _JobToQueue:
    """Queue an import of the FAQ page at ``url`` (absent: the configured source), asked by
    ``actor``.

    The URL's host is resolved with ``resolver`` and refused when a name points at a non-public
    address; the job's fetch judges the addresses again, at every hop.
    """
    checked = None if url is None else check_public_url(url)
    if checked is not None:
        checked = await check_resolved_host(checked, resolver=resolver)
    target = checked or "the configured source"
    return _JobToQueue(JobKind.IMPORT_FAQ, target, check_optional_reason(reason), url=checked)
