"""Each school is reconciled in its own transaction: a failing school touches no other."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scrapers.reconcile.context import SchoolContext
from scrapers.reconcile.findings import Observation, record_findings
from service.db.models import SchoolFact
from service.db.versioning import VersionedSession
from tests.databases import TestDatabase
from tests.factories import make_school
from tests.scrapers.reconcile.many_schools import reconcile_schools
from tests.scrapers.reconcile.pages import NOW, fetched


@pytest.fixture
async def sessions(database: TestDatabase) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions whose commits are savepoints of one outer transaction, rolled back at the end."""
    async with database.engine.connect() as connection:
        outer = await connection.begin()
        try:
            yield async_sessionmaker(
                bind=connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
                autoflush=False,
                sync_session_class=VersionedSession,
            )
        finally:
            await outer.rollback()


async def _facts_of(sessions: async_sessionmaker[AsyncSession], school_id: int) -> int:
    async with sessions() as session:
        query = (
            select(func.count()).select_from(SchoolFact).where(SchoolFact.school_id == school_id)
        )
        return await session.scalar(query) or 0


async def _schools(sessions: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    async with sessions() as session:
        ids = []
        for slug, name in (
            ("ensimag", "ENSIMAG"),
            ("unical", "University of Calabria"),
            ("telecom-st-etienne", "Télécom Saint-Etienne"),
        ):
            ids.append((await make_school(session, slug=slug, name=name)).id)
        await session.commit()
    return ids[0], ids[1], ids[2]


async def test_an_unknown_school_fails_alone(sessions: async_sessionmaker[AsyncSession]) -> None:
    ensimag, _, telecom = await _schools(sessions)
    reports = await reconcile_schools(
        sessions,
        {
            ensimag: [fetched("ensimag-venir-en-echange-fr")],
            987654: [fetched("unical-incoming-students-it")],
            telecom: [fetched("telecom-st-etienne-incoming-en")],
        },
        now=NOW,
    )
    assert [(r.school_id, r.error) for r in reports] == [
        (ensimag, None),
        (987654, "LookupError: no school with id 987654"),
        (telecom, None),
    ]
    assert await _facts_of(sessions, ensimag) == 13
    assert await _facts_of(sessions, telecom) > 0


async def test_a_school_that_fails_half_way_is_rolled_back_and_the_others_are_kept(
    sessions: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    ensimag, unical, telecom = await _schools(sessions)

    def fail_for_unical(
        session: AsyncSession,
        context: SchoolContext,
        observations: list[Observation],
        now: datetime,
    ) -> tuple[set[str], list[str]]:
        if context.school.id == unical:
            raise RuntimeError("disk full")
        return record_findings(session, context, observations, now)

    # An unexpected error after the school's values were applied (a bug, a lost connection).
    monkeypatch.setattr("scrapers.reconcile.school.record_findings", fail_for_unical)
    reports = await reconcile_schools(
        sessions,
        {
            ensimag: [fetched("ensimag-venir-en-echange-fr")],
            unical: [fetched("unical-incoming-students-it")],
            telecom: [fetched("telecom-st-etienne-incoming-en")],
        },
        now=NOW,
    )
    assert [r.error for r in reports] == [None, "RuntimeError: disk full", None]
    assert await _facts_of(sessions, unical) == 0  # its values were applied, then rolled back
    assert await _facts_of(sessions, ensimag) == 13
    assert await _facts_of(sessions, telecom) > 0
