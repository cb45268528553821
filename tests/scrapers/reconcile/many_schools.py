"""Reconcile many schools, each in its own transaction: one school's failure touches no other.

Only the tests run schools this way (the sync reconciles each school in its own loop); the
helper lives with them (issue 16).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.reconcile.context import load_partner_sites
from scrapers.reconcile.outcome import Outcome, ReconcileReport
from scrapers.reconcile.school import reconcile_school

logger = logging.getLogger(__name__)


async def reconcile_schools(
    sessions: async_sessionmaker[AsyncSession],
    outcomes: Mapping[int, Outcome],
    *,
    now: datetime,
) -> list[ReconcileReport]:
    """Reconcile each school's outcome and commit it; a school that fails is rolled back alone.

    The failed school's report carries the error; the others are committed whatever happens to
    it. Reports come back in the order of ``outcomes``. The partners' sites are read once for
    all of them.
    """
    async with sessions() as session:
        partners = await load_partner_sites(session)
    reports = []
    for school_id, outcome in outcomes.items():
        async with sessions() as session:
            try:
                async with session.begin():
                    report = await reconcile_school(
                        session, school_id, outcome, now=now, partners=partners
                    )
            # Any error in one school (a bug, a constraint, a lost connection) must not stop
            # the others; it is logged with its traceback and reported.
            except Exception as exc:
                logger.exception("reconciling school %s failed; rolled back", school_id)
                report = ReconcileReport(school_id=school_id, error=f"{type(exc).__name__}: {exc}")
        reports.append(report)
    return reports
