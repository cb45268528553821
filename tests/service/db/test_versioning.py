"""The data version moves exactly when a transaction writes catalogue data."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import HomeTrack, School
from service.db.versioning import read_data_version
from tests.factories import make_school


async def test_a_writing_transaction_bumps_the_version_once(session: AsyncSession) -> None:
    before = await read_data_version(session)
    async with session.begin_nested():
        await make_school(session)
        await make_school(session)
    assert await read_data_version(session) == before + 1


async def test_reading_does_not_bump(session: AsyncSession) -> None:
    await make_school(session)
    await session.commit()
    before = await read_data_version(session)
    await session.scalars(select(School))
    await session.commit()
    assert await read_data_version(session) == before


async def test_setting_a_value_to_itself_does_not_bump(session: AsyncSession) -> None:
    school = await make_school(session, name="Aalto University")
    await session.commit()
    before = await read_data_version(session)
    school.name = "Aalto University"
    await session.flush()
    await session.commit()
    assert await read_data_version(session) == before
    school.name = "Aalto-yliopisto"
    await session.flush()
    await session.commit()
    assert await read_data_version(session) == before + 1


async def test_bulk_statements_bump_too(session: AsyncSession) -> None:
    await session.commit()
    before = await read_data_version(session)
    await session.execute(insert(HomeTrack), [{"code": "ISEM"}, {"code": "IEL"}])
    await session.commit()
    assert await read_data_version(session) == before + 1
