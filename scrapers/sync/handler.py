"""Where extraction plugs into a sync: a school handler, called once per visited school.

A handler works in two steps, so that slow work holds no transaction open:

1. ``handler(school, results)`` is called with the fetch result of each of the school's URLs
   (pages fetched in full, 304s and failures alike), outside any transaction and with no
   database: this is where pages are parsed. It returns the second step.
2. That step, ``apply(session, scope)``, runs inside the school's transaction, after its link health
   is recorded, in a savepoint of its own. If it raises, what it wrote is rolled back, the error
   is recorded against the school (the run ends PARTIAL), and the link health is still committed.
   It never commits, and returns what it did to the school's facts, for the summary.
   ``scope`` holds what the run read once for all its schools (:class:`RunScope`).

In a dry run the same two steps run and the transaction is rolled back, so the summary says
what would change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import FetchResult
from scrapers.reconcile import PartnerSites
from scrapers.sync.plan import PlannedSchool


@dataclass(frozen=True, slots=True)
class FactCounts:
    """What applying a school's pages did to its facts (or would do, in a dry run)."""

    #: Values added or replaced (each one a change in the history).
    changed: int = 0
    #: Values a newer fetch, or an unchanged page, confirmed (not changes).
    confirmed: int = 0
    #: Values kept but marked stale by this run.
    marked_stale: int = 0
    #: Findings about the school's pages raised (new, or reopened) by this run.
    findings: int = 0

    def __add__(self, other: FactCounts) -> FactCounts:
        return FactCounts(
            self.changed + other.changed,
            self.confirmed + other.confirmed,
            self.marked_stale + other.marked_stale,
            self.findings + other.findings,
        )

    def as_record(self) -> dict[str, int]:
        return {
            "changed": self.changed,
            "confirmed": self.confirmed,
            "marked_stale": self.marked_stale,
        }


@dataclass(frozen=True, slots=True)
class RunScope:
    """What a run reads once, before its first school, for every school's second step."""

    #: Every active partner's hosts, to tell a page on another partner's site.
    partner_sites: PartnerSites


#: The second step: applies what the first read, inside the school's transaction.
ApplySchool = Callable[[AsyncSession, RunScope], Awaitable[FactCounts]]


class SchoolHandler(Protocol):
    """Reads a visited school's fetch results (no database) and returns how to apply them."""

    async def __call__(
        self, school: PlannedSchool, results: Mapping[str, FetchResult]
    ) -> ApplySchool: ...


async def _no_facts(session: AsyncSession, scope: RunScope) -> FactCounts:
    return FactCounts()


async def check_links_only(
    school: PlannedSchool, results: Mapping[str, FetchResult]
) -> ApplySchool:
    """The handler of a sync that only checks links: reads nothing, writes nothing."""
    return _no_facts
