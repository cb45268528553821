"""What a run visits: active links, grouped by school; shared programmes visited once."""

from __future__ import annotations

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.sync.plan import distinct_links, load_plan
from service.db.models import LinkRole
from service.db.types import utcnow
from service.errors import UserError
from tests.factories import make_link, make_programme, make_school


async def test_a_shared_programmes_link_is_planned_under_every_school_sharing_it(
    session: AsyncSession,
) -> None:
    phelma = await make_school(session, slug="phelma")
    ense3 = await make_school(session, slug="ense3")
    closed = await make_school(session, slug="closed")
    closed.retired_at = utcnow()
    sicom = await make_programme(session, schools=[phelma, ense3], key="sicom")
    home = await make_link(
        session, url="https://phelma.test/", school=phelma, role=LinkRole.HOMEPAGE
    )
    shared = await make_link(session, url="https://phelma.test/sicom", programme=sicom)
    ense3_home = await make_link(session, url="https://ense3.test/", school=ense3)
    old = await make_link(session, url="https://ense3.test/old", school=ense3)
    old.retired_at = utcnow()
    await make_link(session, url="https://closed.test/", school=closed)
    await session.flush()

    plan = await load_plan(session)

    assert [(s.slug, [(link.id, link.owner) for link in s.links]) for s in plan] == [
        ("ense3", [(ense3_home.id, "school:ense3"), (shared.id, "programme:sicom")]),
        ("phelma", [(home.id, "school:phelma"), (shared.id, "programme:sicom")]),
    ]
    assert distinct_links(plan) == 3


async def test_a_shared_programme_follows_the_chosen_school(session: AsyncSession) -> None:
    phelma = await make_school(session, slug="phelma")
    ense3 = await make_school(session, slug="ense3")
    sicom = await make_programme(session, schools=[phelma, ense3], key="sicom")
    shared = await make_link(session, url="https://phelma.test/sicom", programme=sicom)
    plan = await load_plan(session, ["phelma"])
    assert [(s.slug, [link.id for link in s.links]) for s in plan] == [("phelma", [shared.id])]


async def test_a_retired_school_asked_for_is_a_user_error(session: AsyncSession) -> None:
    school = await make_school(session, slug="closed")
    school.retired_at = utcnow()
    await session.flush()
    with pytest.raises(UserError, match="school 'closed' is retired: nothing to check"):
        await load_plan(session, ["closed"])


async def test_a_partner_with_no_link_is_planned_with_none_a_parent_is_left_out(
    session: AsyncSession,
) -> None:
    parent = await make_school(session, slug="grenoble-inp", is_partner=False)
    phelma = await make_school(session, slug="phelma", parent=parent)
    await make_school(session, slug="ense3", parent=parent)
    await make_link(session, url="https://phelma.test/", school=phelma)
    plan = await load_plan(session)
    assert [(s.slug, len(s.links)) for s in plan] == [("ense3", 0), ("phelma", 1)]
    assert distinct_links(plan) == 1
