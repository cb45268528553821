"""Findings a sync raises about links: dead for several runs, or also served over https.

A finding is keyed by a fingerprint of its kind and subject (the link's URL and owner), so seeing
the same thing again updates the one row; when the link recovers the finding is resolved, and it
is reopened if the link dies again.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import Finding, FindingSeverity
from service.db.types import utcnow

DEAD_LINK = "dead_link"
HTTPS_AVAILABLE = "https_available"


def link_fingerprint(kind: str, url: str, owner: str) -> str:
    """A stable hash of a link finding: its kind, the link's URL and its owner's key."""
    return hashlib.sha256(f"sync\x1f{kind}\x1f{owner}\x1f{url}".encode()).hexdigest()


async def load_findings(session: AsyncSession, fingerprints: list[str]) -> dict[str, Finding]:
    """The findings with these fingerprints, open or resolved."""
    rows = await session.scalars(select(Finding).where(Finding.fingerprint.in_(fingerprints)))
    return {finding.fingerprint: finding for finding in rows}


def raise_finding(
    session: AsyncSession,
    existing: Finding | None,
    *,
    fingerprint: str,
    kind: str,
    severity: FindingSeverity,
    message: str,
    detail: dict[str, object],
    school_id: int | None,
    link_id: int,
) -> Finding:
    """Record a finding, or update and reopen the one already recorded."""
    finding = existing
    if finding is None:
        finding = Finding(fingerprint=fingerprint, kind=kind, origin="sync", first_seen_at=utcnow())
        session.add(finding)
    finding.severity = severity
    finding.message = message
    finding.detail = detail
    finding.school_id = school_id
    finding.link_id = link_id
    finding.resolved_at = None
    return finding


def settle_finding(existing: Finding | None) -> None:
    """Mark a finding resolved, if there is one and it is open."""
    if existing is not None and existing.resolved_at is None:
        existing.resolved_at = utcnow()
