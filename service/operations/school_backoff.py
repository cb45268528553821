"""Per-school back-off: a school whose sync keeps failing is left alone for a while.

After ``after_failures`` consecutive failures a school waits ``base``, then twice that after the
next failure, and so on up to ``cap``; one success clears it. Scheduled syncs only take the
schools :func:`schools_due` returns; a sync an admin asks for takes the schools asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.config import Settings
from service.db import School, SchoolBackoff


@dataclass(frozen=True, slots=True)
class BackoffPolicy:
    after_failures: int
    base: timedelta
    cap: timedelta

    @classmethod
    def from_settings(cls, settings: Settings) -> BackoffPolicy:
        return cls(
            after_failures=settings.school_backoff.after_failures,
            base=timedelta(seconds=settings.school_backoff.base_seconds),
            cap=timedelta(seconds=settings.school_backoff.cap_seconds),
        )

    def delay(self, consecutive_failures: int) -> timedelta:
        """How long a school waits after this many failures in a row (zero below the threshold)."""
        if consecutive_failures < self.after_failures:
            return timedelta(0)
        doublings = consecutive_failures - self.after_failures
        # Compared in float seconds: a timedelta of base * 2**63 would overflow.
        if (
            doublings >= 64
            or self.base.total_seconds() * (1 << doublings) >= self.cap.total_seconds()
        ):
            return self.cap
        return self.base * (1 << doublings)


async def record_school_outcome(
    session: AsyncSession,
    school_id: int,
    *,
    succeeded: bool,
    now: datetime,
    policy: BackoffPolicy,
    error: str | None = None,
) -> SchoolBackoff | None:
    """Clear the school's back-off after a success, or count one more failure.

    Returns the back-off row after a failure (``None`` after a success).
    """
    if succeeded:
        await session.execute(delete(SchoolBackoff).where(SchoolBackoff.school_id == school_id))
        return None
    backoff = await session.get(SchoolBackoff, school_id)
    if backoff is None:
        backoff = SchoolBackoff(school_id=school_id, consecutive_failures=0)
        session.add(backoff)
    backoff.consecutive_failures += 1
    backoff.last_failure_at = now
    backoff.last_error = error[:500] if error else None
    backoff.next_attempt_at = now + policy.delay(backoff.consecutive_failures)
    await session.flush()
    return backoff


async def schools_due(
    session: AsyncSession,
    now: datetime,
    *,
    partners_only: bool = True,
    slugs: Sequence[str] | None = None,
) -> list[School]:
    """Schools a scheduled sync should visit now: not retired, not backed off; by slug."""
    query = (
        select(School)
        .outerjoin(SchoolBackoff, SchoolBackoff.school_id == School.id)
        .where(
            School.retired_at.is_(None),
            or_(SchoolBackoff.school_id.is_(None), SchoolBackoff.next_attempt_at <= now),
        )
        .order_by(School.slug)
    )
    if partners_only:
        query = query.where(School.is_partner.is_(True))
    if slugs is not None:
        query = query.where(School.slug.in_(list(slugs)))
    return list(await session.scalars(query))


async def list_school_backoffs(session: AsyncSession) -> list[tuple[str, SchoolBackoff]]:
    """Every school with failures on record, with its slug, the next attempt soonest first."""
    rows = await session.execute(
        select(School.slug, SchoolBackoff)
        .join(SchoolBackoff, SchoolBackoff.school_id == School.id)
        .order_by(SchoolBackoff.next_attempt_at, School.slug)
    )
    return [(slug, backoff) for slug, backoff in rows]
