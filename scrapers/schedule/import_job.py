"""The FAQ import job: the scheduled re-import, and the imports admins queue.

The page comes from the request's URL, else ``FAQ_SOURCE`` (a file or an http(s) URL), else the
seed packaged with the importer. The import is one transaction, with its webhook events
(:mod:`scrapers.faq.report.events`); it is never forced, so a source regression is refused (and its
finding recorded) exactly as ``mobility import-faq`` would refuse it.

The packaged seed keeps the importer's rule (decision 0011, and 0065 for the scheduler): it is
imported only into a catalogue that never imported a page. A scheduled re-import of the seed
over a catalogue that holds a page therefore does nothing and says so: re-importing it would roll
back, every night, any newer page an admin imported by hand. Deployments that want the daily
re-import to follow the published page set ``FAQ_SOURCE``.

The import does not take the sync run lock: it is one short transaction, which the database
serialises with the sync's per-school transactions, and taking the lock would make a manual
``mobility import-faq`` (and ``make run``) fail while a long sync runs.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.faq import (
    ImportReport,
    announce_import,
    format_report,
    has_revisions,
    import_faq,
    import_status,
    read_source,
)
from scrapers.schedule.clock import Clock
from scrapers.schedule.jobs import JobContext, JobOutcome
from service.config import Settings
from service.db import IMPORTED_TABLES, FaqRevision, RunStatus, analyze_tables
from service.errors import UserError

log = logging.getLogger(__name__)

SEED_KEPT = (
    "nothing to do: the catalogue already holds an imported page, and the packaged seed is only "
    "imported into an empty catalogue (set FAQ_SOURCE to re-import the published page)"
)


def summarize_import(report: ImportReport) -> str:
    """One line: the source, the revision and what changed (or why it was refused)."""
    head = f"{report.source}: revision {report.content_hash[:12]}"
    if report.refused and report.regression is not None:
        return f"{head}: {report.regression.message}"
    changes = next(
        (line for line in format_report(report) if line.startswith("changes: ")), "changes: ?"
    )
    return f"{head} {import_status(report)}; {changes}"


class FaqImportJob:
    """``async`` callable of the scheduler for :attr:`~service.db.models.JobKind.IMPORT_FAQ`."""

    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], settings: Settings, *, clock: Clock
    ) -> None:
        self._sessions = sessions
        self._settings = settings
        self._clock = clock

    async def __call__(self, context: JobContext) -> JobOutcome:
        request = context.request
        source = request.url if request is not None and request.url else None
        source = source or self._settings.faq.source
        try:
            document = await read_source(
                source,
                max_bytes=self._settings.faq.max_bytes,
                time_limit=self._settings.faq.fetch_timeout,
                allowed_networks=self._settings.fetch.allowed_networks,
                contact_url=self._settings.fetch.contact_url,
            )
        except UserError as exc:  # missing file, not UTF-8, unreachable URL
            return JobOutcome(RunStatus.FAILED, str(exc))
        async with self._sessions() as session:
            if document.is_seed and await has_revisions(session):
                return JobOutcome(RunStatus.SUCCEEDED, SEED_KEPT)
            now = self._clock.now()
            try:
                report = await import_faq(
                    session,
                    document,
                    now=now,
                    max_items=self._settings.faq.max_items,
                    max_schools=self._settings.faq.max_schools,
                )
            except UserError as exc:  # not a FAQ page, no academic year: nothing was written
                return JobOutcome(RunStatus.FAILED, f"{document.label}: {exc}")
            await announce_import(session, self._settings.webhook.urls, report, now=now)
            await session.commit()
            await analyze_tables(session, IMPORTED_TABLES)
            revision_id = await session.scalar(
                select(FaqRevision.id).where(FaqRevision.content_hash == report.content_hash)
            )
        status = RunStatus.FAILED if report.refused else RunStatus.SUCCEEDED
        return JobOutcome(status, summarize_import(report), run_id=revision_id)
