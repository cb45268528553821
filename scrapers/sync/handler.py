"""Where extraction plugs into a sync: a handler called for every HTML page fetched in full.

The handler runs inside the school's transaction, in a savepoint of its own: if it raises, what it
wrote is rolled back, the error is recorded against the school (the run ends PARTIAL), and the
link health of the school is still recorded. It is not called for a 304 (the page is what it was)
nor for any failure, so a misbehaving site never reaches the extractors.
"""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import FetchedPage
from service.db.models import Link, School


class PageHandler(Protocol):
    """Does something with a freshly fetched page of a school's link (never commits)."""

    async def __call__(
        self, session: AsyncSession, school: School, link: Link, page: FetchedPage
    ) -> None: ...


async def ignore_page(session: AsyncSession, school: School, link: Link, page: FetchedPage) -> None:
    """The handler of a sync that only checks links."""
