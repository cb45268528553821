"""Reconcile one school: its pages' facts into the catalogue, with findings.

Precedence (``docs/decisions/0040-precedence-of-values.md``): an admin override beats the
curated catalogue, which beats a scraped value. Scraped values are stored beside the curated
ones, never over them; a scraped value that disagrees with a curated or overridden one is a
finding. A failed fetch, a page that is not about the school, or a page that suddenly yields
nothing where it used to keeps the last good values, marked stale
(``docs/decisions/0042-stale-values-and-layout-changes.md``). A page the site reports unchanged
(304) confirms the values read from it, and changes nothing else
(``docs/decisions/0060-unchanged-pages-confirm-their-values.md``).

The caller owns the transaction (one per school) and commits; this module only flushes.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.extract import PageExtraction
from scrapers.reconcile.context import FactKey, PartnerSites, SchoolContext, load_context
from scrapers.reconcile.findings import (
    CONTRADICTS_CATALOGUE,
    FETCH_FAILED,
    IDENTITY_MISMATCH,
    LAYOUT_CHANGED,
    OTHER_PARTNER_SITE,
    SOFT_404,
    Observation,
    record_findings,
    resolve_findings,
)
from scrapers.reconcile.identity import identity_mismatch, names_match, other_partner_site, soft_404
from scrapers.reconcile.outcome import (
    FetchFailure,
    Outcome,
    PageUnchanged,
    ReconcileReport,
    pages_of,
)
from scrapers.reconcile.values import (
    NewRows,
    apply_candidate,
    candidates_of,
    confirm_values,
    mark_stale,
)
from service.catalogue import Address, FactField, FactValue, read_stored
from service.db import FindingSeverity, SchoolFact


def _link_id(context: SchoolContext, page: PageExtraction) -> int | None:
    for url in (page.requested_url, page.url):
        if url and url in context.link_ids:
            return context.link_ids[url]
    return None


def _judge(context: SchoolContext, page: PageExtraction) -> Observation | None:
    """Why the page is not evidence about the school, as an observation (``None``: it is)."""
    link = _link_id(context, page)
    reason = soft_404(page)
    if reason is not None:
        subject = page.requested_url or page.url
        detail: dict[str, object] = {"url": subject}
        return Observation(SOFT_404, (subject,), reason, detail, link_id=link)
    reason = identity_mismatch(page, context.names)
    if reason is None:
        return None
    other = other_partner_site(page, context.other_partner_hosts)
    if other is not None:
        message = f"{page.url} is on the site of another partner, {other}"
        detail = {"url": page.url, "other_school": other}
        return Observation(OTHER_PARTNER_SITE, (page.url, other), message, detail, link_id=link)
    return Observation(IDENTITY_MISMATCH, (page.url,), reason, {"url": page.url}, link_id=link)


def _contradiction(key: FactKey, scraped: object, catalogue: object, source: str) -> Observation:
    field, item = key
    message = (
        f"the partner's page says {field} {scraped!r} where the catalogue ({source}) says"
        f" {catalogue!r}; the catalogue value is kept"
    )
    detail = {
        "field": field,
        "key": item,
        "scraped": scraped,
        "catalogue": catalogue,
        "catalogue_source": source,
    }
    subject = (field, item, json.dumps(scraped, sort_keys=True, ensure_ascii=False))
    return Observation(CONTRADICTS_CATALOGUE, subject, message, detail, FindingSeverity.INFO)


def _contradictions(
    context: SchoolContext, values: Mapping[FactKey, FactValue | None]
) -> list[Observation]:
    """The scraped values (read or confirmed this run) that disagree with what is served."""
    found = []
    for key, value in values.items():
        override = context.overrides.get(key)
        stored = None if value is None else value.to_json()
        if override is not None and stored is not None and override.value != stored:
            found.append(_contradiction(key, stored, override.value, "override"))
    address = values.get((FactField.ADDRESS.value, ""))
    if isinstance(address, Address):
        # What the catalogue serves, as the API decides it (service.catalogue.precedence).
        city = context.served["city"]
        locality = address.locality
        if city.value and city.source and locality and not names_match(city.value, locality):
            found.append(_contradiction(("city", ""), locality, city.value, city.source))
        country = context.served["country_code"]
        code = address.country_code
        if country.value and country.source and code and code != country.value:
            found.append(_contradiction(("country_code", ""), code, country.value, country.source))
    return found


def _failure(context: SchoolContext, failure: FetchFailure) -> Observation:
    detail: dict[str, object] = {"url": failure.url, "reason": failure.reason}
    message = f"{failure.url} could not be fetched: {failure.reason}"
    link = context.link_ids.get(failure.url)
    return Observation(FETCH_FAILED, (failure.url,), message, detail, link_id=link)


def _kept(context: SchoolContext, unchanged: Mapping[str, datetime]) -> dict[FactKey, SchoolFact]:
    """The fresh values read from pages that are unchanged: they still stand.

    A stale value stays stale: its page did not give it at the last full read, or the page was
    not readable then, and the same page proves nothing new.
    """
    return {
        key: row
        for key, row in context.facts.items()
        if row.source_url in unchanged and not row.stale
    }


async def reconcile_school(
    session: AsyncSession,
    school_id: int,
    outcome: Outcome,
    *,
    now: datetime,
    partners: PartnerSites | None = None,
) -> ReconcileReport:
    """Apply one school's sync outcome; never commits. Raises ``LookupError`` if unknown.

    ``partners``: the run's :func:`~scrapers.reconcile.context.load_partner_sites`, read once
    for all its schools (read here when not given).
    """
    context = await load_context(session, school_id, partners)
    report = ReconcileReport(school_id=school_id)
    observations: list[Observation] = []
    readable: list[PageExtraction] = []
    fetched_urls: set[str] = set()
    unchanged: dict[str, datetime] = {}
    for page in pages_of(outcome):
        if isinstance(page, PageUnchanged):
            unchanged[page.url] = max(page.checked_at, unchanged.get(page.url, page.checked_at))
            continue
        if isinstance(page, FetchFailure):
            if page.finding:
                observations.append(_failure(context, page))
            continue
        fetched_urls |= {url for url in (page.url, page.requested_url) if url}
        problem = _judge(context, page)
        if problem is None:
            readable.append(page)
        else:
            observations.append(problem)
            report.unusable_pages[page.url] = problem.message

    kept = _kept(context, unchanged)
    yielded = candidates_of(readable)
    # A value an unchanged page still gives competes as it did when it was read: a page read
    # in full this run replaces it only by being more confident, as a full read of both would.
    candidates = {
        key: candidate
        for key, candidate in yielded.items()
        if key not in kept or candidate.fact.confidence > kept[key].confidence
    }
    new = NewRows()
    for key, candidate in candidates.items():
        apply_candidate(session, context, key, candidate, report, now, new)
    await new.insert(session)
    kept = {key: row for key, row in kept.items() if key not in candidates}
    by_page: dict[str, list[SchoolFact]] = defaultdict(list)
    for row in kept.values():
        by_page[row.source_url].append(row)
    for url, rows in by_page.items():
        await confirm_values(session, rows, unchanged[url], report)

    readable_urls = {page.url for page in readable}
    found_fields = {field for field, _ in yielded}
    vanished: dict[str, set[str]] = defaultdict(set)
    for key, row in list(context.facts.items()):
        if key in candidates or key in kept:
            continue
        mark_stale(context, key, report, now)
        # Already stale or not, a value its readable page no longer yields is still missing:
        # the layout finding stays open until the page gives the field again.
        if row.source_url in readable_urls and row.field not in found_fields:
            vanished[row.source_url].add(row.field)
    for url, fields in vanished.items():
        names = sorted(fields)
        message = (
            f"{url} no longer yields {', '.join(names)}; the last good values are kept and"
            " marked stale (has the page's layout changed?)"
        )
        observations.append(
            Observation(LAYOUT_CHANGED, (url, *names), message, {"url": url, "fields": names})
        )
    current: dict[FactKey, FactValue | None] = {
        key: read_stored(row.field, row.key, row.value) for key, row in kept.items()
    }
    current |= {key: candidate.fact.value for key, candidate in candidates.items()}
    observations += _contradictions(context, current)

    seen, written = record_findings(session, context, observations, now)
    report.findings = written
    checked_fields = found_fields | {field for field, _ in kept}
    report.resolved_findings = resolve_findings(
        context, seen, fetched_urls, checked_fields, readable_urls, now
    )
    await session.flush()
    return report
