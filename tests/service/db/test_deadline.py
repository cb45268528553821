"""A runaway statement is stopped by the database at the request deadline, on both backends."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service.db.deadline import bound_statements, is_deadline_stop
from service.db.engine import create_sessionmaker
from tests.databases import TestDatabase

pytestmark = pytest.mark.reliability

#: Counts for ever: only the deadline ends it.
RUNAWAY = text(
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
)


async def test_a_runaway_statement_stops_at_the_deadline(database: TestDatabase) -> None:
    async with create_sessionmaker(database.engine)() as session:
        bound = await bound_statements(session, 0.3)
        started = time.monotonic()
        with pytest.raises(DBAPIError) as stopped:
            await session.execute(RUNAWAY)
        elapsed = time.monotonic() - started
        assert is_deadline_stop(stopped.value)
        # Stopped near 0.3 s; the bound is loose only for a loaded machine.
        assert 0.2 < elapsed < 5
        await session.rollback()
        bound.release()
        # The same connection runs statements past the deadline once released.
        assert (await session.execute(text("SELECT 1"))).scalar_one() == 1


async def test_an_ordinary_error_is_not_a_deadline_stop(database: TestDatabase) -> None:
    async with create_sessionmaker(database.engine)() as session:
        bound = await bound_statements(session, 5)
        with pytest.raises(DBAPIError) as failed:
            await session.execute(text("SELECT * FROM no_such_table"))
        assert not is_deadline_stop(failed.value)
        bound.release()
