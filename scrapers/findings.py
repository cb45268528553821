"""Findings, the one way: fingerprint an observation, observe it, settle it, reopen it.

Every loop that notices something about the data (the FAQ import, link health, reconciliation)
names an observation by its origin, its kind and its subject, never by when or where it was
seen; the fingerprint is the SHA-256 of those parts joined by U+001F. Observing the same thing
again updates its one row and reopens it if it was resolved; a loop that could have observed a
finding and did not settles it (resolves it). Nothing here commits.

The three loops wrote this same encoding before it lived here (import: ``import`` + kind +
subject; link health: ``sync`` + kind + owner + URL; reconciliation: ``sync`` + kind + school id +
subject parts), so the rows already stored keep their fingerprints (decision 0136).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import Finding, FindingSeverity

#: ``Finding.origin`` of the FAQ import's findings.
IMPORT_ORIGIN = "import"
#: ``Finding.origin`` of a sync's findings (link health and reconciliation).
SYNC_ORIGIN = "sync"

_SEPARATOR = "\x1f"


def fingerprint(origin: str, kind: str, subject: Iterable[str]) -> str:
    """The stable identity of an observation: what noticed it, what kind, about what."""
    return hashlib.sha256(_SEPARATOR.join([origin, kind, *subject]).encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class Observed:
    """What one observation says; stored as is on a new finding, refreshed on a known one."""

    severity: FindingSeverity
    message: str
    detail: dict[str, object]
    school_id: int | None = None
    link_id: int | None = None


async def load_findings(session: AsyncSession, fingerprints: Sequence[str]) -> dict[str, Finding]:
    """The findings with these fingerprints, open or resolved."""
    if not fingerprints:
        return {}
    rows = await session.scalars(select(Finding).where(Finding.fingerprint.in_(fingerprints)))
    return {finding.fingerprint: finding for finding in rows}


def observe(
    session: AsyncSession,
    known: Finding | None,
    *,
    key: str,
    origin: str,
    kind: str,
    observed: Observed,
    now: datetime,
) -> tuple[Finding, bool]:
    """Record an observation: a new finding, or ``known`` refreshed and reopened.

    Returns the finding and whether this is news (new, or reopened).
    """
    if known is None:
        finding = Finding(fingerprint=key, kind=kind, origin=origin, first_seen_at=now)
        session.add(finding)
    else:
        finding = known
    finding.severity = observed.severity
    finding.message = observed.message
    finding.detail = observed.detail
    finding.school_id = observed.school_id
    finding.link_id = observed.link_id
    return finding, known is None or reopen(known)


def reopen(finding: Finding) -> bool:
    """Take back a finding's resolution; whether it was resolved."""
    if finding.resolved_at is None:
        return False
    finding.resolved_at = None
    return True


def settle(finding: Finding | None, now: datetime) -> bool:
    """Resolve a finding that was not observed where it could have been; whether it was open."""
    if finding is None or finding.resolved_at is not None:
        return False
    finding.resolved_at = now
    return True
