"""SQLite transactions that will write can take the write lock when they begin."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

from service.db.engine import BEGIN_IMMEDIATE, create_engine, create_sessionmaker
from tests.databases import settings_for


@pytest.mark.parametrize(("immediate", "other_writer_blocked"), [(True, True), (False, False)])
async def test_begin_immediate_holds_the_write_lock_from_the_start(
    tmp_path: Path, immediate: bool, other_writer_blocked: bool
) -> None:
    url = URL.create("sqlite+aiosqlite", database=str(tmp_path / "lock.sqlite3"))
    engine = create_engine(settings_for(url, sqlite_busy_timeout_ms=0))
    try:
        async with engine.begin() as setup:
            await setup.execute(text("CREATE TABLE note (body TEXT)"))
        sessions = create_sessionmaker(engine)
        async with sessions() as first, sessions() as second:
            await first.connection(execution_options={BEGIN_IMMEDIATE: immediate})
            await first.execute(text("SELECT count(*) FROM note"))
            if other_writer_blocked:
                with pytest.raises(OperationalError, match="database is locked"):
                    await second.execute(text("INSERT INTO note VALUES ('second')"))
            else:
                await second.execute(text("INSERT INTO note VALUES ('second')"))
                await second.commit()
    finally:
        await engine.dispose()
