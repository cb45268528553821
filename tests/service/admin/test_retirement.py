"""Retiring and restoring a school: served state, the admin's mark, the log, the webhook."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.retirement import (
    SchoolRestored,
    SchoolRetired,
    is_retired_by_admin,
    restore_school,
    retire_school,
)
from service.admin.validation import InvalidInput
from service.catalogue import schools
from service.catalogue.schools import SchoolCriteria
from service.db.models import AdminOutcome, School, WebhookDelivery
from service.operations.admin_log import list_admin_actions
from tests.factories import make_school

ACTOR = "token:0123456789ab"
HOOKS = ["https://hooks.example/catalogue"]
BY_THE_PAGE = datetime(2021, 9, 1, tzinfo=UTC)


async def _partners(session: AsyncSession) -> list[str]:
    page = await schools.page_schools(session, SchoolCriteria(), limit=50, after_slug=None)
    return [school.slug for school in page]


async def _retired_at(session: AsyncSession, school: School) -> datetime | None:
    return await session.scalar(select(School.retired_at).where(School.id == school.id))


async def test_a_retired_school_leaves_the_partner_list_with_its_reason_logged(
    session: AsyncSession,
) -> None:
    phelma = await make_school(session, slug="phelma", name="Phelma")
    await make_school(session, slug="ense3", name="Ense3")
    result = await retire_school(
        session,
        actor=ACTOR,
        slug="phelma",
        reason="the agreement ended in 2024",
        webhook_urls=HOOKS,
    )
    assert isinstance(result, SchoolRetired)
    retired_at = await _retired_at(session, phelma)
    assert retired_at is not None
    assert result == SchoolRetired(phelma.id, "phelma", retired_at, already_retired=False)
    assert await is_retired_by_admin(session, phelma.id)
    assert await _partners(session) == ["ense3"]
    (entry,) = await list_admin_actions(session)
    assert (entry.action, entry.target, entry.outcome, entry.reason, entry.payload) == (
        "retire_school",
        "phelma",
        AdminOutcome.APPLIED,
        "the agreement ended in 2024",
        {"retired_at": retired_at.isoformat(), "already_retired": False},
    )
    (body,) = await session.scalars(select(WebhookDelivery.body))
    assert json.loads(body)["data"] == {
        "change": "school_retired",
        "school": "phelma",
        "retired_at": retired_at.isoformat(),
        "already_retired": False,
    }


async def test_retiring_twice_is_a_typed_error(session: AsyncSession) -> None:
    await make_school(session, slug="phelma", name="Phelma")
    await retire_school(session, actor=ACTOR, slug="phelma", reason="ended")
    again = await retire_school(session, actor=ACTOR, slug="phelma", reason="ended")
    assert again == InvalidInput("slug", "phelma is already retired by an admin")


async def test_retiring_a_school_the_page_dropped_keeps_its_date_and_marks_it(
    session: AsyncSession,
) -> None:
    phelma = await make_school(session, slug="phelma", name="Phelma", retired_at=BY_THE_PAGE)
    result = await retire_school(session, actor=ACTOR, slug="phelma", reason="ended for good")
    assert result == SchoolRetired(phelma.id, "phelma", BY_THE_PAGE, already_retired=True)
    assert await _retired_at(session, phelma) == BY_THE_PAGE
    assert await is_retired_by_admin(session, phelma.id)


async def test_restoring_takes_back_the_admins_retirement(session: AsyncSession) -> None:
    phelma = await make_school(session, slug="phelma", name="Phelma")
    retired = await retire_school(session, actor=ACTOR, slug="phelma", reason="ended")
    assert isinstance(retired, SchoolRetired)
    result = await restore_school(
        session, actor=ACTOR, slug="phelma", reason="renewed", webhook_urls=HOOKS
    )
    assert result == SchoolRestored(phelma.id, "phelma", retired.retired_at)
    assert await _retired_at(session, phelma) is None
    assert not await is_retired_by_admin(session, phelma.id)
    assert await _partners(session) == ["phelma"]
    restored, _retired = await list_admin_actions(session)
    assert (restored.action, restored.outcome, restored.reason) == (
        "restore_school",
        AdminOutcome.APPLIED,
        "renewed",
    )


async def test_restoring_what_the_page_retired_or_what_is_not_retired_is_refused(
    session: AsyncSession,
) -> None:
    dropped = await make_school(session, slug="phelma", name="Phelma", retired_at=BY_THE_PAGE)
    await make_school(session, slug="ense3", name="Ense3")
    by_page = await restore_school(session, actor=ACTOR, slug="phelma", reason="renewed")
    assert by_page == InvalidInput(
        "slug",
        "phelma was retired because the FAQ page no longer lists it; the next import would "
        "retire it again: list it on the page instead",
    )
    assert await _retired_at(session, dropped) == BY_THE_PAGE
    listed = await restore_school(session, actor=ACTOR, slug="ense3", reason="renewed")
    assert listed == InvalidInput("slug", "ense3 is not retired")
    missing = await restore_school(session, actor=ACTOR, slug="nowhere", reason="renewed")
    assert missing == InvalidInput("slug", "unknown school: nowhere")
    no_reason = await retire_school(session, actor=ACTOR, slug="ense3", reason="  ")
    assert no_reason == InvalidInput("reason", "give a reason: it is kept in the admin log")
    assert [entry.outcome for entry in await list_admin_actions(session)] == [
        AdminOutcome.REJECTED
    ] * 4
