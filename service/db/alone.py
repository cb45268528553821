"""One statement on a pooled PostgreSQL connection, sent by asyncpg itself (decision 0185).

A compiled read on PostgreSQL is one statement outside any transaction (decision 0150). Sent
through SQLAlchemy's ``Connection`` it paid a ``Connection``, an execution context, a cursor
result and their events for rows that are read once by name: about a sixth of the server's CPU
per cold country page. :func:`fetch_alone` checks a connection out of the engine's own pool
(the same pool, size, ping after idle and check-in events), runs the statement with asyncpg's
``fetch`` (asyncpg's per-connection statement cache prepares each text once), and gives the
connection back. Its rows are asyncpg's records, read by column name (``row["slug"]``), as
the compiler reads SQLAlchemy's row mappings on the session path. What can go wrong ends as
it does through SQLAlchemy:

- a driver error is translated by SQLAlchemy's asyncpg adapter and raised as the same
  ``sqlalchemy.exc.DBAPIError`` (same class, message and ``orig``); a lost connection is
  invalidated with the rest of the pool, as ``Connection`` does on a disconnect;
- a cancelled or timed-out task (the request's deadline) invalidates the connection, which
  closes gracefully: asyncpg first sends PostgreSQL the cancel request of the running
  statement, so nothing keeps running there;
- the connection's ``statement_timeout`` (service.db.engine.serving_settings) still stops the
  statement at the request deadline inside the database.

Callers use it only when nobody listens to the engine's statement events
(:func:`listens_to_statements`): statement counts and tracing keep seeing every statement.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NoReturn

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn
from sqlalchemy.util.concurrency import await_, is_exit_exception

#: A row: asyncpg's record, read by column name.
Record = Mapping[str, Any]


def listens_to_statements(engine: AsyncEngine) -> bool:
    """Whether anything listens to ``engine``'s statements or their errors (then they must go
    through SQLAlchemy's ``Connection``, which fires those events)."""
    dispatch = engine.sync_engine.dispatch
    return bool(
        dispatch.before_cursor_execute
        or dispatch.after_cursor_execute
        or engine.sync_engine.dialect.dispatch.handle_error
    )


async def fetch_alone(engine: AsyncEngine, sql: str, values: Sequence[Any]) -> list[Record]:
    """The rows of ``sql`` (asyncpg's ``$1`` style) with ``values``, outside a transaction."""
    rows: list[Record] = await greenlet_spawn(_fetch, engine.sync_engine, sql, values)
    return rows


def _fetch(engine: Engine, sql: str, values: Sequence[Any]) -> list[Record]:
    """In one greenlet, as SQLAlchemy's own code runs: check out, fetch, check in."""
    pooled = engine.raw_connection()
    try:
        driver = pooled.driver_connection
        assert driver is not None
        try:
            rows: list[Record] = await_(driver.fetch(sql, *values))
        except BaseException as error:
            if not is_exit_exception(error):
                _raise_as_sqlalchemy(engine, pooled, error, sql, values)
            # Cancelled or timed out: as Connection does, the statement may still run and the
            # connection goes. Closed gracefully here (in the greenlet), asyncpg first sends
            # PostgreSQL the statement's cancel request.
            pooled.invalidate(error)
            raise
        return rows
    finally:
        pooled.close()


def _raise_as_sqlalchemy(
    engine: Engine, pooled: Any, error: BaseException, sql: str, values: Sequence[Any]
) -> NoReturn:
    """Raise ``error`` as SQLAlchemy's ``Connection`` raises it (and invalidate the connection,
    with the rest of the pool, when the driver says it is gone)."""
    adapted = pooled.dbapi_connection
    try:
        adapted._handle_exception(error)  # raises asyncpg's error as the adapter's DB-API one
    except Exception as translated:
        error = translated
    dialect = engine.dialect
    base = dialect.loaded_dbapi.Error
    if not isinstance(error, base):
        raise error  # not the driver's (as Connection: raised as it is)
    disconnect = bool(dialect.is_disconnect(error, adapted, None))
    wrapped = DBAPIError.instance(
        sql,
        tuple(values),
        error,
        base,
        hide_parameters=engine.hide_parameters,
        connection_invalidated=disconnect,
        dialect=dialect,
        ismulti=False,
    )
    if disconnect:
        engine.pool._invalidate(pooled, error)  # the pool's older connections, and this one
    raise wrapped from error
