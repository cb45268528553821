"""A scheduler process for test_signals.py: ``python -m tests.scrapers.schedule.signal_target``.

It syncs three schools, committing each, and between "school started" and the commit waits for
a line on stdin, so that the test decides when a school is in flight and sends SIGTERM then.
Arguments: the database URL, then ``scheduled`` (a sync left unfinished is due at start-up) or
``queued`` (a queued sync request is waiting).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from datetime import timedelta

from sqlalchemy import select

from scrapers.schedule.clock import SystemClock
from scrapers.schedule.cron import CronSchedule
from scrapers.schedule.jobs import JobContext, JobOutcome, ScheduledJob
from scrapers.schedule.loop import Scheduler
from scrapers.schedule.signals import serve_until_signalled
from service.config import Settings
from service.db.engine import create_engine, create_sessionmaker
from service.db.models import JobKind, RunStatus, School
from service.observability.log_context import bind_run_id
from service.observability.logs import configure_logging

log = logging.getLogger("signal_target")
RUN_ID = 77


async def main(database_url: str, mode: str) -> int:
    settings = Settings(_env_file=None, database_url=database_url, log_format="json")
    configure_logging(settings)
    engine = create_engine(settings)
    sessions = create_sessionmaker(engine)

    async def sync(context: JobContext) -> JobOutcome:
        async with sessions() as session:
            slugs = list(await session.scalars(select(School.slug).order_by(School.slug)))
        with bind_run_id(RUN_ID):
            for done, slug in enumerate(slugs):
                if context.stopping:
                    summary = f"{done} of {len(slugs)} schools"
                    return JobOutcome(RunStatus.INTERRUPTED, summary, run_id=RUN_ID)
                log.info("school started", extra={"school": slug})
                await asyncio.to_thread(sys.stdin.readline)
                async with sessions() as session:
                    school = await session.scalar(select(School).where(School.slug == slug))
                    assert school is not None
                    school.city = "synced"
                    await session.commit()
                log.info("school committed", extra={"school": slug})
        return JobOutcome(RunStatus.SUCCEEDED, f"{len(slugs)} schools", run_id=RUN_ID)

    scheduler = Scheduler(
        sessions,
        clock=SystemClock(),
        scheduled=[ScheduledJob(JobKind.SYNC, CronSchedule("0 4 * * 1"), sync)]
        if mode == "scheduled"
        else [],
        handlers={JobKind.SYNC: sync} if mode == "queued" else {},
        poll_interval=timedelta(seconds=0.05),
        worker="signal-target",
    )
    try:
        return await serve_until_signalled(scheduler)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(asyncio.run(main(sys.argv[1], sys.argv[2])))
