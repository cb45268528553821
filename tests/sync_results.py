"""What syncs leave on a synthetic catalogue (``tests/catalogues.py``), in bulk.

Link health and checks of two runs, scraped facts, overrides and findings, for the
statement-count test: the same size always gives the same rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import (
    Finding,
    FindingSeverity,
    LinkCheck,
    LinkStatus,
    SchoolFact,
    SchoolOverride,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from tests.catalogues import FIRST_ID, insert_rows


@dataclass(frozen=True, slots=True)
class SyntheticSyncResults:
    """How many rows of each kind ``add_synthetic_sync_results`` wrote."""

    healthy_links: int
    facts: int
    stale_facts: int
    overrides: int
    findings: int


SYNCED_AT = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)


def _fact(
    school_id: int, field: str, key: str, value: dict[str, Any], stale: bool
) -> dict[str, Any]:
    return {
        "school_id": school_id,
        "field": field,
        "key": key,
        "value": value,
        "source_url": f"https://partner-{school_id - FIRST_ID:05d}.example.org/",
        "fetched_at": SYNCED_AT,
        "extractor": f"generic/{field}",
        "extractor_version": "1",
        "snippet": "",
        "confidence": 0.9,
        "stale": stale,
        "stale_since": SYNCED_AT if stale else None,
        "last_good_at": SYNCED_AT,
        "first_seen_at": SYNCED_AT,
    }


async def add_synthetic_sync_results(session: AsyncSession, size: int) -> SyntheticSyncResults:
    """What two sync runs left on a catalogue of ``size`` (flushed, not committed).

    Every home page has a check from each run, and a current health but every third one's
    (served as null). Each school has an application deadline and a language requirement
    (stale for every seventh); every tenth has its deadline overridden; every fifth has a sync
    finding, every eighth an import finding.
    """
    runs = [
        {
            "id": FIRST_ID + n,
            "status": SyncRunStatus.OK,
            "started_at": SYNCED_AT + n * timedelta(days=7),
        }
        for n in range(2)
    ]
    await insert_rows(session, SyncRun, runs)
    health: list[dict[str, Any]] = []
    checks: list[dict[str, Any]] = []
    facts: list[dict[str, Any]] = []
    overrides: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for number in range(size):
        school_id = FIRST_ID + number
        url = f"https://partner-{number:05d}.example.org/"
        if number % 3:
            health.append(
                {
                    "url": url,
                    "status": LinkStatus.OK,
                    "http_status": 200,
                    "final_url": url,
                    "checked_at": SYNCED_AT,
                    "last_ok_at": SYNCED_AT,
                }
            )
        checks += [
            {
                "run_id": run["id"],
                "link_id": school_id,
                "url": url,
                "status": LinkStatus.OK,
                "http_status": 200,
                "checked_at": run["started_at"],
            }
            for run in runs
        ]
        deadline = {"kind": "application", "semester": "autumn", "date": "2026-04-15"}
        facts += [
            _fact(school_id, "deadline", "application/autumn", deadline, False),
            _fact(
                school_id,
                "language_requirement",
                "en/cefr/required",
                {"language": "en", "level": "B2", "test": None, "score": None, "required": True},
                number % 7 == 0,
            ),
        ]
        if number % 10 == 0:
            overrides.append(
                {
                    "school_id": school_id,
                    "field": "deadline",
                    "key": "application/autumn",
                    "value": deadline | {"date": "2026-04-30"},
                    "reason": "extended",
                    "created_by": "admin",
                }
            )
        for origin, every in (("sync", 5), ("import", 8)):
            if number % every == 0:
                findings.append(
                    {
                        "fingerprint": f"{origin}-{number:08d}".ljust(64, "0"),
                        "kind": "dead_link" if origin == "sync" else "link_to_other_school",
                        "origin": origin,
                        "severity": FindingSeverity.WARNING,
                        "message": f"finding about partner {number}",
                        "detail": {},
                        "school_id": school_id,
                        "first_seen_at": SYNCED_AT,
                    }
                )
    await insert_rows(session, UrlHealth, health)
    await insert_rows(session, LinkCheck, checks)
    await insert_rows(session, SchoolFact, facts)
    await insert_rows(session, SchoolOverride, overrides)
    await insert_rows(session, Finding, findings)
    return SyntheticSyncResults(
        healthy_links=len(health),
        facts=len(facts),
        stale_facts=sum(fact["stale"] for fact in facts),
        overrides=len(overrides),
        findings=len(findings),
    )
