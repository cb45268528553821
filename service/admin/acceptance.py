"""An admin accepts a scraped value waiting for review: it becomes an override of the same value.

A low-confidence or stale value on ``/status`` is "checked by a human" once accepted: the value
the page gave is stored in ``school_override`` under the fact's own field and key, so it is
served as an override (decision 0040) and leaves the review list, and later scrapes of that key
no longer replace it. Logged and announced like every override (``school_change``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import Applied, school_change
from service.admin.overrides import set_override
from service.admin.validation import InvalidInputError, check_reason, check_school_slug
from service.db import SchoolFact
from service.operations import AdminActionKind


@dataclass(frozen=True, slots=True)
class ValueAccepted:
    school_id: int
    slug: str
    field: str
    key: str
    value: dict[str, object]


@school_change(AdminActionKind.ACCEPT_SCRAPED_VALUE)
async def accept_scraped_value(
    session: AsyncSession,
    *,
    actor: str,
    slug: str,
    field: str,
    key: str,
    reason: str,
    webhook_urls: Sequence[str] = (),
) -> Applied[ValueAccepted]:
    """Store school ``slug``'s scraped ``field``/``key`` value as the admin's own."""
    school = await check_school_slug(session, slug)
    fact = await session.scalar(
        select(SchoolFact).where(
            SchoolFact.school_id == school.id, SchoolFact.field == field, SchoolFact.key == key
        )
    )
    if fact is None:
        raise InvalidInputError("field", f"no scraped {field} {key!r} for {slug}")
    cleaned_reason = check_reason(reason)
    value = dict(fact.value)
    await set_override(
        session,
        actor=actor,
        school=school,
        field=field,
        key=key,
        value=value,
        reason=cleaned_reason,
    )
    return Applied(
        ValueAccepted(school.id, school.slug, field, key, value),
        school.slug,
        cleaned_reason,
        {"field": field, "key": key, "value": value, "source_url": fact.source_url},
        announce="override_set",
    )
