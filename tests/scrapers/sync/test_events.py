"""A sync run announces itself (and the values it changed), can be stopped between schools, can
leave schools out, and tells its caller about each school."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.fetch import Fetcher, FetchResult
from scrapers.sync.handler import ApplySchool, FactCounts, RunScope
from scrapers.sync.lock import hold_run_lock
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import SyncReport, run_sync
from scrapers.sync.visit import SchoolReport
from service.config import Settings
from service.db.engine import create_sessionmaker
from service.db.models import SchoolFactChange, SyncRunStatus, WebhookDelivery
from service.db.types import utcnow
from tests.databases import TestDatabase, migrated_database
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.sync.conftest import seed, sync_once, sync_settings
from tests.scrapers.sync.test_cli import LOOPBACK, environment, local_site, mobility
from tests.scrapers.sync.test_run import HOSTS, two_schools

HOOK = "http://127.0.0.1:9/hooks/mobility"
SECRET = "whsec-sync-test-0123456789"


def _settings(db: TestDatabase) -> Settings:
    return sync_settings(db, webhook_urls=[HOOK], webhook_secret=SecretStr(SECRET))


async def _events(db: TestDatabase) -> list[tuple[str, dict[str, Any]]]:
    async with create_sessionmaker(db.engine)() as session:
        rows = await session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id))
        return [(row.event, json.loads(row.body)["data"]) for row in rows]


async def _run(db: TestDatabase, **options: Any) -> SyncReport:
    async with Fetcher(LOOPBACK_POLICY, resolver=HOSTS) as fetcher:
        return await run_sync(db.engine, fetcher, settings=_settings(db), **options)


async def test_a_run_announces_its_end_in_the_transaction_that_closes_it(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))
    report = await sync_once(fresh, HOSTS, settings=_settings(fresh))
    ((event, data),) = await _events(fresh)
    assert event == "sync.finished"
    assert data["finished_at"] is not None
    assert data["started_at"] is not None
    del data["started_at"], data["finished_at"]
    stats = data.pop("stats")
    # Two pages and their hosts' robots.txt (404: no rules), each host asked twice.
    assert (stats["requests"], stats["statuses"], stats["retries"]) == (4, {"200": 2, "404": 2}, 0)
    assert sorted(stats["hosts"]) == ["aalto.test", "esisar.test"]
    assert stats == report.stats
    assert data == {
        "run_id": report.run_id,
        "status": "OK",
        "schools": [],
        "links_total": 2,
        "links_checked": 2,
        "links_reached": 2,
        "counts": {"OK": 2},
        "errors": {},
        "error": None,
        "value_changes": 0,
    }


async def test_values_changed_by_a_run_are_announced_as_a_catalogue_change(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))

    async def change_a_value(
        school: PlannedSchool, results: Mapping[str, FetchResult]
    ) -> ApplySchool:
        async def apply(session: AsyncSession, scope: RunScope) -> FactCounts:
            if school.slug == "esisar":
                session.add(
                    SchoolFactChange(
                        school_id=school.id,
                        field="deadline",
                        key="autumn",
                        new_value={"value": "2026-03-15"},
                        changed_at=utcnow(),
                        source_url=next(iter(school.urls)),
                    )
                )
            return FactCounts()

        return apply

    report = await sync_once(fresh, HOSTS, settings=_settings(fresh), handler=change_a_value)
    (finished, finished_data), (changed, changed_data) = await _events(fresh)
    assert (finished, finished_data["value_changes"]) == ("sync.finished", 1)
    assert (changed, changed_data) == (
        "catalogue.changed",
        {"origin": "sync", "run_id": report.run_id, "value_changes": 1, "schools": {"esisar": 1}},
    )
    # The next run changes nothing: only its end is announced.
    await sync_once(fresh, HOSTS, settings=_settings(fresh))
    assert [event for event, _ in await _events(fresh)] == [
        "sync.finished",
        "catalogue.changed",
        "sync.finished",
    ]


async def test_a_stop_ends_the_run_after_the_school_being_recorded(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))
    stop = asyncio.Event()
    told: list[tuple[str, bool]] = []

    async def stop_after_the_first(school: PlannedSchool, report: SchoolReport) -> None:
        told.append((school.slug, report.recorded))
        stop.set()

    report = await _run(fresh, stop=stop, on_school=stop_after_the_first)
    error = "interrupted: stopped on request after 1 of 2 schools"
    assert (report.status, report.error, report.stopped) == (SyncRunStatus.FAILED, error, True)
    assert [(school.slug, school.recorded) for school in report.schools] == told
    assert len(told) == 1
    ((event, data),) = await _events(fresh)
    assert (event, data["status"], data["error"], data["links_checked"], data["links_total"]) == (
        "sync.finished",
        "FAILED",
        error,
        1,
        2,
    )
    async with hold_run_lock(fresh.engine, 30):
        pass  # released


async def test_excluded_schools_are_left_out_of_the_plan(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))
    report = await _run(fresh, exclude={"esisar"})
    assert (report.status, [school.slug for school in report.schools]) == (
        SyncRunStatus.OK,
        ["aalto"],
    )
    assert web.requests_for("esisar.test") == []


async def test_mobility_sync_queues_the_same_events(web: FixtureServer, tmp_path: Path) -> None:
    async with migrated_database("sqlite", tmp_path) as db:
        await seed(db.engine, local_site(web))
        env = environment(db, **LOOPBACK, WEBHOOK_URLS=HOOK, WEBHOOK_SECRET=SECRET)
        code, out, err = await mobility("sync", env=env, cwd=tmp_path)
        assert code == 0, err
        ((event, data),) = await _events(db)
    assert (event, data["status"], data["links_checked"]) == ("sync.finished", "OK", 2)
    assert (
        out.splitlines()[-1]
        == f"run {data['run_id']}: OK, 2 of 2 links checked, 2 reached, 0 facts changed"
    )
