"""Acceptance: a sync over the fault catalogue records the right status for every fault, loses
nothing that earlier runs recorded, touches no other school, and reaches no forbidden address.

One school per fault plus a healthy school; a first run sees every site healthy, a second run
sees the faults. On SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from scrapers.fetch import MappingResolver
from scrapers.sync.run import SyncReport
from service.db.engine import create_sessionmaker
from service.db.models import LinkStatus, SyncRun, SyncRunStatus, UrlHealth
from tests.databases import BACKENDS, TestDatabase, migrated_database
from tests.scrapers.faults import INTERNAL_NAMES, Fault, fault_catalogue, healthy_html
from tests.scrapers.fixture_server import Canary, FixtureServer
from tests.scrapers.sync.conftest import RecordingHandler, checks_of, seed, sync_once

FAULTS = fault_catalogue()
#: Faults after which the link still works.
WORKING = {LinkStatus.OK, LinkStatus.REDIRECTED}


@dataclass(frozen=True, slots=True)
class Snapshot:
    status: LinkStatus
    http_status: int | None
    checked_at: datetime
    last_ok_at: datetime | None
    etag: str | None
    consecutive_failures: int


@dataclass(frozen=True, slots=True)
class FaultRuns:
    db: TestDatabase
    web: FixtureServer
    canary: Canary
    healthy: SyncReport
    faulty: SyncReport
    before: dict[str, Snapshot]
    after: dict[str, Snapshot]
    handler: RecordingHandler
    aalto: list[str]


async def snapshot(db: TestDatabase) -> dict[str, Snapshot]:
    async with create_sessionmaker(db.engine)() as session:
        rows = await session.scalars(select(UrlHealth))
        return {
            h.url: Snapshot(
                h.status, h.http_status, h.checked_at, h.last_ok_at, h.etag, h.consecutive_failures
            )
            for h in rows
        }


@pytest.fixture(scope="module", params=BACKENDS)
async def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[FaultRuns]:
    async with (
        migrated_database(request.param, tmp_path_factory.mktemp("faults")) as db,
        FixtureServer() as web,
        Canary() as canary,
    ):
        faults = fault_catalogue()  # fresh: some faults keep state (busy, then fine)
        for fault in faults:
            fault.healthy(web)
        aalto = web.site("aalto.test")
        aalto.page("/", healthy_html("Aalto"), etag='"home-1"')
        aalto.page(
            "/exchange",
            healthy_html("Aalto exchange"),
            last_modified="Mon, 02 Mar 2020 10:00:00 GMT",
        )
        aalto_urls = [web.url("aalto.test", "/"), web.url("aalto.test", "/exchange")]
        await seed(db.engine, {f.name: [f.url(web)] for f in faults} | {"aalto": aalto_urls})
        table = {f.host: ["127.0.0.1"] for f in faults} | {"aalto.test": ["127.0.0.1"]}
        healthy = await sync_once(db, MappingResolver(table | INTERNAL_NAMES))
        before = await snapshot(db)

        for fault in faults:
            fault.install(web, canary)
        gone = {f.host for f in faults if f.unresolvable}
        table = {host: answer for host, answer in table.items() if host not in gone}
        handler = RecordingHandler()
        faulty = await sync_once(db, MappingResolver(table | INTERNAL_NAMES), handler=handler)
        after = await snapshot(db)
        yield FaultRuns(db, web, canary, healthy, faulty, before, after, handler, aalto_urls)


def test_the_healthy_run_checks_every_link(runs: FaultRuns) -> None:
    assert runs.healthy.status is SyncRunStatus.OK
    assert runs.healthy.counts == Counter({LinkStatus.OK: len(FAULTS) + 2})
    assert runs.healthy.links_checked == runs.healthy.links_total == len(FAULTS) + 2


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
async def test_each_fault_records_its_status(runs: FaultRuns, fault: Fault) -> None:
    url = fault.url(runs.web)
    assert runs.after[url].status is fault.expected
    checks = await checks_of(runs.db.engine, url)
    assert [check.status for check in checks] == [LinkStatus.OK, fault.expected]
    assert [check.run_id for check in checks] == [runs.healthy.run_id, runs.faulty.run_id]
    if fault.error is not None:
        assert checks[1].error is not None
        assert fault.error in checks[1].error


@pytest.mark.parametrize(
    "fault", [f for f in FAULTS if f.expected not in WORKING], ids=lambda f: f.name
)
def test_a_fault_keeps_what_the_healthy_run_recorded(runs: FaultRuns, fault: Fault) -> None:
    url = fault.url(runs.web)
    before, after = runs.before[url], runs.after[url]
    # The page was last fine during the first run, and the record still says so.
    assert after.last_ok_at == before.checked_at
    assert after.checked_at > before.checked_at
    expected_failures = 1 if fault.expected.is_failure else 0
    assert after.consecutive_failures == expected_failures


def test_failures_at_the_same_url_keep_the_validators(runs: FaultRuns) -> None:
    for name in ("missing", "gone", "server-error", "empty", "pdf", "hang"):
        url = next(f for f in FAULTS if f.name == name).url(runs.web)
        assert runs.after[url].etag == f'"{name}-v1"', name


def test_other_schools_are_untouched_and_answer_304(runs: FaultRuns) -> None:
    for url in runs.aalto:
        assert runs.after[url].status is LinkStatus.OK
        assert runs.after[url].http_status == 304
        assert runs.after[url].etag == runs.before[url].etag
    aalto = next(school for school in runs.faulty.schools if school.slug == "aalto")
    assert (aalto.counts, aalto.error, aalto.recorded) == (Counter({LinkStatus.OK: 2}), None, True)


def test_no_request_reached_a_forbidden_path_or_address(runs: FaultRuns) -> None:
    assert runs.canary.hits == 0
    assert runs.web.forbidden_hits == []


def test_faulty_pages_never_reach_the_page_handler(runs: FaultRuns) -> None:
    # Only pages fetched in full reach it: the unchanged ones answered 304.
    assert sorted(slug for slug, _, _ in runs.handler.calls) == [
        "bom",
        "busy",
        "moved",
        "no-charset",
        "wrong-charset",
    ]


async def test_the_run_is_recorded_partial_with_its_counts(runs: FaultRuns) -> None:
    expected = Counter(fault.expected for fault in FAULTS) + Counter({LinkStatus.OK: 2})
    assert runs.faulty.status is SyncRunStatus.PARTIAL
    assert runs.faulty.counts == expected
    async with create_sessionmaker(runs.db.engine)() as session:
        run = await session.get_one(SyncRun, runs.faulty.run_id)
    assert run.status is SyncRunStatus.PARTIAL
    assert run.counts == {status.value: n for status, n in sorted(expected.items())}
    assert (run.links_total, run.links_checked) == (len(FAULTS) + 2, len(FAULTS) + 1)
    assert run.errors == {}
    assert run.finished_at is not None
