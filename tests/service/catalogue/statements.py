"""Counting the SQL statements a block of code sends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession


@asynccontextmanager
async def counting_statements(session: AsyncSession) -> AsyncIterator[list[str]]:
    """The statements sent on the session's connection while the block runs."""
    connection = (await session.connection()).sync_connection
    assert connection is not None
    sent: list[str] = []

    def count(*args: Any) -> None:
        sent.append(str(args[2]))

    event.listen(connection, "before_cursor_execute", count)
    try:
        yield sent
    finally:
        event.remove(connection, "before_cursor_execute", count)
