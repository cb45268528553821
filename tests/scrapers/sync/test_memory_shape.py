"""What a run holds does not grow with its schools: the shape of flat memory, not its size.

A run of 20 and one of 80 partner sites (one small page each, links only) look, at their last
school, at what they still hold: the schools' reports (folded into the run's totals as each is
recorded, only a line kept), and the fetcher's per-host state (let go once a host's last school
is recorded). Neither depends on how many schools came before. No timing is measured.
"""

from __future__ import annotations

import gc
import re
import secrets
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event

from scrapers.fetch import Fetcher, MappingResolver
from scrapers.sync.handler import check_links_only
from scrapers.sync.plan import PlannedSchool
from scrapers.sync.run import run_sync
from scrapers.sync.visit import SchoolLine, SchoolReport
from service.db.models import SyncRunStatus
from tests.databases import TestDatabase, migrated_database
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.fixture_server import FixtureServer
from tests.scrapers.sync.conftest import seed, sync_settings


def _reports_alive(slugs: frozenset[str]) -> int:
    """This run's school reports still alive: those of other tests (a task an earlier test
    left behind in the session's event loop) are not this run's to count."""
    gc.collect()
    return sum(
        1 for thing in gc.get_objects() if type(thing) is SchoolReport and thing.slug in slugs
    )


async def _held_at_last_school(
    db: TestDatabase, web: FixtureServer, sites: int
) -> tuple[int, int, int]:
    """Reports alive and per-host entries held as the run's last school is done, and the
    per-host entries held after the run."""
    run = secrets.token_hex(4)  # slugs of this run only
    hosts = [f"shape-{run}-{n:03d}.test" for n in range(sites)]
    slugs = frozenset(host.split(".")[0] for host in hosts)
    for host in hosts:
        web.site(host).page("/", b"<html><body><p>Mobilit\xc3\xa9</p></body></html>")
    await seed(db.engine, {host.split(".")[0]: [web.url(host)] for host in hosts})
    resolver = MappingResolver({host: ["127.0.0.1"] for host in hosts})
    done: list[str] = []
    seen: list[tuple[int, int]] = []
    async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:

        async def on_school(school: PlannedSchool, report: SchoolReport) -> None:
            done.append(school.slug)
            if len(done) == sites:  # every other school is recorded and let go
                seen.append((_reports_alive(slugs), fetcher.hosts_held))

        report = await run_sync(
            db.engine,
            fetcher,
            settings=sync_settings(db),
            handler=check_links_only,
            on_school=on_school,
        )
        after = fetcher.hosts_held
    assert report.status is SyncRunStatus.OK
    assert report.links_checked == sites
    assert len(report.schools) == sites
    assert all(type(s) is SchoolLine for s in report.schools)
    [(reports, held)] = seen
    return reports, held, after


@pytest.mark.parametrize("sites", [20, 80])
async def test_a_run_holds_no_report_and_no_host_it_is_done_with(
    fresh: TestDatabase, web: FixtureServer, sites: int
) -> None:
    reports, held, after = await _held_at_last_school(fresh, web, sites)
    # The last school's own report (being told about) and nothing of the schools before it;
    # the state of its own host only (address, pin, robots.txt rules, spacing, their locks).
    assert reports == 1
    assert held <= 6
    assert after == 0


async def _catalogue_rows_read(tmp_path: Path, web: FixtureServer, partitions: int) -> int:
    """Rows the run's statements returned from the ``school`` table: a partitioned run
    (PostgreSQL) of ``SITES`` schools in ``partitions`` host partitions, all worked on by the
    run's own process."""
    run = secrets.token_hex(4)
    hosts = [f"parts-{run}-{n:03d}.test" for n in range(SITES)]
    for host in hosts:
        web.site(host).page("/", b"<html><body><p>Mobilit\xc3\xa9</p></body></html>")
    rows = 0

    def count(conn: object, cursor: Any, statement: str, *args: object) -> None:
        nonlocal rows
        if statement.lstrip().startswith("SELECT") and _FROM_SCHOOL.search(statement):
            rows += max(cursor.rowcount, 0)

    async with migrated_database("postgres", tmp_path / f"{partitions}") as db:
        await seed(db.engine, {host.split(".")[0]: [web.url(host)] for host in hosts})
        settings = sync_settings(
            db,
            sync_partitions=partitions,
            sync_partition_min_schools=1,
            sync_local_partitions=partitions,
        )
        event.listen(db.engine.sync_engine, "after_cursor_execute", count)
        try:
            resolver = MappingResolver({host: ["127.0.0.1"] for host in hosts})
            async with Fetcher(LOOPBACK_POLICY, resolver=resolver) as fetcher:
                report = await run_sync(
                    db.engine, fetcher, settings=settings, handler=check_links_only
                )
        finally:
            event.remove(db.engine.sync_engine, "after_cursor_execute", count)
    assert report.status is SyncRunStatus.OK
    assert report.links_checked == SITES
    return rows


SITES = 24
_FROM_SCHOOL = re.compile(r"\bFROM school\b")


async def test_a_partitioned_run_reads_the_catalogue_once_not_once_per_partition(
    tmp_path: Path, web: FixtureServer
) -> None:
    # Each partition attempt read the whole catalogue's plan and every partner's hosts: with 12
    # partitions at 5,000 sites, twelve copies at once were most of the run's peak (decision
    # 0365). Now an attempt reads its own schools' plan, and the run's process the partner
    # sites once, so the rows read do not depend on the number of partitions.
    two = await _catalogue_rows_read(tmp_path, web, 2)
    six = await _catalogue_rows_read(tmp_path, web, 6)
    # The coordinator's plan and partner sites, and the attempts' plans together: each school
    # three times (before: 144 and 336 rows).
    assert (two, six) == (3 * SITES, 3 * SITES)
