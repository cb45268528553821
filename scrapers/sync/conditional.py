"""Which pages a run asks for conditionally (answered 304 when unchanged) and which in full.

A 304 says a page is what it was at its last full answer, so it can only confirm what that answer
gave (``docs/decisions/0060-unchanged-pages-confirm-their-values.md``). A page is read in full,
without validators, when that is not enough:

- its last check did not reach it (:func:`scrapers.sync.health.load_known_urls` sees to it);
- an open sync finding is about it (its layout changed, it is a soft 404, it names another
  school, it sits on another partner's site, it could not be read): the next run reads it again,
  so that a fixed site adapter or a corrected catalogue resolves the finding;
- the run is asked to read everything (``refetch``), after the extractors or site adapters
  changed: an unchanged page answered by a 304 would never be read by the new code.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile import PAGE_KINDS, SYNC_ORIGIN
from scrapers.sync.health import KnownUrl, load_known_urls
from service.db import Finding


async def load_pages_in_question(session: AsyncSession) -> set[str]:
    """The pages named by an open sync finding about a page."""
    details = await session.scalars(
        select(Finding.detail).where(
            Finding.origin == SYNC_ORIGIN,
            Finding.kind.in_(PAGE_KINDS),
            Finding.resolved_at.is_(None),
        )
    )
    return {url for detail in details if isinstance(url := detail.get("url"), str)}


def _in_full(known: KnownUrl) -> KnownUrl:
    return replace(known, validators=None) if known.validators else known


async def load_request_state(
    session: AsyncSession, urls: Collection[str], *, refetch: bool = False
) -> Mapping[str, KnownUrl]:
    """What the run sends for each URL: validators only where a 304 would be enough."""
    known = await load_known_urls(session, urls)
    if refetch:
        return {url: _in_full(state) for url, state in known.items()}
    questioned = await load_pages_in_question(session)
    return {
        url: _in_full(state)
        if url in questioned or (state.validators and state.validators.url in questioned)
        else state
        for url, state in known.items()
    }
