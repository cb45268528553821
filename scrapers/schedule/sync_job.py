"""The sync job: the scheduled sync of the partner sites, and the syncs admins queue.

It is the run ``mobility sync`` makes (:func:`scrapers.sync.run.run_sync`: same plan, same run
lock, same records and webhook events), with three additions:

- **back-off**: a scheduled run leaves out the schools whose back-off has not ended
  (:mod:`service.operations.school_backoff`); a requested run visits the schools asked for
  (every school when none was named), backed off or not. Every school a run is done with counts
  as a success or a failure of that school (:func:`school_failure`), except in a run that
  reached no partner site at all: that is this machine's network failing, not the schools
  (decision 0053), so their failures are not counted. Failures are therefore written once the
  run has ended, successes as each school is done;
- **stopping**: the scheduler's stop event ends the run between two schools; the run is recorded
  as interrupted and the lock released before the job returns ``INTERRUPTED``;
- **the lock**: when a sync started by hand holds it, the job returns ``SKIPPED`` and does nothing
  (the scheduler tries again later).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncEngine

from scrapers.fetch import Fetcher, FetchPolicy
from scrapers.schedule.clock import Clock
from scrapers.schedule.jobs import JobContext, JobOutcome
from scrapers.sync import (
    PlannedSchool,
    RunInProgressError,
    SchoolReport,
    SyncReport,
    format_counts,
    run_sync,
)
from service.config import Settings
from service.db import RunStatus, SyncRunStatus, create_sessionmaker
from service.errors import UserError
from service.operations import BackoffPolicy, list_school_backoffs, record_school_outcome

log = logging.getLogger(__name__)

#: Backed-off schools named in a summary before "and N more".
MAX_NAMED = 5


def school_failure(report: SchoolReport) -> str | None:
    """Why the school counts as failed for back-off, or ``None`` when it counts as a success.

    A school fails when its visit could not be recorded, or when none of its links could be
    reached (every link checked is broken, timed out, unknown to DNS, …): its site is down or
    gone. A dead link beside working ones is a finding, not a failure of the school, and an
    error of the page handler (extraction) is ours to fix, not a reason to visit less often.
    """
    if not report.recorded:
        return report.error or "not recorded"
    checked = [status for status in report.counts.elements() if status.is_checked]
    if checked and all(status.is_failure for status in checked):
        return f"no link could be reached ({format_counts(report.counts)})"
    return None


def _name_some(slugs: list[str]) -> str:
    named = ", ".join(slugs[:MAX_NAMED])
    return named + (f" and {len(slugs) - MAX_NAMED} more" if len(slugs) > MAX_NAMED else "")


def summarize_sync(report: SyncReport, backed_off: Mapping[str, datetime]) -> str:
    """One line: the run, its verdict, the links checked, why it ended early, who waited."""
    checked = report.links_checked
    if report.stopped:
        plural = "" if checked == 1 else "s"
        line = f"run {report.run_id}: {report.error} ({checked} link{plural} checked)"
    else:
        line = f"run {report.run_id}: {report.status.value}, {checked} of {report.links_total} "
        line += "links checked" + (f"; {report.error}" if report.error else "")
    failed = sorted(school.slug for school in report.schools if school.error)
    if failed:
        line += f"; not fully recorded: {_name_some(failed)}"
    if backed_off:
        line += f"; backed off: {_name_some(sorted(backed_off))}"
    return line


def outcome_status(report: SyncReport) -> RunStatus:
    """INTERRUPTED when stopped; FAILED when nothing was recorded, too few partner sites were
    reached (DEGRADED) or the run lost its lock; SUCCEEDED otherwise.

    A PARTIAL run (links deferred, a school not recorded) succeeded as a run: what failed is
    counted against those schools, and said in the summary. A DEGRADED run is not a success:
    counted as one, it would move ``mobility_last_success_timestamp_seconds`` and silence the
    "no successful sync" alert while the machine cannot reach the partners.
    """
    if report.stopped:
        return RunStatus.INTERRUPTED
    if report.status in (SyncRunStatus.FAILED, SyncRunStatus.DEGRADED, SyncRunStatus.ABORTED):
        return RunStatus.FAILED
    return RunStatus.SUCCEEDED


class SyncJob:
    """``async`` callable of the scheduler for :attr:`~service.db.models.JobKind.SYNC`.

    Refuses to be built without ``FETCH_CONTACT_URL`` (:class:`~service.errors.ConfigError`),
    so that the scheduler stops at start-up rather than at the first sync.
    """

    def __init__(
        self,
        engine: AsyncEngine,
        settings: Settings,
        *,
        clock: Clock,
        open_fetcher: Callable[[], Fetcher] | None = None,
    ) -> None:
        policy = FetchPolicy.from_settings(settings)
        self._engine = engine
        self._sessions = create_sessionmaker(engine)
        self._settings = settings
        self._clock = clock
        self._backoff = BackoffPolicy.from_settings(settings)
        self._open_fetcher = open_fetcher or (lambda: Fetcher(policy))

    async def backed_off(self) -> dict[str, datetime]:
        """Schools a scheduled run leaves out now, with the time of their next attempt."""
        now = self._clock.now()
        async with self._sessions() as session:
            return {
                slug: backoff.next_attempt_at
                for slug, backoff in await list_school_backoffs(session)
                if backoff.next_attempt_at > now
            }

    async def __call__(self, context: JobContext) -> JobOutcome:
        request = context.request
        slugs = request.schools if request is not None else ()
        backed_off = await self.backed_off() if request is None else {}
        failures: list[tuple[PlannedSchool, str]] = []

        async def on_school(school: PlannedSchool, report: SchoolReport) -> None:
            error = school_failure(report)
            if error is None:
                await self._record_outcome(school, None)
            else:
                failures.append((school, error))

        try:
            async with self._open_fetcher() as fetcher:
                report = await run_sync(
                    self._engine,
                    fetcher,
                    settings=self._settings,
                    slugs=slugs,
                    exclude=frozenset(backed_off),
                    stop=context.stop,
                    on_school=on_school,
                )
        except RunInProgressError as exc:
            return JobOutcome(RunStatus.SKIPPED, str(exc))
        except UserError as exc:  # a requested school is unknown or retired
            return JobOutcome(RunStatus.FAILED, str(exc))
        if failures and report.reach.sites_reached == 0:
            log.warning(
                "no partner site was reached: %d school failure(s) not counted for back-off",
                len(failures),
            )
        else:
            for school, error in failures:
                await self._record_outcome(school, error)
        return JobOutcome(
            outcome_status(report), summarize_sync(report, backed_off), run_id=report.run_id
        )

    async def _record_outcome(self, school: PlannedSchool, error: str | None) -> None:
        try:
            async with self._sessions() as session:
                backoff = await record_school_outcome(
                    session,
                    school.id,
                    succeeded=error is None,
                    now=self._clock.now(),
                    policy=self._backoff,
                    error=error,
                )
                await session.commit()
        except Exception:  # bookkeeping: failing to write it must not stop the run
            log.exception("could not record the back-off of %s", school.slug)
            return
        if backoff is not None:
            log.info(
                "%s failed %d time(s) in a row; next scheduled attempt at %s",
                school.slug,
                backoff.consecutive_failures,
                backoff.next_attempt_at.isoformat(),
                extra={"school": school.slug},
            )
