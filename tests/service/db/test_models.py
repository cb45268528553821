"""The schema refuses what the domain forbids, on both backends."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError, InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from service.db.models import Link, LinkRole, Offer, OfferKind, Programme, School
from tests.factories import (
    make_home_track,
    make_link,
    make_offer,
    make_programme,
    make_school,
)


async def _refused(session: AsyncSession, statement: str, **params: object) -> None:
    with pytest.raises(IntegrityError):
        async with session.begin_nested():
            await session.execute(text(statement), params)


async def test_places_cannot_be_negative(session: AsyncSession) -> None:
    school = await make_school(session)
    await _refused(
        session,
        "INSERT INTO offer (school_id, academic_year, scope, places, created_at, updated_at)"
        " VALUES (:s, '2019/2020', '', -1, :now, :now)",
        s=school.id,
        now=datetime(2020, 1, 1),  # noqa: DTZ001 (raw SQL bypasses the UTC type)
    )


@pytest.mark.parametrize("year", ["2019/2021", "2019-2020", "19/20", "2020/2019", "abcd/efgh"])
async def test_academic_year_must_be_two_consecutive_years(
    session: AsyncSession, year: str
) -> None:
    school = await make_school(session)
    await _refused(
        session,
        "INSERT INTO offer (school_id, academic_year, scope, created_at, updated_at)"
        " VALUES (:s, :y, '', :now, :now)",
        s=school.id,
        y=year,
        now=datetime(2020, 1, 1),  # noqa: DTZ001
    )


async def test_unknown_kind_and_places_are_null_not_zero(session: AsyncSession) -> None:
    school = await make_school(session)
    offer = await make_offer(session, school=school, kind=None, places=None)
    session.expunge_all()
    stored = await session.get_one(Offer, offer.id)
    assert (stored.kind, stored.places) == (None, None)


async def test_offer_natural_key_holds_even_with_null_programme_and_kind(
    session: AsyncSession,
) -> None:
    school = await make_school(session)
    await make_offer(session, school=school, kind=None, places=None)
    await _add_refused(
        session, Offer(school_id=school.id, kind=None, places=3, academic_year="2019/2020")
    )


async def test_same_school_may_have_offers_per_track_scope(session: AsyncSession) -> None:
    school = await make_school(session)
    iel = await make_home_track(session, "IEL")
    await make_offer(session, school=school)
    reserved = await make_offer(session, school=school, tracks=[iel])
    assert reserved.scope == "IEL"
    rows = (await session.scalars(select(Offer).where(Offer.school_id == school.id))).all()
    assert len(rows) == 2


async def _add_refused(session: AsyncSession, row: object) -> None:
    session.add(row)
    with pytest.raises(IntegrityError):
        await session.flush()
    await session.rollback()


async def test_a_link_cannot_have_two_owners(session: AsyncSession) -> None:
    school = await make_school(session)
    programme = await make_programme(session, schools=[school])
    await _add_refused(
        session,
        Link(
            url="https://x.example/",
            role=LinkRole.OTHER,
            school_id=school.id,
            programme_id=programme.id,
        ),
    )


async def test_a_link_cannot_have_no_owner(session: AsyncSession) -> None:
    await _add_refused(session, Link(url="https://x.example/", role=LinkRole.OTHER))


async def test_two_schools_may_link_the_same_url_but_one_school_only_once(
    session: AsyncSession,
) -> None:
    url = "https://esisar.example/formation"
    first, second = await make_school(session), await make_school(session)
    await make_link(session, url=url, school=first)
    await make_link(session, url=url, school=second)
    await _add_refused(session, Link(url=url, school_id=first.id, role=LinkRole.HOMEPAGE))


async def test_foreign_keys_are_enforced(session: AsyncSession) -> None:
    await _refused(
        session,
        "INSERT INTO school (slug, name, country_code, is_partner, created_at, updated_at)"
        " VALUES ('x', 'X', 'ZZ', false, :now, :now)",
        now=datetime(2020, 1, 1),  # noqa: DTZ001
    )


async def test_a_programme_can_be_shared_by_two_schools(session: AsyncSession) -> None:
    phelma = await make_school(session, slug="phelma")
    ense3 = await make_school(session, slug="ense3")
    programme = await make_programme(session, schools=[phelma, ense3], key="sicom")
    session.expunge_all()
    loaded = await session.scalar(
        select(Programme)
        .where(Programme.id == programme.id)
        .options(selectinload(Programme.schools))
    )
    assert loaded is not None
    assert sorted(school.slug for school in loaded.schools) == ["ense3", "phelma"]


async def test_relationships_never_load_lazily(session: AsyncSession) -> None:
    school = await make_school(session)
    session.expunge_all()
    stored = await session.get_one(School, school.id)
    with pytest.raises(InvalidRequestError, match="lazy='raise'"):
        _ = stored.offers


async def test_timestamps_come_back_timezone_aware(session: AsyncSession) -> None:
    school = await make_school(session)
    session.expunge_all()
    stored = await session.get_one(School, school.id)
    assert stored.created_at.tzinfo is UTC
    assert abs((datetime.now(UTC) - stored.created_at).total_seconds()) < 60


async def test_kind_round_trips_as_enum(session: AsyncSession) -> None:
    school = await make_school(session)
    offer = await make_offer(session, school=school, kind=OfferKind.EXCHANGE_OR_DOUBLE_DEGREE)
    session.expunge_all()
    assert (await session.get_one(Offer, offer.id)).kind is OfferKind.EXCHANGE_OR_DOUBLE_DEGREE
