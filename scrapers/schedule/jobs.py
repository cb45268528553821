"""The shape of a job: what it receives, what it returns, and how it is scheduled.

A job is any ``async`` function of a :class:`JobContext` returning a :class:`JobOutcome`. The
FAQ import and the sync are registered by the ``mobility schedule`` command; the scheduler knows
nothing else about them. A job that works school by school checks ``context.stopping`` between
two schools and returns ``RunStatus.INTERRUPTED`` when it is set: the school in flight finishes
and is committed, the next one is not started.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from scrapers.schedule.cron import CronSchedule
from service.config import Settings
from service.db.models import JobKind, JobRequest, RunStatus


@dataclass(frozen=True, slots=True)
class QueuedRequest:
    """A claimed admin request, copied out of its database row."""

    id: int
    kind: JobKind
    schools: tuple[str, ...]
    url: str | None
    requested_by: str

    @classmethod
    def from_row(cls, row: JobRequest) -> QueuedRequest:
        return cls(
            id=row.id,
            kind=row.kind,
            schools=tuple(row.schools),
            url=row.url,
            requested_by=row.requested_by,
        )


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job is told: which job, since when, why (a request or the clock), and when to stop."""

    job: JobKind
    started_at: datetime
    stop: asyncio.Event
    #: The admin request being served; ``None`` for a scheduled run.
    request: QueuedRequest | None = None

    @property
    def stopping(self) -> bool:
        """Whether shutdown was requested: finish the current school, start no other."""
        return self.stop.is_set()


@dataclass(frozen=True, slots=True)
class JobOutcome:
    status: RunStatus
    summary: str = ""
    #: The sync run (or import) the job recorded, for the request's ``run_id``.
    run_id: int | None = None


Job = Callable[[JobContext], Awaitable[JobOutcome]]


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    kind: JobKind
    schedule: CronSchedule
    run: Job


def scheduled_jobs_from_settings(
    settings: Settings,
    *,
    import_faq: Job,
    sync: Job,
    rng: random.Random | None = None,
) -> list[ScheduledJob]:
    """The two scheduled jobs, timed by ``FAQ_SCHEDULE`` / ``SYNC_SCHEDULE`` with the jitter."""
    jitter = timedelta(seconds=settings.schedule_jitter_seconds)
    rng = rng or random.Random()  # noqa: S311 (spreading load, not security)
    return [
        ScheduledJob(
            JobKind.IMPORT_FAQ,
            CronSchedule(settings.faq_schedule, jitter=jitter, rng=rng),
            import_faq,
        ),
        ScheduledJob(
            JobKind.SYNC, CronSchedule(settings.sync_schedule, jitter=jitter, rng=rng), sync
        ),
    ]
