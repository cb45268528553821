"""Findings from reconciling a school's pages: their kinds, and when one is settled.

A reconcile finding's subject is the school's id and the observation's own parts (a page URL, a
field); :mod:`scrapers.findings` fingerprints, observes and settles it, so observing the same
thing on every sync adds no row. A finding that is no longer observed where it could have been
(its page was fetched, its field was read) is settled; observed again later, it is reopened.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.findings import SYNC_ORIGIN, Observed, observe, settle
from scrapers.findings import fingerprint as finding_fingerprint
from scrapers.reconcile.context import SchoolContext
from service.db import FindingSeverity

FETCH_FAILED = "fetch_failed"
LAYOUT_CHANGED = "layout_changed"
SOFT_404 = "soft_404"
IDENTITY_MISMATCH = "identity_mismatch"
OTHER_PARTNER_SITE = "page_on_other_partner_site"
CONTRADICTS_CATALOGUE = "scraped_contradicts_catalogue"
#: The kinds reconciliation owns: it records and resolves these, and leaves others alone.
RECONCILE_KINDS = frozenset(
    {
        FETCH_FAILED,
        LAYOUT_CHANGED,
        SOFT_404,
        IDENTITY_MISMATCH,
        OTHER_PARTNER_SITE,
        CONTRADICTS_CATALOGUE,
    }
)

#: The kinds whose ``detail["url"]`` names a page that could not be used as it was last read.
PAGE_KINDS = frozenset(
    {FETCH_FAILED, LAYOUT_CHANGED, SOFT_404, IDENTITY_MISMATCH, OTHER_PARTNER_SITE}
)


def fingerprint(school_id: int, kind: str, subject: Iterable[str]) -> str:
    """The fingerprint of a reconcile finding about school ``school_id``."""
    return finding_fingerprint(SYNC_ORIGIN, kind, [str(school_id), *subject])


@dataclass(frozen=True, slots=True)
class Observation:
    """Something a sync noticed about a school.

    ``detail["url"]`` or ``detail["field"]`` says what must be checked again for the finding to
    be resolved when it is no longer observed.
    """

    kind: str
    subject: tuple[str, ...]
    message: str
    detail: dict[str, object] = field(default_factory=dict)
    severity: FindingSeverity = FindingSeverity.WARNING
    link_id: int | None = None


def record_findings(
    session: AsyncSession,
    context: SchoolContext,
    observations: Iterable[Observation],
    now: datetime,
) -> tuple[set[str], list[str]]:
    """Observe each finding once; returns (fingerprints seen, kinds new or reopened)."""
    seen: set[str] = set()
    written: list[str] = []
    for observation in observations:
        key = fingerprint(context.school.id, observation.kind, observation.subject)
        if key in seen:
            continue
        seen.add(key)
        finding, news = observe(
            session,
            context.findings.get(key),
            key=key,
            origin=SYNC_ORIGIN,
            kind=observation.kind,
            observed=Observed(
                severity=observation.severity,
                message=observation.message,
                detail=observation.detail,
                school_id=context.school.id,
                link_id=observation.link_id,
            ),
            now=now,
        )
        context.findings[key] = finding
        if news:
            written.append(observation.kind)
    return seen, written


def resolve_findings(
    context: SchoolContext,
    seen: set[str],
    checked_urls: set[str],
    checked_fields: set[str],
    readable_urls: set[str],
    now: datetime,
) -> int:
    """Resolve open findings this run could have observed but did not; returns how many.

    ``checked_urls`` were fetched; ``readable_urls`` were fetched and about the school (a layout
    change can only be judged there); ``checked_fields`` were read from them.
    """
    resolved = 0
    for key, finding in context.findings.items():
        if finding.kind not in RECONCILE_KINDS or finding.resolved_at is not None or key in seen:
            continue
        url, fact_field = finding.detail.get("url"), finding.detail.get("field")
        urls = readable_urls if finding.kind == LAYOUT_CHANGED else checked_urls
        if url in urls or (fact_field is not None and fact_field in checked_fields):
            resolved += settle(finding, now)
    return resolved
