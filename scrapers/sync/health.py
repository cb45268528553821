"""Recording what a run found: link checks (history), URL health (current state), findings.

Only what the visit established is written. A failure updates the status, the failure count and
the error; it never clears what earlier runs knew (the last time the page was fine, the validators
of its last full answer, and whatever extractors took from it).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import FetchResult, Validators
from scrapers.findings import SYNC_ORIGIN, Observed, load_findings, observe, settle
from scrapers.reconcile import PageOutcome
from scrapers.sync.findings import DEAD_LINK, HTTPS_AVAILABLE, link_fingerprint
from scrapers.sync.plan import PlannedLink, PlannedSchool
from service.db import (
    Finding,
    FindingSeverity,
    LinkCheck,
    LinkStatus,
    UrlHealth,
    insert_values,
    utcnow,
)

#: Statuses that show the URL answers (a PDF answers, it is just not parsed).
_ALIVE = frozenset({LinkStatus.OK, LinkStatus.REDIRECTED, LinkStatus.UNSUPPORTED_CONTENT})


@dataclass(frozen=True, slots=True)
class UrlOutcome:
    """What a run learnt about one URL."""

    result: FetchResult
    #: The https address found serving an http URL's page, if one was found.
    https_url: str | None = None
    #: What the URL tells reconciliation, read as soon as it was fetched (the page's text is
    #: then let go: ``result.page`` is None); None when the school's handler reads it.
    read: PageOutcome | None = None


@dataclass(frozen=True, slots=True)
class KnownUrl:
    """What earlier runs tell the fetcher about a URL."""

    validators: Validators | None
    https_url: str | None


async def load_known_urls(session: AsyncSession, urls: Collection[str]) -> dict[str, KnownUrl]:
    """What earlier runs know of ``urls``: validators for conditional requests, https twins.

    A URL whose last check did not reach its page gets no validators: the page is read in full
    when it comes back, so that what its failure made stale is read again rather than confirmed
    by a 304 (``docs/decisions/0060-unchanged-pages-confirm-their-values.md``).
    """
    rows = await session.scalars(select(UrlHealth).where(UrlHealth.url.in_(list(urls))))
    known: dict[str, KnownUrl] = {}
    for health in rows:
        validators = None
        reached = health.status in (LinkStatus.OK, LinkStatus.REDIRECTED)
        if reached and health.final_url and (health.etag or health.last_modified):
            validators = Validators(health.final_url, health.etag, health.last_modified)
        known[health.url] = KnownUrl(validators, health.https_url)
    return known


def apply_outcome(health: UrlHealth, outcome: UrlOutcome) -> None:
    """Update the current state of a URL with this run's visit."""
    result = outcome.result
    if not result.reached and result.final_url != health.final_url:
        # The validators describe the old final URL's answer, not this one's.
        health.etag = health.last_modified = None
    health.status = result.status
    health.http_status = result.http_status
    health.final_url = result.final_url
    health.redirects = [hop.as_record() for hop in result.redirects]
    health.response_ms = result.response_ms
    health.error = result.error
    health.content_type = result.content_type
    health.checked_at = result.checked_at
    if result.reached:
        health.last_ok_at = result.checked_at
        # A 304 may omit the validators; a full answer replaces them (or drops stale ones).
        if not result.not_modified or result.etag:
            health.etag = result.etag
        if not result.not_modified or result.last_modified:
            health.last_modified = result.last_modified
    if result.status in _ALIVE:
        health.consecutive_failures = 0
    elif result.status.is_failure:
        health.consecutive_failures = (health.consecutive_failures or 0) + 1
    if outcome.https_url:
        health.https_url = outcome.https_url


def _link_check(run_id: int, link: PlannedLink, result: FetchResult) -> dict[str, object]:
    return {
        "run_id": run_id,
        "link_id": link.id,
        "url": link.url,
        "status": result.status,
        "http_status": result.http_status,
        "final_url": result.final_url,
        "redirects": [hop.as_record() for hop in result.redirects],
        "response_ms": result.response_ms,
        "error": result.error,
        "checked_at": result.checked_at,
    }


def _new_state(health: UrlHealth) -> dict[str, object]:
    """The columns a new (transient) URL state was given, as the ORM would have inserted it."""
    given = inspect(health).dict
    return {
        column.key: given[column.key]
        for column in inspect(UrlHealth).column_attrs
        if column.key in given
    }


async def record_school(
    session: AsyncSession,
    *,
    run_id: int,
    school: PlannedSchool,
    outcomes: Mapping[str, UrlOutcome],
    update_urls: Collection[str],
    dead_after: int,
    recorded_links: Collection[int] = (),
) -> int:
    """Write one school's visit: a check per link, URL states, findings. Never commits.

    ``update_urls`` are the URLs whose state this school writes (a URL shared with a school
    recorded earlier in the run has its state written once); ``recorded_links`` the links a
    school sharing them already wrote in this run (their check and findings are written once).
    Returns how many findings were raised (new, or reopened).
    """
    states = {
        health.url: health
        for health in await session.scalars(select(UrlHealth).where(UrlHealth.url.in_(school.urls)))
    }
    new: list[UrlHealth] = []
    for url in school.urls:
        if url in update_urls:
            health = states.get(url)
            if health is None:
                # Not added to the session: inserted below with the others, in one statement;
                # the findings read it as it is.
                health = states[url] = UrlHealth(url=url, consecutive_failures=0)
                new.append(health)
            apply_outcome(health, outcomes[url])
    if new:
        await insert_values(session, UrlHealth, [_new_state(health) for health in new])
    links = [link for link in school.links if link.id not in recorded_links]
    if links:
        checks = [_link_check(run_id, link, outcomes[link.url].result) for link in links]
        await insert_values(session, LinkCheck, checks)
    await session.flush()
    return await _record_findings(session, school.id, links, states, dead_after)


def _observe(
    session: AsyncSession,
    existing: dict[str, Finding],
    key: str,
    kind: str,
    observed: Observed,
    now: datetime,
) -> bool:
    finding, news = observe(
        session,
        existing.get(key),
        key=key,
        origin=SYNC_ORIGIN,
        kind=kind,
        observed=observed,
        now=now,
    )
    existing[key] = finding
    return news


async def _record_findings(
    session: AsyncSession,
    school_id: int,
    links: Sequence[PlannedLink],
    states: Mapping[str, UrlHealth],
    dead_after: int,
) -> int:
    fingerprints = {
        (kind, link.id): link_fingerprint(kind, link.url, link.owner)
        for link in links
        for kind in (DEAD_LINK, HTTPS_AVAILABLE)
    }
    existing = await load_findings(session, list(fingerprints.values()))
    now = utcnow()
    raised = 0
    for link in links:
        health = states.get(link.url)
        if health is None:
            continue
        dead = fingerprints[(DEAD_LINK, link.id)]
        if health.status.is_failure and health.consecutive_failures >= dead_after:
            observed = Observed(
                severity=FindingSeverity.WARNING,
                message=f"{link.url} has failed {health.consecutive_failures} runs in a row "
                f"({health.status.value}: {health.error})",
                detail={
                    "url": link.url,
                    "status": health.status.value,
                    "http_status": health.http_status,
                    "consecutive_failures": health.consecutive_failures,
                    "last_ok_at": health.last_ok_at.isoformat() if health.last_ok_at else None,
                },
                school_id=school_id,
                link_id=link.id,
            )
            raised += _observe(session, existing, dead, DEAD_LINK, observed, now)
        elif health.status in _ALIVE:
            settle(existing.get(dead), now)
        upgrade = fingerprints[(HTTPS_AVAILABLE, link.id)]
        if health.https_url and link.url.startswith("http://"):
            observed = Observed(
                severity=FindingSeverity.INFO,
                message=f"{link.url} is also served over https: {health.https_url}",
                detail={"url": link.url, "https_url": health.https_url},
                school_id=school_id,
                link_id=link.id,
            )
            raised += _observe(session, existing, upgrade, HTTPS_AVAILABLE, observed, now)
    await session.flush()
    return raised
