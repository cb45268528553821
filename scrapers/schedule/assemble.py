"""The scheduler with its real jobs: the FAQ import, the sync, and webhook delivery.

``mobility schedule`` enters :func:`assemble_scheduler` with the system clock; tests enter it with
a clock they move by hand and a fetcher pointed at the loopback fixture server, so that what they
exercise is the wiring the command runs.
"""

from __future__ import annotations

import contextlib
import os
import random
import socket
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from scrapers.fetch import Fetcher
from scrapers.schedule.clock import Clock
from scrapers.schedule.import_job import FaqImportJob
from scrapers.schedule.jobs import scheduled_jobs_from_settings
from scrapers.schedule.loop import Scheduler, TickTask
from scrapers.schedule.request_queue import request_queue_for
from scrapers.schedule.sync_job import SyncJob
from scrapers.webhooks import DeliveryPolicy, create_webhook_client, webhook_tick
from service.config import Settings
from service.db import JobKind, create_sessionmaker


def worker_name() -> str:
    """How this scheduler names itself in claimed requests and logs: host and process id."""
    return f"{socket.gethostname()}:{os.getpid()}"


@contextlib.asynccontextmanager
async def assemble_scheduler(
    settings: Settings,
    engine: AsyncEngine,
    *,
    clock: Clock,
    worker: str | None = None,
    rng: random.Random | None = None,
    open_fetcher: Callable[[], Fetcher] | None = None,
) -> AsyncIterator[Scheduler]:
    """A scheduler running the FAQ import and the sync on their cron times and on request.

    Webhooks are delivered when ``WEBHOOK_SECRET`` is set (deliveries queued under an earlier
    configuration are still sent when ``WEBHOOK_URLS`` is now empty), through an HTTP client
    closed when the block ends. Raises :class:`~service.errors.ConfigError` without
    ``FETCH_CONTACT_URL``, before anything connects.
    """
    sessions = create_sessionmaker(engine)
    import_faq = FaqImportJob(sessions, settings, clock=clock)
    sync = SyncJob(engine, settings, clock=clock, open_fetcher=open_fetcher)
    policy = DeliveryPolicy.from_settings(settings)
    async with create_webhook_client(policy) as client:
        ticks: list[TickTask] = []
        if settings.webhook.secret is not None:
            secret = settings.webhook.secret.get_secret_value()
            ticks.append(
                webhook_tick(sessions, client, secret=secret, policy=policy, now=clock.now)
            )
        name = worker or worker_name()
        queue = request_queue_for(
            sessions,
            worker=name,
            heartbeat_seconds=settings.sync.worker_heartbeat_seconds,
            stalled_seconds=settings.sync.worker_stalled_seconds,
        )
        yield Scheduler(
            sessions,
            clock=clock,
            scheduled=scheduled_jobs_from_settings(
                settings, import_faq=import_faq, sync=sync, rng=rng
            ),
            handlers={JobKind.IMPORT_FAQ: import_faq, JobKind.SYNC: sync},
            poll_interval=timedelta(seconds=settings.scheduler.poll_seconds),
            worker=name,
            tick_tasks=ticks,
            queue=queue,
        )
