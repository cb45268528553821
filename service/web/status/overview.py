"""What ``/status`` shows, gathered from the catalogue's query modules in one snapshot.

No SQL here: schools, links, link health and checks, findings, sync runs and school info come from
``service.catalogue``. This module only shapes them for the template (which school's links are
failing, which scraped values a human should look at).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.findings import FindingCriteria, list_findings
from service.catalogue.link_health import list_sync_runs, load_link_checks, load_link_health
from service.catalogue.links import links_by_schools
from service.catalogue.records import FindingRecord, SchoolRecord
from service.catalogue.school_info import InfoValue, load_school_info
from service.catalogue.schools import SchoolCriteria, all_schools
from service.db.models import FindingSeverity, SyncRun

#: Checks drawn per link: about two weeks of nightly syncs.
TIMELINE_CHECKS = 14
#: Sync runs in the chart.
CHART_RUNS = 20
#: The sync's finding for a scraped value that disagrees with the FAQ page
#: (``scrapers.reconcile.findings.CONTRADICTS_CATALOGUE``; ``service`` never imports scrapers).
CONFLICT_KIND = "scraped_contradicts_catalogue"
#: Link findings shown beside the school rather than only in the findings list.
LINK_FINDING_KINDS = frozenset({"dead_link", "https_available", "bad_link"})
_BATCH = 500


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
    schools: tuple[SchoolRow, ...]
    runs: tuple[RunBar, ...]
    findings: dict[FindingSeverity, tuple[FindingRecord, ...]]
    conflicts: tuple[FindingRecord, ...]
    review: tuple[ReviewItem, ...]
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


async def _school_rows(
    session: AsyncSession, schools: Sequence[SchoolRecord], findings: Sequence[FindingRecord]
) -> list[SchoolRow]:
    links = await links_by_schools(session, [school.id for school in schools])
    link_ids = [link.id for school in schools for link in links.get(school.id, [])]
    health = dict(zip(link_ids, await load_link_health(session, link_ids), strict=True))
    checks = dict(
        zip(link_ids, await load_link_checks(session, link_ids, last=TIMELINE_CHECKS), strict=True)
    )
    rows = []
    for school in schools:
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
        own = tuple(
            f for f in findings if f.school_id == school.id and f.kind in LINK_FINDING_KINDS
        )
        rows.append(SchoolRow(school=school, links=tuple(link_rows), link_findings=own))
    return rows


async def load_status_overview(session: AsyncSession) -> StatusOverview:
    """Everything ``/status`` shows, read in ``session``'s snapshot."""
    schools = await all_schools(session, SchoolCriteria(), batch=_BATCH)
    findings = await list_findings(session, FindingCriteria())
    rows: list[SchoolRow] = []
    review: list[ReviewItem] = []
    for start in range(0, len(schools), _BATCH):
        batch = schools[start : start + _BATCH]
        rows += await _school_rows(session, batch, findings)
        infos = await load_school_info(session, [school.id for school in batch])
        for school, info in zip(batch, infos, strict=True):
            for value in info.values:
                if reasons := _review_reasons(value):
                    review.append(ReviewItem(school=school, value=value, reasons=reasons))
    by_severity = {
        severity: tuple(f for f in findings if f.severity is severity)
        for severity in (FindingSeverity.ERROR, FindingSeverity.WARNING, FindingSeverity.INFO)
    }
    return StatusOverview(
        schools=tuple(rows),
        runs=_run_bars(await list_sync_runs(session, last=CHART_RUNS)),
        findings=by_severity,
        conflicts=tuple(f for f in findings if f.kind == CONFLICT_KIND),
        review=tuple(review),
        school_names={school.id: school.name for school in schools},
    )
