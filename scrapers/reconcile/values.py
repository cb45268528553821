"""Scraped values into ``school_fact`` rows: insert, replace, confirm or mark stale.

Only what changed is written: a value confirmed by the same fetch is not touched, so running
the same sync twice writes nothing (and does not bump the catalogue's data version). A replaced
value is a ``school_fact_change`` row; provenance and freshness updates are not changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from scrapers.extract import ExtractedFact, PageExtraction
from scrapers.reconcile.context import FactKey, SchoolContext
from scrapers.reconcile.outcome import ReconcileReport, ValueChange
from service.catalogue import STORED_FIELDS
from service.db import SchoolFact, SchoolFactChange, insert_values


@dataclass(slots=True)
class NewRows:
    """A school's new values and value changes, sent in one statement each once its candidates
    are applied (:func:`insert_values`): nothing in the school's transaction reads them back."""

    facts: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)

    async def insert(self, session: AsyncSession) -> None:
        if self.facts:
            await insert_values(session, SchoolFact, self.facts)
        if self.changes:
            await insert_values(session, SchoolFactChange, self.changes)


@dataclass(frozen=True, slots=True)
class Candidate:
    """The value a sync proposes for one ``(field, key)``, and the page it came from."""

    fact: ExtractedFact
    page: PageExtraction


def candidates_of(pages: Iterable[PageExtraction]) -> dict[FactKey, Candidate]:
    """One candidate per stored ``(field, key)``: the most confident, the first page on a tie."""
    best: dict[FactKey, Candidate] = {}
    for page in pages:
        for fact in page.facts:
            if fact.field not in STORED_FIELDS:
                continue
            key = (fact.field.value, fact.key)
            known = best.get(key)
            if known is None or fact.confidence > known.fact.confidence:
                best[key] = Candidate(fact, page)
    return best


def _set(row: SchoolFact, **values: object) -> bool:
    """Assign only the attributes whose value differs; whether anything was assigned."""
    changed = {name: value for name, value in values.items() if getattr(row, name) != value}
    for name, value in changed.items():
        setattr(row, name, value)
    return bool(changed)


def apply_candidate(
    session: AsyncSession,
    context: SchoolContext,
    key: FactKey,
    candidate: Candidate,
    report: ReconcileReport,
    now: datetime,
    new: NewRows,
) -> None:
    """Store one candidate value: new, replacing, or confirming the stored one.

    A new value and a change are added to ``new``, in the order of the calls (so the history's
    ids follow it, as the ORM's flush gave them); a stored value is updated through the session.
    """
    fact, page = candidate.fact, candidate.page
    value: dict[str, object] = dict(fact.value.to_json())
    provenance = {
        "source_url": fact.source_url,
        "extractor": fact.extractor,
        "extractor_version": fact.extractor_version,
        "snippet": fact.snippet,
        "confidence": fact.confidence,
    }
    row = context.facts.get(key)
    if row is None or row.value != value:
        report.changes.append(
            ValueChange(key[0], key[1], row.value if row else None, value, fact.source_url)
        )
        new.changes.append(
            {
                "school_id": context.school.id,
                "field": key[0],
                "key": key[1],
                "old_value": row.value if row else None,
                "new_value": value,
                "changed_at": now,
                "source_url": fact.source_url,
            }
        )
    if row is None:
        new.facts.append(
            {
                "school_id": context.school.id,
                "field": key[0],
                "key": key[1],
                "value": value,
                "fetched_at": page.fetched_at,
                "last_good_at": page.fetched_at,
                "stale": False,
                "stale_since": None,
                "first_seen_at": now,
                **provenance,
            }
        )
        return
    replaced = row.value != value
    if replaced:
        _set(row, value=value, fetched_at=page.fetched_at)
    _set(row, stale=False, stale_since=None, **provenance)
    moved = page.fetched_at > row.last_good_at and _set(row, last_good_at=page.fetched_at)
    if moved and not replaced:  # a replaced value is a change, not a confirmation
        report.confirmed += 1


async def confirm_values(
    session: AsyncSession,
    rows: Iterable[SchoolFact],
    checked_at: datetime,
    report: ReconcileReport,
) -> None:
    """Values their unchanged page still gives: confirmed as of ``checked_at``, nothing else moves.

    Their value, provenance and ``fetched_at`` (when they were read) stay; only ``last_good_at``
    (when a fetch last confirmed them) advances, in one statement for the page however many
    values it gave.
    """
    behind = [row for row in rows if checked_at > row.last_good_at]
    if not behind:
        return
    statement = (
        update(SchoolFact)
        .where(SchoolFact.id.in_([row.id for row in behind]))
        .values(last_good_at=checked_at)
        .execution_options(synchronize_session=False)
    )
    # On the connection: a freshness stamp, not a change of what is served (no version bump).
    await (await session.connection()).execute(statement)
    for row in behind:
        set_committed_value(row, "last_good_at", checked_at)
    report.confirmed += len(behind)


def mark_stale(
    context: SchoolContext, key: FactKey, report: ReconcileReport, now: datetime
) -> None:
    """Keep a value the sync could not confirm, marked stale since now."""
    row = context.facts[key]
    if not row.stale:
        _set(row, stale=True, stale_since=now)
        report.marked_stale.append(key)
