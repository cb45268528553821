"""The request deadline inside the database: a runaway statement is stopped there.

Cancelling the awaiting task does not stop a statement: aiosqlite runs it in its own thread,
and an execution shared by several callers (single flight) is shielded from their deadlines
on purpose. So the database itself is told: on PostgreSQL ``statement_timeout`` for this
transaction only (``set_config(…, true)`` is ``SET LOCAL`` with a bound parameter), on SQLite a
progress handler on the raw connection that interrupts any statement once the deadline has
passed. See docs/decisions/0092-request-deadline-in-the-database.md.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

#: SQLite virtual-machine instructions between two looks at the clock (about 0.1 ms).
_PROGRESS_STEPS = 10_000

#: PostgreSQL's SQLSTATE for a statement cancelled by statement_timeout.
_QUERY_CANCELED = "57014"


class StatementBound:
    """The deadline of one request's statements; :meth:`release` ends it.

    On SQLite the progress handler stays on the pooled connection until the next request
    replaces it; released, it never stops anything (releasing needs no database call, so it
    also works after the statement failed). PostgreSQL's setting ends with the transaction.
    """

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline
        self.active = True

    def should_stop(self) -> int:
        """SQLite's progress callback: non-zero interrupts the running statement."""
        return int(self.active and time.monotonic() > self.deadline)

    def release(self) -> None:
        self.active = False


async def bound_statements(session: AsyncSession, seconds: float) -> StatementBound:
    """Statements of ``session``'s transaction stop after ``seconds`` from now."""
    bound = StatementBound(time.monotonic() + seconds)
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        milliseconds = max(1, int(seconds * 1000))
        await session.execute(
            text("SELECT set_config('statement_timeout', :timeout, true)"),
            {"timeout": f"{milliseconds}ms"},
        )
        return bound
    raw = await connection.get_raw_connection()
    driver: Any = raw.driver_connection  # aiosqlite's Connection
    await driver.set_progress_handler(bound.should_stop, _PROGRESS_STEPS)
    return bound


def is_deadline_stop(error: BaseException) -> bool:
    """Whether ``error`` is a statement the database stopped at the request deadline."""
    original = error.orig if isinstance(error, DBAPIError) else error
    if getattr(original, "sqlstate", None) == _QUERY_CANCELED:
        return True
    return isinstance(original, sqlite3.OperationalError) and str(original) == "interrupted"
