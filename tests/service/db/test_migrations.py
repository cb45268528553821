"""Migrations build the schema on both backends, match the models, and go down and up."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from service.db import migrate
from service.db.base import Base
from service.db.engine import create_engine
from tests.databases import BACKENDS, empty_database


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as connection:
        names = await connection.run_sync(lambda sync: inspect(sync).get_table_names())
    return set(names) - {"alembic_version"}


@pytest.mark.parametrize("backend", BACKENDS)
async def test_upgrade_from_empty_to_head_matches_the_models(backend: str, tmp_path: Path) -> None:
    async with empty_database(backend, tmp_path) as settings:
        engine = create_engine(settings)
        try:
            assert (await migrate.current_state(engine, settings)).current == ()
            await migrate.upgrade(engine, settings)
            state = await migrate.current_state(engine, settings)
            assert state.at_head
            assert await _tables(engine) == set(Base.metadata.tables)
            assert list(await migrate.drift(engine)) == []
        finally:
            await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_upgrade_twice_is_a_no_op(backend: str, tmp_path: Path) -> None:
    async with empty_database(backend, tmp_path) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            await migrate.upgrade(engine, settings)
            assert (await migrate.current_state(engine, settings)).at_head
        finally:
            await engine.dispose()


@pytest.mark.parametrize("backend", BACKENDS)
async def test_downgrade_to_base_then_upgrade_again(backend: str, tmp_path: Path) -> None:
    async with empty_database(backend, tmp_path) as settings:
        engine = create_engine(settings)
        try:
            await migrate.upgrade(engine, settings)
            await migrate.downgrade(engine, settings, "base")
            assert await _tables(engine) == set()
            assert (await migrate.current_state(engine, settings)).current == ()
            await migrate.upgrade(engine, settings)
            assert (await migrate.current_state(engine, settings)).at_head
            assert list(await migrate.drift(engine)) == []
        finally:
            await engine.dispose()


def test_migrations_have_a_single_head() -> None:
    assert migrate.head_revision()
