"""Async engines and session factories, configured per backend.

SQLite runs in WAL mode with foreign keys on and a busy timeout, so that API readers are not
refused with "database is locked" while a sync writes. pysqlite's own transaction handling is
switched off and SQLAlchemy emits ``BEGIN`` itself: that is SQLAlchemy's documented recipe for
correct SAVEPOINT and transaction behaviour on SQLite. A PostgreSQL connection idle for
``DB_PING_AFTER_IDLE_SECONDS`` is pinged before use (SQLAlchemy's ``pool_pre_ping`` pinged at
every checkout: three round trips per request, decision 0112). Both keep ``DB_POOL_SIZE``
connections open (decision 0085).

A SQLite transaction that reads before it writes fails at its first write ("database is locked",
without waiting) when another connection committed a write in between: its snapshot is too old
to write from. Units of work that read first while other connections may write (a sync's school,
whose run renews its lease meanwhile) use :func:`intend_writes`, which begins them with
``BEGIN IMMEDIATE``: they wait (up to the busy timeout) for the write lock before they read.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import ConnectionPoolEntry

from service.config import Settings
from service.db.versioning import VersionedSession

#: Execution option: begin SQLite transactions with ``BEGIN IMMEDIATE`` (see the module docstring).
WRITE_INTENT = "mobility_write_intent"


def _prepare_sqlite_file(url: URL) -> None:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def base64url(text: str | None) -> str | None:
    """SQLite's ``base64url(text)``: the UTF-8 of ``text`` as URL-safe base64 without padding,
    as the API's opaque cursors are written (``service.graphql.types.pagination``); SQLite has
    no base64 of its own, and the compiled read path writes cursors inside the statement."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _install_sqlite_hooks(engine: AsyncEngine, busy_timeout_ms: int) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN (see module docstring)
        dbapi_connection.create_function("base64url", 1, base64url, deterministic=True)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA synchronous=NORMAL")
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        immediate = connection.get_execution_options().get(WRITE_INTENT, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def create_engine(
    settings: Settings,
    *,
    url: URL | None = None,
    server_settings: Mapping[str, str] | None = None,
    **kwargs: Any,
) -> AsyncEngine:
    """Create the async engine for ``settings`` (or an explicit ``url``); does not connect.

    ``server_settings``: on PostgreSQL, settings every connection gets as it connects (no
    round trip per use; :func:`serving_settings`); SQLite ignores them.
    """
    url = url or settings.database
    options: dict[str, Any] = {"echo": settings.db.echo, **kwargs}
    if "poolclass" not in options and url.database not in (None, "", ":memory:"):
        # The pool keeps DB_POOL_SIZE connections; overflow ones are closed when returned, so a
        # pool smaller than the requests served at once reopens connections under steady load.
        options.setdefault("pool_size", settings.db.pool_size)
        options.setdefault("max_overflow", settings.db.pool_size)
    if url.get_backend_name() == "sqlite":
        _prepare_sqlite_file(url)
        engine = create_async_engine(url, **options)
        _install_sqlite_hooks(engine, settings.sqlite_busy_timeout_ms)
        return engine
    connect_args: dict[str, Any] = {"timeout": settings.db.connect_timeout}
    if server_settings:
        connect_args["server_settings"] = dict(server_settings)
    options.setdefault("connect_args", connect_args)
    engine = create_async_engine(url, **options)
    _ping_after_idle(engine, settings.db.ping_after_idle_seconds)
    return engine


#: ``record.info`` keys: when a pooled connection was last checked in, and after how long idle
#: it is pinged (service.db.alone's lane reads both: it keeps connections checked out).
CHECKED_IN_AT = "mobility_checked_in_at"
PING_AFTER_IDLE = "mobility_ping_after_idle"


def serving_settings(deadline_seconds: float) -> dict[str, str]:
    """The PostgreSQL settings of the API server's connections (decision 0150).

    - ``statement_timeout``: every statement of the server runs within a request's deadline,
      so the database stops it there by itself; a single compiled statement then needs no
      transaction to ``SET LOCAL`` it in.
    - ``plan_cache_mode = force_generic_plan``: statements are prepared once per connection
      (asyncpg's statement cache, which SQLAlchemy's adapter keeps for ``exec_driver_sql``
      too), and the compiled ones are written per shape of their arguments, with no filter
      switched on and off by a parameter (a filter not given is not in the text), so one
      plan made once serves every execution of a text: the country page's statement took
      0.82-0.95 ms per execution on its generic plan against 1.5-1.7 ms re-planned each time
      (10,000 schools; decision 0150). ``auto`` kept choosing custom plans for it.
    - ``jit = off``: the deadline order's generic plan (its correlated deadline subplans for
      every offer) is estimated past ``jit_optimize_above_cost``, so each execution with a
      track filter optimized and inlined 1,114 functions: 15 s of a 15.1 s page (0.3 s
      without JIT), past the request deadline; the track filter alone compiled at every
      execution too (38.8 ms, 6.4 ms without). No read measured was faster with JIT
      (10,000 schools; decision 0420).
    """
    milliseconds = max(1, int(deadline_seconds * 1000))
    return {
        "statement_timeout": f"{milliseconds}ms",
        "plan_cache_mode": "force_generic_plan",
        "jit": "off",
    }


def _ping_after_idle(engine: AsyncEngine, idle_seconds: float) -> None:
    """Ping a pooled connection before use when it sat idle ``idle_seconds`` or more.

    A failed ping raises ``DisconnectionError``: the pool drops that connection and checks out
    (or opens) another, as ``pool_pre_ping`` does.
    """

    @event.listens_for(engine.sync_engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        record.info[CHECKED_IN_AT] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
        record.info[PING_AFTER_IDLE] = idle_seconds
        since = record.info.get(CHECKED_IN_AT)
        if since is None or time.monotonic() - since < idle_seconds:
            return  # new (it was just connected), or in recent use
        try:
            dbapi_connection.ping()
        except Exception as error:
            raise DisconnectionError(f"the pooled connection is gone: {error!r}") from error


def intend_writes(engine: AsyncEngine) -> AsyncEngine:
    """The same engine (and pool), whose transactions take SQLite's write lock as they begin.

    Nothing changes on PostgreSQL, where a transaction that read first can write.
    """
    return engine.execution_options(**{WRITE_INTENT: True})


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded values after commit; the caller owns the transaction.

    Their sync class bumps the data version on every transaction that writes
    (:mod:`service.db.versioning`).
    """
    return async_sessionmaker(
        engine, expire_on_commit=False, autoflush=False, sync_session_class=VersionedSession
    )
