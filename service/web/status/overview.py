"""What ``/status`` shows, gathered from the catalogue's query modules in one snapshot.

No SQL here: counts, one page of schools with their links, link health and checks, the newest
findings, sync runs and one page of values to review come from ``service.catalogue``. Every
read is bounded (a page, a count or the newest few), so the page costs the same number of
statements at 16 schools and at 10,000 (decision 0145). This module only shapes them for the
template (which school's links are failing, why a scraped value is listed for review).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue import (
    REVIEW_THRESHOLD,
    FindingCriteria,
    FindingRecord,
    InfoValue,
    SchoolCounts,
    SchoolRecord,
    count_findings,
    count_links_by_status,
    count_open_findings_by_severity,
    count_partner_schools,
    count_values_to_review,
    links_by_schools,
    list_findings,
    list_sync_runs,
    load_findings_by_school,
    load_link_checks,
    load_link_health,
    load_school_info,
    page_partners_failing_first,
    page_values_to_review,
    schools_by_ids,
)
from service.db import FindingSeverity, SyncRun

#: Checks drawn per link: about two weeks of nightly syncs.
TIMELINE_CHECKS = 14
#: Sync runs in the chart.
CHART_RUNS = 20
#: The sync's finding for a scraped value that disagrees with the FAQ page
#: (``scrapers.reconcile.findings.CONTRADICTS_CATALOGUE``; ``service`` never imports scrapers).
CONFLICT_KIND = "scraped_contradicts_catalogue"
#: Link findings shown beside the school rather than only in the findings list.
LINK_FINDING_KINDS = ("bad_link", "dead_link", "https_available")
#: Schools per page of the table, those with a failing link first.
SCHOOLS_PER_PAGE = 50
#: Findings listed per severity (the newest), conflicts listed, values to review listed.
LISTED = 50
_SEVERITIES = (FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO)


@dataclass(frozen=True, slots=True)
class LinkRow:
    url: str
    role: str
    status: str | None
    last_ok_at: datetime | None
    final_url: str | None
    #: Statuses of the recent checks, oldest first (the timeline reads left to right).
    checks: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True, slots=True)
class SchoolRow:
    school: SchoolRecord
    links: tuple[LinkRow, ...]
    link_findings: tuple[FindingRecord, ...]

    @property
    def failing(self) -> bool:
        return any(link.status not in (None, "OK") for link in self.links)


@dataclass(frozen=True, slots=True)
class ReviewItem:
    school: SchoolRecord
    value: InfoValue
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RunBar:
    run: SyncRun
    seconds: float | None
    #: Bar height in the chart, 0-100 (the longest run in view is 100).
    height: int


@dataclass(frozen=True, slots=True)
class StatusOverview:
    #: One page of the partners, those with a failing link first.
    schools: tuple[SchoolRow, ...]
    school_counts: SchoolCounts
    #: This page's number (from 1) and how many pages the partners fill.
    page: int
    pages: int
    #: Current links by their URL's last status ("never checked" for none).
    links_by_status: dict[str, int]
    runs: tuple[RunBar, ...]
    #: The newest open findings of each severity, and how many are open.
    findings: dict[FindingSeverity, tuple[FindingRecord, ...]]
    finding_counts: dict[FindingSeverity, int]
    conflicts: tuple[FindingRecord, ...]
    conflict_count: int
    review: tuple[ReviewItem, ...]
    review_count: int
    #: Names of the schools the listed findings are about.
    school_names: dict[int, str]

    @property
    def latest_run(self) -> SyncRun | None:
        return self.runs[-1].run if self.runs else None


def _review_reasons(value: InfoValue) -> tuple[str, ...]:
    if value.source != "scraped":
        return ()
    reasons = []
    if value.stale:
        reasons.append("stale")
    # The threshold the API flags values with (``needsReview``): one notion of "unsure".
    if value.needs_review:
        reasons.append(f"low confidence ({value.confidence:.2f})")
    return tuple(reasons)


def _run_bars(runs: Sequence[SyncRun]) -> tuple[RunBar, ...]:
    seconds = [
        (run.finished_at - run.started_at).total_seconds() if run.finished_at else None
        for run in runs
    ]
    longest = max((s for s in seconds if s is not None), default=0.0) or 1.0
    bars = [
        RunBar(run=run, seconds=s, height=max(4, round(100 * (s or 0.0) / longest)))
        for run, s in zip(runs, seconds, strict=True)
    ]
    return tuple(reversed(bars))  # oldest first, left to right


async def _school_rows(session: AsyncSession, schools: Sequence[SchoolRecord]) -> list[SchoolRow]:
    ids = [school.id for school in schools]
    links = await links_by_schools(session, ids)
    link_findings = await load_findings_by_school(session, ids, kinds=LINK_FINDING_KINDS)
    link_ids = [link.id for school in schools for link in links.get(school.id, [])]
    health = dict(zip(link_ids, await load_link_health(session, link_ids), strict=True))
    checks = dict(
        zip(link_ids, await load_link_checks(session, link_ids, last=TIMELINE_CHECKS), strict=True)
    )
    rows = []
    for school, own in zip(schools, link_findings, strict=True):
        link_rows = []
        for link in links.get(school.id, []):
            state = health[link.id]
            recent = reversed(checks[link.id])
            link_rows.append(
                LinkRow(
                    url=link.url,
                    role=link.role.value,
                    status=None if state is None else state.status.value,
                    last_ok_at=None if state is None else state.last_ok_at,
                    final_url=None if state is None else state.final_url,
                    checks=tuple((check.status.value, check.checked_at) for check in recent),
                )
            )
        rows.append(SchoolRow(school=school, links=tuple(link_rows), link_findings=tuple(own)))
    return rows


async def _review_items(
    session: AsyncSession,
) -> tuple[list[tuple[int, InfoValue, tuple[str, ...]]], int]:
    """The first values to review, as served (school id, value, reasons), and how many wait."""
    keys = await page_values_to_review(session, below_confidence=REVIEW_THRESHOLD, limit=LISTED)
    school_ids = list(dict.fromkeys(key.school_id for key in keys))
    infos = {info.school_id: info for info in await load_school_info(session, school_ids)}
    items = []
    for key in keys:
        for value in infos[key.school_id].values:
            same = (value.field, value.key) == (key.field, key.key)
            if same and (reasons := _review_reasons(value)):
                items.append((key.school_id, value, reasons))
    total = await count_values_to_review(session, below_confidence=REVIEW_THRESHOLD)
    return items, total


async def load_status_overview(session: AsyncSession, *, page: int = 1) -> StatusOverview:
    """What ``/status`` shows, page ``page`` of the schools, read in ``session``'s snapshot."""
    counts = await count_partner_schools(session)
    pages = max(1, math.ceil(counts.partners / SCHOOLS_PER_PAGE))
    page = min(max(page, 1), pages)
    schools = await page_partners_failing_first(
        session, limit=SCHOOLS_PER_PAGE, offset=(page - 1) * SCHOOLS_PER_PAGE
    )
    links = await count_links_by_status(session)
    findings = {
        severity: tuple(
            await list_findings(session, FindingCriteria(severities=[severity]), limit=LISTED)
        )
        for severity in _SEVERITIES
    }
    conflict_criteria = FindingCriteria(kinds=[CONFLICT_KIND])
    conflicts = tuple(await list_findings(session, conflict_criteria, limit=LISTED))
    review, review_count = await _review_items(session)
    named = {f.school_id for f in (*conflicts, *(f for fs in findings.values() for f in fs))}
    records = await schools_by_ids(
        session, [i for i in {*named, *(school_id for school_id, _, _ in review)} if i is not None]
    )
    finding_counts = await count_open_findings_by_severity(session)
    return StatusOverview(
        schools=tuple(await _school_rows(session, schools)),
        school_counts=counts,
        page=page,
        pages=pages,
        links_by_status={
            ("never checked" if status is None else status.value): count
            for status, count in sorted(links.items(), key=lambda item: item[0] or "~")
        },
        runs=_run_bars(await list_sync_runs(session, last=CHART_RUNS)),
        findings=findings,
        finding_counts={severity: finding_counts.get(severity, 0) for severity in _SEVERITIES},
        conflicts=conflicts,
        conflict_count=await count_findings(session, conflict_criteria),
        review=tuple(
            ReviewItem(school=records[school_id], value=value, reasons=reasons)
            for school_id, value, reasons in review
        ),
        review_count=review_count,
        school_names={school_id: record.name for school_id, record in records.items()},
    )
