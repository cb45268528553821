"""One ``AsyncSession`` shared by the concurrent resolvers of a request, one statement at a time.

Strawberry resolves sibling fields and list items concurrently, and DataLoader batches run as
their own tasks; an ``AsyncSession`` used by two of them at once fails ("concurrent operations
are not permitted"). Every read of a request therefore goes through :meth:`SerializedSession.run`,
which holds a lock for the duration of one query function. See
docs/decisions/0020-one-serialized-session-per-request.md for why this and not a session per batch.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

P = ParamSpec("P")
T = TypeVar("T")


class SessionClosedError(RuntimeError):
    """A query was attempted after the request's session was closed (its deadline passed)."""


class SerializedSession:
    """Wraps a session so that query functions run on it one after the other."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._lock = asyncio.Lock()
        self._closed = False

    async def run(
        self,
        query: Callable[Concatenate[AsyncSession, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """``await query(session, *args, **kwargs)`` with the session to itself."""
        async with self._lock:
            if self._closed:
                raise SessionClosedError("the request is over; its session is closed")
            return await query(self._session, *args, **kwargs)

    async def run_to_end(
        self,
        query: Callable[Concatenate[AsyncSession, P], Awaitable[T]],
        *args: P.args,
        **kwargs: P.kwargs,
    ) -> T:
        """:meth:`run`, except that a cancellation waits for the statement to end first.

        A DataLoader cancels its batch once every caller has gone (graphql-core drops the rest
        of a list after a non-null error). Cancelling a statement in flight leaves the driver's
        connection unusable (aiosqlite: "no active connection"), so the statement is run in a
        task of its own, shielded; on cancellation it is awaited to its end (the lock, and so
        :meth:`close`, waits for it too), then the cancellation goes on.
        """
        task = asyncio.ensure_future(self.run(query, *args, **kwargs))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            await asyncio.wait((task,))
            if not task.cancelled():
                task.exception()  # retrieved: nobody is waiting for its answer any more
            raise

    async def close(self) -> None:
        """Refuse further queries, wait for the running one, then close the session.

        Loader batches run in tasks of their own that may outlive an abandoned request (a
        deadline); waiting for the lock keeps ``close`` from racing a running statement.
        """
        self._closed = True
        async with self._lock:
            await self._session.close()
