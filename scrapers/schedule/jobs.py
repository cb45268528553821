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

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.schedule.cron import CronSchedule
from service.catalogue import catalogue_imported, sync_ever_ran
from service.config import Settings
from service.db import JobKind, JobRequest, RunStatus


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


#: Whether a job has never done its work on this database (then it is due at once).
NeverRan = Callable[[AsyncSession], Awaitable[bool]]


@dataclass(frozen=True, slots=True)
class ScheduledJob:
    kind: JobKind
    schedule: CronSchedule
    run: Job
    #: Due at start-up when this says the job's work was never done (decision 0054).
    never_ran: NeverRan | None = None


async def _never_imported(session: AsyncSession) -> bool:
    return not await catalogue_imported(session)


async def _never_synced(session: AsyncSession) -> bool:
    return not await sync_ever_ran(session)


def scheduled_jobs_from_settings(
    settings: Settings,
    *,
    import_faq: Job,
    sync: Job,
    rng: random.Random | None = None,
) -> list[ScheduledJob]:
    """The two scheduled jobs, timed by ``FAQ_SCHEDULE`` / ``SYNC_SCHEDULE`` with the jitter.

    Each is due at once when its work was never done: the import into a catalogue that never
    imported a page, the sync into a database with no sync run.
    """
    jitter = timedelta(seconds=settings.schedule_jitter_seconds)
    rng = rng or random.Random()  # noqa: S311 (spreading load, not security)
    return [
        ScheduledJob(
            JobKind.IMPORT_FAQ,
            CronSchedule(settings.faq.schedule, jitter=jitter, rng=rng),
            import_faq,
            never_ran=_never_imported,
        ),
        # After the import in this list: on a fresh database both are due at once, in this order.
        ScheduledJob(
            JobKind.SYNC,
            CronSchedule(settings.sync.schedule, jitter=jitter, rng=rng),
            sync,
            never_ran=_never_synced,
        ),
    ]
