"""Acceptance of issue 6: a sync fills the schools' facts from their partners' pages.

Three partner sites on the fixture server (Aalto, read by its site adapter; Ensimag, by its own;
the University of Calabria, by the generic extractors), serving the labelled fixture pages under
their real host names (a mapping resolver sends them to 127.0.0.1). Four runs, on SQLite and
PostgreSQL:

1. every page is new: deadlines, language levels, credits and contacts are stored with their
   sources;
2. nothing changed: every page answers 304 and no value changes;
3. Ensimag's page is redesigned (its values vanish) and Calabria's site fails;
4. the same again: Calabria's link is now a dead link; Ensimag's page is read in full again.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from scrapers.fetch import MappingResolver
from scrapers.reconcile.findings import CONTRADICTS_CATALOGUE, LAYOUT_CHANGED
from scrapers.sync.handler import FactCounts
from scrapers.sync.report import format_summary
from scrapers.sync.run import SyncReport
from scrapers.sync.school_facts import read_school_facts
from service.catalogue.school_info import load_school_info
from service.db.engine import create_sessionmaker
from service.db.models import (
    Finding,
    School,
    SchoolFact,
    SchoolFactChange,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)
from tests.databases import BACKENDS, TestDatabase, migrated_database
from tests.factories import make_link, make_override, make_school
from tests.scrapers.extract.fixture_pages import PAGES, read_page
from tests.scrapers.fixture_server import FixtureServer, Page
from tests.scrapers.sync.conftest import count_rows, sync_once, sync_settings

AALTO = ("www.aalto.fi", "/en/study-at-aalto/incoming-exchange-students")
ENSIMAG = ("ensimag.grenoble-inp.fr", "/fr/international/venir-en-echange-a-l-ensimag")
UNICAL = ("www.unical.it", "/portale/international/incoming/")
HOSTS = MappingResolver({host: ["127.0.0.1"] for host, _ in (AALTO, ENSIMAG, UNICAL)})
PAGE_OF = {
    "aalto": "aalto-incoming-exchange-en",
    "ensimag": "ensimag-venir-en-echange-fr",
    "unical": "unical-incoming-students-it",
}
#: What an admin corrected: Ensimag's autumn application deadline.
OVERRIDE = {"kind": "application", "semester": "autumn", "date": "2025-05-15", "opens": None}
STUDENT_FIELDS = ("deadline", "language_requirement", "credits", "email", "phone")
EXCHANGE_FIELDS = ["credits", "deadline", "duration", "email", "language_requirement"]


@dataclass(frozen=True, slots=True)
class Stored:
    """A stored fact, every column but the ids."""

    value: dict[str, object]
    source_url: str
    fetched_at: datetime
    extractor: str
    snippet: str
    stale: bool
    stale_since: datetime | None
    last_good_at: datetime


@dataclass(frozen=True, slots=True)
class State:
    """What the database holds after a run."""

    report: SyncReport
    facts: dict[str, dict[tuple[str, str], Stored]]
    changes: int
    findings: list[tuple[str, str, bool]]
    checked_at: dict[str, datetime]
    http_status: dict[str, int | None]


@dataclass(frozen=True, slots=True)
class Runs:
    db: TestDatabase
    web: FixtureServer
    urls: dict[str, str]
    ids: dict[str, int]
    states: list[State]


def labelled(name: str) -> dict[tuple[str, str], object]:
    """The facts a careful reader finds on a fixture page (labels.json)."""
    labels = json.loads((PAGES / "labels.json").read_text(encoding="utf-8"))
    [page] = [page for page in labels["pages"] if page["file"] == f"{name}.html"]
    return {(fact["field"], fact["key"]): fact.get("value") for fact in page["facts"]}


async def seed_partners(engine: AsyncEngine, urls: dict[str, str]) -> dict[str, int]:
    async with create_sessionmaker(engine)() as session:
        aalto = await make_school(
            session, slug="aalto", name="Aalto University", city="Helsinki", country_code="FI"
        )
        ensimag = await make_school(session, slug="ensimag", name="ENSIMAG", city="Grenoble")
        unical = await make_school(
            session, slug="unical", name="University of Calabria", city="Rende", country_code="IT"
        )
        schools = {"aalto": aalto, "ensimag": ensimag, "unical": unical}
        for slug, school in schools.items():
            await make_link(session, url=urls[slug], school=school)
        await make_override(
            session, school=ensimag, field="deadline", key="application/autumn", value=OVERRIDE
        )
        await session.commit()
        return {slug: school.id for slug, school in schools.items()}


def serve_partner_pages(web: FixtureServer) -> dict[str, str]:
    """The three partners' fixture pages on ``web``; their URLs by slug."""
    for slug, (host, path) in (("aalto", AALTO), ("ensimag", ENSIMAG), ("unical", UNICAL)):
        web.site(host).page(path, read_page(PAGE_OF[slug]), etag=f'"{slug}-v1"')
    return {
        slug: web.url(*site) for slug, site in zip(PAGE_OF, (AALTO, ENSIMAG, UNICAL), strict=True)
    }


async def read_state(db: TestDatabase, report: SyncReport, ids: dict[str, int]) -> State:
    async with create_sessionmaker(db.engine)() as session:
        facts: dict[str, dict[tuple[str, str], Stored]] = {slug: {} for slug in ids}
        slugs = {school_id: slug for slug, school_id in ids.items()}
        for row in await session.scalars(select(SchoolFact).order_by(SchoolFact.id)):
            facts[slugs[row.school_id]][(row.field, row.key)] = Stored(
                row.value,
                row.source_url,
                row.fetched_at,
                row.extractor,
                row.snippet,
                row.stale,
                row.stale_since,
                row.last_good_at,
            )
        changes = await session.scalar(select(func.count()).select_from(SchoolFactChange))
        findings = [
            (slugs[f.school_id or 0], f.kind, f.resolved_at is None)
            for f in await session.scalars(select(Finding).order_by(Finding.id))
        ]
        health = list(await session.scalars(select(UrlHealth)))
    checked = {h.url: h.checked_at for h in health}
    return State(
        report, facts, changes or 0, findings, checked, {h.url: h.http_status for h in health}
    )


@pytest.fixture(scope="module", params=BACKENDS)
async def runs(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Runs]:
    async with (
        migrated_database(request.param, tmp_path_factory.mktemp("facts")) as db,
        FixtureServer() as web,
    ):
        urls = serve_partner_pages(web)
        ids = await seed_partners(db.engine, urls)
        states = []
        for run in range(4):
            if run == 2:
                redesign = read_page("ensimag-venir-en-echange-fr-redesign")
                web.site(ENSIMAG[0]).page(ENSIMAG[1], redesign, etag='"ensimag-v2"')
                web.site(UNICAL[0]).route(UNICAL[1], Page(b"<p>Pagina non trovata</p>", 404))
            report = await sync_once(db, HOSTS)
            states.append(await read_state(db, report, ids))
        yield Runs(db, web, urls, ids, states)


def test_the_first_run_fills_deadlines_language_levels_credits_and_contacts(runs: Runs) -> None:
    first = runs.states[0]
    for slug, name in PAGE_OF.items():
        stored = {
            key: fact.value for key, fact in first.facts[slug].items() if key[0] in STUDENT_FIELDS
        }
        expected = {key: v for key, v in labelled(name).items() if key[0] in STUDENT_FIELDS}
        assert set(stored) == set(expected), slug
        for key, value in expected.items():
            if key[0] in ("deadline", "language_requirement", "credits"):
                assert stored[key] == value, (slug, key)
    assert first.report.status is SyncRunStatus.OK
    assert first.report.facts == FactCounts(
        changed=sum(len(facts) for facts in first.facts.values()), findings=2
    )
    assert first.changes == first.report.facts.changed


def test_every_value_keeps_its_source_page_fetch_time_and_extractor(runs: Runs) -> None:
    first = runs.states[0]
    for slug, facts in first.facts.items():
        url = runs.urls[slug]
        assert {fact.source_url for fact in facts.values()} == {url}
        assert {fact.fetched_at for fact in facts.values()} == {first.checked_at[url]}
        assert all(fact.snippet for fact in facts.values())
    # The site adapter is chosen by the page's host: Aalto's and Ensimag's read their pages.
    extractors = {
        slug: facts[("deadline", "application/autumn")].extractor
        for slug, facts in first.facts.items()
    }
    assert extractors == {
        "aalto": "aalto/deadlines",
        "ensimag": "ensimag/deadlines",
        "unical": "generic/deadlines",
    }
    deadline = first.facts["unical"][("deadline", "application/autumn")]
    assert (deadline.value["date"], deadline.stale, deadline.last_good_at) == (
        "2025-06-15",
        False,
        deadline.fetched_at,
    )


def test_the_second_run_over_unchanged_pages_answers_304_and_changes_nothing(
    runs: Runs,
) -> None:
    first, second = runs.states[0], runs.states[1]
    for slug, site in zip(PAGE_OF, (AALTO, ENSIMAG, UNICAL), strict=True):
        requests = runs.web.requests_for(*site)
        assert requests[1].headers.get("if-none-match") == f'"{slug}-v1"'
        assert second.http_status[runs.urls[slug]] == 304
    stored = sum(len(facts) for facts in first.facts.values())
    assert second.report.facts == FactCounts(changed=0, confirmed=stored)
    assert second.changes == first.changes
    assert second.findings == first.findings
    for slug, facts in second.facts.items():
        checked = second.checked_at[runs.urls[slug]]
        for key, fact in facts.items():
            # Only the confirmation moves: value, provenance and fetch time are as read.
            assert fact.last_good_at == checked
            assert fact == replace(first.facts[slug][key], last_good_at=checked)
    assert format_summary(second.report).splitlines()[-1] == (
        f"run {second.report.run_id}: OK, 3 of 3 links checked, 3 reached, 0 facts changed"
    )


def test_a_page_whose_layout_changed_keeps_its_last_good_values_marked_stale(
    runs: Runs,
) -> None:
    second, third = runs.states[1], runs.states[2]
    before, after = second.facts["ensimag"], third.facts["ensimag"]
    vanished = {key for key in before if key[0] in EXCHANGE_FIELDS}
    assert {key for key, fact in after.items() if fact.stale} == vanished
    for key in vanished:
        assert after[key].value == before[key].value
        assert after[key].last_good_at == before[key].last_good_at
        assert after[key].stale_since is not None
    assert after[("phone", "+33476827200")].stale is False  # the footer still gives it
    assert ("ensimag", LAYOUT_CHANGED, True) in third.findings


async def test_the_layout_finding_names_the_fields_that_vanished(runs: Runs) -> None:
    async with create_sessionmaker(runs.db.engine)() as session:
        [finding] = await session.scalars(select(Finding).where(Finding.kind == LAYOUT_CHANGED))
    assert finding.detail == {"url": runs.urls["ensimag"], "fields": EXCHANGE_FIELDS}
    assert finding.school_id == runs.ids["ensimag"]


def test_a_failing_site_marks_only_its_school_stale(runs: Runs) -> None:
    second, third = runs.states[1], runs.states[2]
    unical = third.facts["unical"]
    assert all(fact.stale for fact in unical.values())
    assert {key: f.value for key, f in unical.items()} == {
        key: f.value for key, f in second.facts["unical"].items()
    }
    # Aalto, on another site, is confirmed and otherwise untouched.
    checked = third.checked_at[runs.urls["aalto"]]
    assert third.facts["aalto"] == {
        key: replace(fact, last_good_at=checked) for key, fact in second.facts["aalto"].items()
    }
    assert third.changes == second.changes + 1  # Ensimag's redesigned page has a new logo
    counts = {school.slug: school.facts for school in third.report.schools}
    assert counts["unical"] == FactCounts(marked_stale=len(unical))
    assert counts["aalto"] == FactCounts(confirmed=len(third.facts["aalto"]))


def test_a_dead_link_is_one_finding_not_two(runs: Runs) -> None:
    third, fourth = runs.states[2], runs.states[3]
    # One failure is not yet a dead link (SYNC_DEAD_LINK_RUNS is 2 here), and the values'
    # staleness needs no finding of its own; the second failure makes the dead link.
    assert [kind for slug, kind, _ in third.findings if slug == "unical"] == []
    assert [kind for slug, kind, _ in fourth.findings if slug == "unical"] == ["dead_link"]


def test_a_page_with_an_open_finding_is_read_in_full_until_it_is_resolved(runs: Runs) -> None:
    ensimag = runs.web.requests_for(*ENSIMAG)
    assert [r.headers.get("if-none-match") for r in ensimag] == [
        None,
        '"ensimag-v1"',
        '"ensimag-v1"',
        None,  # the layout_changed finding is open: no 304 may hide a fixed adapter
    ]
    assert runs.web.requests_for(*AALTO)[3].headers.get("if-none-match") == '"aalto-v1"'
    # Read again, the redesigned page confirms what it still gives (phone, description, logo)
    # and adds nothing: the finding stays open until the page or its adapter changes.
    fourth = runs.states[3]
    assert next(s.facts for s in fourth.report.schools if s.slug == "ensimag") == FactCounts(
        confirmed=3
    )
    assert ("ensimag", LAYOUT_CHANGED, True) in fourth.findings


async def test_an_admin_override_beats_the_scraped_value(runs: Runs) -> None:
    scraped = runs.states[0].facts["ensimag"][("deadline", "application/autumn")]
    assert scraped.value["date"] == "2025-05-01"  # stored beside the override, not over it
    async with create_sessionmaker(runs.db.engine)() as session:
        [info] = await load_school_info(session, [runs.ids["ensimag"]])
        [finding] = await session.scalars(
            select(Finding).where(
                Finding.school_id == runs.ids["ensimag"], Finding.kind == CONTRADICTS_CATALOGUE
            )
        )
    served = next(v for v in info.deadlines if v.key == "application/autumn")
    assert (served.source, served.value.to_json()) == ("override", OVERRIDE)
    assert finding.detail["catalogue"] == OVERRIDE
    assert finding.detail["catalogue_source"] == "override"


async def test_a_curated_value_the_page_disagrees_with_is_a_finding_not_an_overwrite(
    runs: Runs,
) -> None:
    async with create_sessionmaker(runs.db.engine)() as session:
        aalto = await session.get_one(School, runs.ids["aalto"])
        [info] = await load_school_info(session, [aalto.id])
        [finding] = await session.scalars(
            select(Finding).where(
                Finding.school_id == aalto.id, Finding.kind == CONTRADICTS_CATALOGUE
            )
        )
    assert aalto.city == "Helsinki"
    city = info.identity_of("city")
    assert city is not None
    assert (city.source, city.value.to_json()) == ("curated", {"value": "Helsinki"})
    assert (finding.detail["scraped"], finding.detail["catalogue"]) == ("Espoo", "Helsinki")
    assert finding.resolved_at is None


async def test_each_run_records_what_it_did_to_the_facts(runs: Runs) -> None:
    async with create_sessionmaker(runs.db.engine)() as session:
        records = list(await session.scalars(select(SyncRun).order_by(SyncRun.id)))
    assert [record.facts for record in records] == [
        state.report.facts_record() for state in runs.states
    ]
    stored = sum(len(facts) for facts in runs.states[0].facts.values())
    assert records[1].facts == {"changed": 0, "confirmed": stored, "marked_stale": 0, "findings": 0}
    # Run 3: Ensimag's layout change; run 4: Calabria's dead link, from the link health.
    assert [record.facts["findings"] for record in records] == [2, 0, 1, 1]
    unical = next(school for school in runs.states[3].report.schools if school.slug == "unical")
    assert (unical.findings, unical.facts) == (1, FactCounts())


async def test_a_dry_run_says_what_would_change_and_writes_nothing(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    web.site(UNICAL[0]).page(UNICAL[1], read_page(PAGE_OF["unical"]), etag='"u1"')
    async with create_sessionmaker(fresh.engine)() as session:
        school = await make_school(
            session, slug="unical", name="University of Calabria", country_code="IT"
        )
        await make_link(session, url=web.url(*UNICAL), school=school)
        await session.commit()

    dry = await sync_once(fresh, HOSTS, dry_run=True, handler=read_school_facts)
    for model in (SchoolFact, SchoolFactChange, Finding, SyncRun, UrlHealth):
        assert await count_rows(fresh.engine, model) == 0
    real = await sync_once(fresh, HOSTS)

    assert dry.facts.changed == real.facts.changed == await count_rows(fresh.engine, SchoolFact)
    assert dry.facts == real.facts
    assert format_summary(dry).splitlines()[-1] == (
        "dry run (nothing written): OK, 1 of 1 links checked, 1 reached, "
        f"{dry.facts.changed} facts would change"
    )


async def _seed_unical(db: TestDatabase, web: FixtureServer) -> None:
    async with create_sessionmaker(db.engine)() as session:
        school = await make_school(
            session, slug="unical", name="University of Calabria", country_code="IT"
        )
        await make_link(session, url=web.url(*UNICAL), school=school)
        await session.commit()


async def _stale(db: TestDatabase) -> set[bool]:
    async with create_sessionmaker(db.engine)() as session:
        return set(await session.scalars(select(SchoolFact.stale)))


async def test_a_page_back_after_a_failure_is_read_in_full_and_its_values_are_fresh_again(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    site = web.site(UNICAL[0]).page(UNICAL[1], read_page(PAGE_OF["unical"]), etag='"u1"')
    await _seed_unical(fresh, web)
    await sync_once(fresh, HOSTS)
    site.route(UNICAL[1], Page(b"", status=404))
    await sync_once(fresh, HOSTS)
    assert await _stale(fresh) == {True}
    site.page(UNICAL[1], read_page(PAGE_OF["unical"]), etag='"u1"')  # back, unchanged

    back = await sync_once(fresh, HOSTS)

    # Asked with the old ETag, the site would answer 304, which confirms nothing stale.
    requests = web.requests_for(*UNICAL)
    assert [r.headers.get("if-none-match") for r in requests] == [None, '"u1"', None]
    assert await _stale(fresh) == {False}
    assert back.facts.changed == 0


async def test_refetch_reads_unchanged_pages_in_full(
    fresh: TestDatabase, web: FixtureServer
) -> None:
    web.site(UNICAL[0]).page(UNICAL[1], read_page(PAGE_OF["unical"]), etag='"u1"')
    await _seed_unical(fresh, web)
    first = await sync_once(fresh, HOSTS)
    again = await sync_once(fresh, HOSTS, refetch=True)
    assert [r.headers.get("if-none-match") for r in web.requests_for(*UNICAL)] == [None, None]
    assert again.facts == FactCounts(confirmed=first.facts.changed)


async def test_a_run_extracting_in_a_pool_of_processes_stores_what_one_process_would(
    fresh: TestDatabase,
) -> None:
    async with FixtureServer() as web:
        urls = serve_partner_pages(web)
        ids = await seed_partners(fresh.engine, urls)
        pooled = await sync_once(
            fresh, HOSTS, settings=sync_settings(fresh, sync_extract_processes=2), handler=None
        )
        state = await read_state(fresh, pooled, ids)
        # Every page read in full again, in the test's own process: nothing to change.
        again = await sync_once(fresh, HOSTS, refetch=True, handler=read_school_facts)
    assert pooled.status is SyncRunStatus.OK
    assert pooled.facts.changed == sum(len(facts) for facts in state.facts.values()) > 0
    assert {f.extractor for f in state.facts["aalto"].values() if f.extractor.startswith("aalto")}
    assert (again.status, again.facts.changed, again.facts.confirmed) == (
        SyncRunStatus.OK,
        0,
        pooled.facts.changed,
    )
