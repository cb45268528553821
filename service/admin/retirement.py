"""An admin retires a school, or takes that retirement back.

A retired school (``school.retired_at`` set) leaves every partner list. The FAQ import also
retires the schools the page stops listing, and restores those it lists again; so that a
re-import cannot silently undo an admin's retirement, the retirement is also recorded as an
override (``ADMIN_RETIREMENT_FIELD``), which the importer respects (docs/decisions/0077).
``restoreSchool`` takes back an admin's retirement only: a school retired because the page no
longer lists it would be retired again by the next import, so that is refused with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import Applied, school_change
from service.admin.overrides import override_of
from service.admin.validation import InvalidInputError, check_reason, check_school_slug
from service.catalogue import ADMIN_RETIREMENT_FIELD
from service.db import SchoolOverride, utcnow
from service.operations import AdminActionKind


@dataclass(frozen=True, slots=True)
class SchoolRetired:
    school_id: int
    slug: str
    retired_at: datetime
    #: Whether the FAQ import had retired it already (the admin's retirement now holds too).
    already_retired: bool


@dataclass(frozen=True, slots=True)
class SchoolRestored:
    school_id: int
    slug: str
    #: When it had been retired.
    retired_at: datetime


async def is_retired_by_admin(session: AsyncSession, school_id: int) -> bool:
    """Whether an admin retired the school (and has not taken it back)."""
    found = await session.scalar(
        select(SchoolOverride.id).where(override_of(school_id, ADMIN_RETIREMENT_FIELD))
    )
    return found is not None


@school_change(AdminActionKind.RETIRE_SCHOOL)
async def retire_school(
    session: AsyncSession,
    *,
    actor: str,
    slug: str,
    reason: str,
    webhook_urls: Sequence[str] = (),
) -> Applied[SchoolRetired]:
    """Retire the school ``slug``; it stays retired whatever the next imports say.

    ``webhook_urls``: where the edge (:func:`~service.admin.audit.school_change`) announces it.
    """
    school = await check_school_slug(session, slug)
    cleaned_reason = check_reason(reason)
    if await is_retired_by_admin(session, school.id):
        raise InvalidInputError("slug", f"{school.slug} is already retired by an admin")
    now = utcnow()
    already_retired = school.retired_at is not None
    session.add(
        SchoolOverride(
            school_id=school.id,
            field=ADMIN_RETIREMENT_FIELD,
            key="",
            value={"value": True},
            reason=cleaned_reason,
            created_by=actor,
            created_at=now,
        )
    )
    if school.retired_at is None:
        school.retired_at = now
    await session.flush()
    retired_at = school.retired_at
    assert retired_at is not None
    return Applied(
        SchoolRetired(school.id, school.slug, retired_at, already_retired),
        school.slug,
        cleaned_reason,
        {"retired_at": retired_at.isoformat(), "already_retired": already_retired},
        announce="school_retired",
    )


@school_change(AdminActionKind.RESTORE_SCHOOL)
async def restore_school(
    session: AsyncSession,
    *,
    actor: str,
    slug: str,
    reason: str,
    webhook_urls: Sequence[str] = (),
) -> Applied[SchoolRestored]:
    """Take back an admin's retirement of the school ``slug``."""
    school = await check_school_slug(session, slug)
    cleaned_reason = check_reason(reason)
    retired_at = school.retired_at
    problem = None
    if retired_at is None:
        problem = f"{school.slug} is not retired"
    elif not await is_retired_by_admin(session, school.id):
        problem = (
            f"{school.slug} was retired because the FAQ page no longer lists it; the next "
            "import would retire it again: list it on the page instead"
        )
    if problem is not None:
        raise InvalidInputError("slug", problem)
    assert retired_at is not None
    await session.execute(
        delete(SchoolOverride).where(override_of(school.id, ADMIN_RETIREMENT_FIELD))
    )
    school.retired_at = None
    await session.flush()
    return Applied(
        SchoolRestored(school.id, school.slug, retired_at),
        school.slug,
        cleaned_reason,
        {"retired_at": retired_at.isoformat()},
        announce="school_restored",
    )
