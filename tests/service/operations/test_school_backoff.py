"""A school that keeps failing waits longer and longer, up to a cap; one success clears it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.config import Settings
from service.operations.school_backoff import (
    BackoffPolicy,
    list_school_backoffs,
    record_school_outcome,
    schools_due,
)
from tests.factories import make_school

T0 = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
DAY = timedelta(days=1)
POLICY = BackoffPolicy(after_failures=2, base=DAY, cap=5 * DAY)


@pytest.mark.parametrize(
    ("failures", "delay"),
    [(0, timedelta(0)), (1, timedelta(0)), (2, DAY), (3, 2 * DAY), (4, 4 * DAY), (5, 5 * DAY)],
)
def test_the_delay_doubles_from_the_threshold_up_to_the_cap(
    failures: int, delay: timedelta
) -> None:
    assert POLICY.delay(failures) == delay


def test_a_very_long_failure_streak_stays_at_the_cap() -> None:
    assert POLICY.delay(10_000) == 5 * DAY


def test_the_policy_comes_from_settings() -> None:
    settings = Settings(_env_file=None)
    assert BackoffPolicy.from_settings(settings) == BackoffPolicy(3, 7 * DAY, 56 * DAY)


async def test_failures_push_the_next_attempt_and_a_success_clears_them(
    session: AsyncSession,
) -> None:
    school = await make_school(session, slug="enseirb-matmeca")
    first = await record_school_outcome(
        session, school.id, succeeded=False, now=T0, policy=POLICY, error="timeout"
    )
    assert first is not None
    assert (first.consecutive_failures, first.next_attempt_at) == (1, T0)
    second = await record_school_outcome(
        session, school.id, succeeded=False, now=T0 + DAY, policy=POLICY, error="HTTP 503"
    )
    assert second is not None
    assert (second.consecutive_failures, second.next_attempt_at, second.last_error) == (
        2,
        T0 + 2 * DAY,
        "HTTP 503",
    )
    assert [
        (slug, row.consecutive_failures) for slug, row in await list_school_backoffs(session)
    ] == [("enseirb-matmeca", 2)]
    cleared = await record_school_outcome(
        session, school.id, succeeded=True, now=T0 + 3 * DAY, policy=POLICY
    )
    assert cleared is None
    assert await list_school_backoffs(session) == []


async def test_due_schools_skip_backed_off_retired_and_non_partner_ones(
    session: AsyncSession,
) -> None:
    parent = await make_school(session, slug="grenoble-inp", is_partner=False)
    await make_school(session, slug="phelma", parent=parent)
    failing = await make_school(session, slug="esisar")
    retired = await make_school(session, slug="old-partner")
    retired.retired_at = T0 - DAY
    await session.flush()
    for _ in range(2):
        await record_school_outcome(session, failing.id, succeeded=False, now=T0, policy=POLICY)

    async def due(
        now: datetime, *, partners_only: bool = True, slugs: list[str] | None = None
    ) -> list[str]:
        found = await schools_due(session, now, partners_only=partners_only, slugs=slugs)
        return [school.slug for school in found]

    assert await due(T0) == ["phelma"]
    assert await due(T0 + DAY) == ["esisar", "phelma"]
    assert await due(T0, partners_only=False) == ["grenoble-inp", "phelma"]
    assert await due(T0 + DAY, slugs=["esisar", "old-partner"]) == ["esisar"]
