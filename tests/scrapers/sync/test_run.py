"""A sync run end to end: selection, isolation between schools, findings, re-runs, dry runs."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest
import trustme
from sqlalchemy import select

import scrapers.sync.run as sync_run
from scrapers.fetch import MappingResolver
from scrapers.sync.handler import FactCounts
from scrapers.sync.health import record_school
from scrapers.sync.report import format_summary
from scrapers.sync.runs import INTERRUPTED
from service.db.engine import create_sessionmaker
from service.db.models import (
    Finding,
    FindingSeverity,
    LinkCheck,
    LinkStatus,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from service.db.versioning import read_data_version
from service.errors import UserError
from tests.databases import TestDatabase
from tests.scrapers.conftest import client_context, server_context
from tests.scrapers.faults import healthy_html, redirect
from tests.scrapers.fixture_server import FixtureServer, Page
from tests.scrapers.sync.conftest import (
    RecordingHandler,
    checks_of,
    count_rows,
    health_of,
    seed,
    sync_once,
)

HOSTS = MappingResolver({host: ["127.0.0.1"] for host in ("aalto.test", "esisar.test")})


def two_schools(web: FixtureServer) -> dict[str, list[str]]:
    web.site("aalto.test").page("/", healthy_html("Aalto"), etag='"a1"')
    web.site("esisar.test").page("/", healthy_html("Esisar"), etag='"e1"')
    return {"aalto": [web.url("aalto.test")], "esisar": [web.url("esisar.test")]}


async def test_an_unknown_school_is_a_user_error_and_starts_no_run(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))
    with pytest.raises(UserError, match="no school with the slug 'nowhere'"):
        await sync_once(fresh, HOSTS, slugs=["aalto", "nowhere"])
    assert await count_rows(fresh.engine, SyncRun) == 0
    assert web.requests == []


async def test_school_option_visits_only_the_chosen_schools(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    catalogue = two_schools(web)
    await seed(fresh.engine, catalogue)
    report = await sync_once(fresh, HOSTS, slugs=["esisar"])
    assert [school.slug for school in report.schools] == ["esisar"]
    assert await checks_of(fresh.engine, catalogue["aalto"][0]) == []
    assert web.requests_for("aalto.test") == []
    async with create_sessionmaker(fresh.engine)() as session:
        run = await session.get_one(SyncRun, report.run_id)
    assert run.schools == ["esisar"]


async def test_a_dry_run_visits_but_writes_nothing(fresh: TestDatabase, web: FixtureServer) -> None:
    await seed(fresh.engine, two_schools(web))
    report = await sync_once(fresh, HOSTS, dry_run=True)
    assert (report.dry_run, report.status, report.run_id) == (True, SyncRunStatus.OK, None)
    assert report.counts == Counter({LinkStatus.OK: 2})
    assert len(web.requests_for("aalto.test", "/")) == 1
    for model in (SyncRun, LinkCheck, UrlHealth, Finding):
        assert await count_rows(fresh.engine, model) == 0


async def test_a_school_that_cannot_be_recorded_leaves_the_others_recorded(
    fresh: TestDatabase, web: FixtureServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalogue = two_schools(web)
    await seed(fresh.engine, catalogue)
    first = await sync_once(fresh, HOSTS)
    esisar_before = await health_of(fresh.engine, catalogue["esisar"][0])

    async def fail_for_esisar(session, *, school, **options):  # type: ignore[no-untyped-def]
        raised = await record_school(session, school=school, **options)
        if school.slug == "esisar":
            raise RuntimeError("disk full")
        return raised

    monkeypatch.setattr(sync_run, "record_school", fail_for_esisar)
    report = await sync_once(fresh, HOSTS)
    assert report.status is SyncRunStatus.PARTIAL
    errors = {school.slug: school.error for school in report.schools}
    assert errors == {"aalto": None, "esisar": "not recorded: RuntimeError: disk full"}
    # esisar's transaction was rolled back whole: no check of this run, its state as it was.
    esisar_checks = await checks_of(fresh.engine, catalogue["esisar"][0])
    assert [check.run_id for check in esisar_checks] == [first.run_id]
    esisar_after = await health_of(fresh.engine, catalogue["esisar"][0])
    assert esisar_after.checked_at == esisar_before.checked_at
    aalto_checks = await checks_of(fresh.engine, catalogue["aalto"][0])
    assert [check.run_id for check in aalto_checks] == [first.run_id, report.run_id]
    async with create_sessionmaker(fresh.engine)() as session:
        run = await session.get_one(SyncRun, report.run_id)
    assert run.errors == {"esisar": "not recorded: RuntimeError: disk full"}
    assert (run.links_total, run.links_checked) == (2, 1)


async def test_a_handler_failing_to_apply_keeps_the_link_health(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    catalogue = two_schools(web)
    await seed(fresh.engine, catalogue)
    handler = RecordingHandler(fail_for={"aalto"})
    report = await sync_once(fresh, HOSTS, handler=handler)
    assert report.status is SyncRunStatus.PARTIAL
    aalto, esisar = report.schools
    assert (aalto.recorded, aalto.facts) == (True, None)
    assert aalto.error == "pages not applied: ValueError: cannot read aalto's page"
    assert (esisar.recorded, esisar.error, esisar.facts) == (True, None, FactCounts())
    assert (await health_of(fresh.engine, catalogue["aalto"][0])).status is LinkStatus.OK
    assert sorted(slug for slug, _, _ in handler.calls) == ["aalto", "esisar"]


async def _data_version(db: TestDatabase) -> int:
    async with create_sessionmaker(db.engine)() as session:
        return await read_data_version(session)


async def test_a_run_moves_the_data_version_once_if_it_changed_something(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    # The API caches whole answers on the data version (decision 0125).
    await seed(fresh.engine, two_schools(web))
    seeded = await _data_version(fresh)
    await sync_once(fresh, HOSTS, dry_run=True)
    assert await _data_version(fresh) == seeded
    # Checks, link states and the run record are the visit log: nothing of the catalogue.
    await sync_once(fresh, HOSTS)
    assert await _data_version(fresh) == seeded
    # Both sites down for two runs: two dead-link findings, in two schools' transactions.
    for host in ("aalto.test", "esisar.test"):
        web.site(host).route("/", Page(b"gone", 404))
    await sync_once(fresh, HOSTS)
    assert await _data_version(fresh) == seeded
    report = await sync_once(fresh, HOSTS)
    assert report.findings == 2
    assert await _data_version(fresh) == seeded + 1
    # The findings now say "failed 3 runs in a row": a change, once for the run.
    await sync_once(fresh, HOSTS)
    assert await _data_version(fresh) == seeded + 2


async def test_a_handler_failing_to_read_keeps_the_link_health_and_the_other_schools(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    catalogue = two_schools(web)
    await seed(fresh.engine, catalogue)
    handler = RecordingHandler(fail_reading={"esisar"})
    report = await sync_once(fresh, HOSTS, handler=handler)
    assert report.status is SyncRunStatus.PARTIAL
    errors = {school.slug: (school.recorded, school.error) for school in report.schools}
    assert errors == {
        "aalto": (True, None),
        "esisar": (True, "pages not read: ValueError: cannot parse esisar's page"),
    }
    assert (await health_of(fresh.engine, catalogue["esisar"][0])).status is LinkStatus.OK
    assert [slug for slug, _, _ in handler.calls] == ["aalto"]


async def test_a_second_run_over_unchanged_pages_is_answered_by_304s_and_changes_nothing(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    web.site("aalto.test").page(
        "/", healthy_html("Aalto"), last_modified="Mon, 02 Mar 2020 10:00:00 GMT"
    )
    web.site("esisar.test").page("/", healthy_html("Esisar"), etag='"e1"')
    catalogue = {"aalto": [web.url("aalto.test")], "esisar": [web.url("esisar.test")]}
    await seed(fresh.engine, catalogue)
    handler = RecordingHandler()
    first = await sync_once(fresh, HOSTS, handler=handler)
    states = {
        url: await health_of(fresh.engine, url) for urls in catalogue.values() for url in urls
    }
    calls = len(handler.calls)
    second = await sync_once(fresh, HOSTS, handler=handler)

    assert (first.status, second.status) == (SyncRunStatus.OK, SyncRunStatus.OK)
    assert len(handler.calls) == calls == 2  # nothing new to extract
    for url, before in states.items():
        after = await health_of(fresh.engine, url)
        assert (after.status, after.http_status) == (LinkStatus.OK, 304)
        assert (after.etag, after.last_modified, after.final_url) == (
            before.etag,
            before.last_modified,
            before.final_url,
        )
        assert after.consecutive_failures == 0
    assert [r.headers.get("if-modified-since") for r in web.requests_for("aalto.test", "/")] == [
        None,
        "Mon, 02 Mar 2020 10:00:00 GMT",
    ]
    assert [r.headers.get("if-none-match") for r in web.requests_for("esisar.test", "/")] == [
        None,
        '"e1"',
    ]
    assert await count_rows(fresh.engine, Finding) == 0


async def test_a_url_shared_by_two_schools_is_fetched_once_and_counted_once(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    # The FAQ links ENSEIRB-MATMECA to an Esisar page: one URL, two owners.
    web.site("esisar.test").route("/cycle", Page(b"", status=404))
    shared = web.url("esisar.test", "/cycle")
    await seed(fresh.engine, {"enseirb": [shared], "esisar": [shared]})
    report = await sync_once(fresh, HOSTS)
    assert len(web.requests_for("esisar.test", "/cycle")) == 1
    assert report.counts == Counter({LinkStatus.BROKEN: 2})
    assert len(await checks_of(fresh.engine, shared)) == 2
    assert (await health_of(fresh.engine, shared)).consecutive_failures == 1


async def test_a_link_dead_for_n_runs_becomes_a_finding_and_is_resolved_when_it_recovers(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    site = web.site("aalto.test").route("/", Page(b"", status=404))
    url = web.url("aalto.test")
    schools = await seed(fresh.engine, {"aalto": [url]})

    async def findings() -> list[Finding]:
        async with create_sessionmaker(fresh.engine)() as session:
            return list(await session.scalars(select(Finding)))

    await sync_once(fresh, HOSTS)
    assert await findings() == []  # one failure is not yet a dead link (threshold 2)
    await sync_once(fresh, HOSTS)
    [finding] = await findings()
    assert (finding.kind, finding.origin, finding.severity) == (
        "dead_link",
        "sync",
        FindingSeverity.WARNING,
    )
    assert finding.message == f"{url} has failed 2 runs in a row (BROKEN: HTTP 404 Not Found)"
    assert (finding.school_id, finding.resolved_at) == (schools["aalto"].id, None)
    assert finding.detail["consecutive_failures"] == 2

    site.page("/", healthy_html("Aalto"))
    await sync_once(fresh, HOSTS)
    [resolved] = await findings()
    assert resolved.fingerprint == finding.fingerprint
    assert resolved.resolved_at is not None
    assert (await health_of(fresh.engine, url)).consecutive_failures == 0

    site.route("/", Page(b"", status=410))
    await sync_once(fresh, HOSTS)
    await sync_once(fresh, HOSTS)
    [reopened] = await findings()
    assert (reopened.id, reopened.resolved_at) == (finding.id, None)
    assert "(GONE: 410 Gone)" in reopened.message


async def test_an_https_version_of_an_http_link_is_noticed(
    fresh: TestDatabase, web: FixtureServer, authority: trustme.CA
) -> None:
    async with FixtureServer(tls=server_context(authority, "aalto.test")) as secure:
        secure.site("aalto.test").page("/en", healthy_html("Aalto"))
        web.site("aalto.test").route("/", redirect(secure.url("aalto.test", "/en"), status=301))
        url = web.url("aalto.test")
        schools = await seed(fresh.engine, {"aalto": [url]})
        await sync_once(fresh, HOSTS, ssl_context=client_context(authority))
    health = await health_of(fresh.engine, url)
    assert (health.status, health.https_url) == (
        LinkStatus.REDIRECTED,
        secure.url("aalto.test", "/en"),
    )
    async with create_sessionmaker(fresh.engine)() as session:
        [finding] = await session.scalars(select(Finding))
    assert (finding.kind, finding.severity, finding.school_id) == (
        "https_available",
        FindingSeverity.INFO,
        schools["aalto"].id,
    )
    assert finding.message == f"{url} is also served over https: {health.https_url}"


async def test_a_run_killed_earlier_is_closed_as_interrupted_by_the_next(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, two_schools(web))
    async with create_sessionmaker(fresh.engine)() as session:
        killed = SyncRun(status=SyncRunStatus.RUNNING, started_at=datetime(2026, 3, 1, tzinfo=UTC))
        session.add(killed)
        await session.commit()
    report = await sync_once(fresh, HOSTS)
    async with create_sessionmaker(fresh.engine)() as session:
        old = await session.get_one(SyncRun, killed.id)
        new = await session.get_one(SyncRun, report.run_id)
    assert (old.status, old.error) == (SyncRunStatus.FAILED, INTERRUPTED)
    assert new.status is SyncRunStatus.OK


async def test_a_partner_with_no_link_is_in_the_runs_table_and_record_as_skipped(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    await seed(fresh.engine, {**two_schools(web), "ensim": []})
    report = await sync_once(fresh, HOSTS)
    assert report.status is SyncRunStatus.OK
    assert [(s.slug, s.skipped) for s in report.schools] == [
        ("aalto", None),
        ("ensim", "no links"),
        ("esisar", None),
    ]
    assert (report.links_total, report.links_checked) == (2, 2)
    table = format_summary(report).splitlines()
    assert [line.split()[0] for line in table[1:4]] == ["aalto", "ensim", "esisar"]
    assert table[2].split() == [
        "ensim",
        "0/0",
        "-",
        "-",
        "-",
        "-",
        "-",
        "-",
        "skipped:",
        "no",
        "links",
    ]
    async with create_sessionmaker(fresh.engine)() as session:
        run = await session.get_one(SyncRun, report.run_id)
    assert (run.skipped, run.errors) == ({"ensim": "no links"}, {})
