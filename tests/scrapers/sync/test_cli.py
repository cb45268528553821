"""``mobility sync`` and ``mobility try`` as a user runs them: exit codes, messages, summaries.

Exit codes and messages are checked in this process (``tests/in_process.py``, in a thread, since
the command runs its own event loop); the end-to-end sync and the killed run start real
processes. The commands resolve names with the system resolver, so the fixture sites are reached
by address (``http://127.0.0.1:PORT/…``); the allowlist lets 127.0.0.1 through, as the tests need.
"""

from __future__ import annotations

import asyncio
import signal
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest
from sqlalchemy import select

from scrapers.sync.lock import hold_run_lock
from scrapers.sync.runs import INTERRUPTED
from service.db.engine import create_sessionmaker
from service.db.migrate import head_revision
from service.db.models import LinkCheck, School, SchoolFact, SyncRun, SyncRunStatus
from tests.databases import TestDatabase
from tests.factories import make_link, make_school
from tests.in_process import run_main
from tests.processes import crawler_env, run_mobility
from tests.scrapers.extract.fixture_pages import read_page
from tests.scrapers.faults import hang_after_headers, healthy_html
from tests.scrapers.fixture_server import FixtureServer, Page
from tests.scrapers.sync.conftest import count_rows, seed, until_free

LOCAL = "127.0.0.1"


def environment(db: TestDatabase | None, **extra: str) -> dict[str, str]:
    """A crawling command's environment (the end-to-end run drops ``SYNC_EXTRACT_PROCESSES``
    to keep its default pool)."""
    settings = {
        "FETCH_PAGE_TIMEOUT": "2",
        "FETCH_RETRY_AFTER_CAP": "1",
        "SYNC_LEASE_TTL": "1",
        **extra,
    }
    return crawler_env(None if db is None else db.url, **settings)


async def mobility(*args: str, env: Mapping[str, str], cwd: Path) -> tuple[int, str, str]:
    """``mobility *args`` in this process (a thread: the command runs its own event loop)."""
    done = await asyncio.to_thread(run_main, *args, cwd=cwd, env=env)
    return done.returncode, done.stdout, done.stderr


def local_site(web: FixtureServer) -> dict[str, list[str]]:
    site = web.site(LOCAL)
    site.page("/aalto", healthy_html("Aalto"), etag='"a1"')
    site.page("/esisar", healthy_html("Esisar"), etag='"e1"')
    return {"aalto": [web.url(LOCAL, "/aalto")], "esisar": [web.url(LOCAL, "/esisar")]}


LOOPBACK = {"FETCH_ALLOWED_NETWORKS": "127.0.0.1/32"}


async def test_sync_checks_every_link_prints_a_summary_and_exits_0(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    await seed(fresh.engine, local_site(web))
    code, out, err = await mobility("sync", env=environment(fresh, **LOOPBACK), cwd=tmp_path)
    assert code == 0, err
    lines = out.splitlines()
    cells = [line.split() for line in lines]
    assert cells[0] == [
        "school", "checked", "reached", "time", "changed", "confirmed", "stale", "findings",
        "statuses",
    ]  # fmt: skip
    # Each row without its time ("0.1 s"): school, checked/links, reached, facts, statuses.
    # These pages hold nothing about the schools (the acceptance test has pages that do).
    assert [row[:3] + row[5:] for row in (cells[1], cells[2], cells[4])] == [
        ["aalto", "1/1", "1", "0", "0", "0", "0", "OK", "1"],
        ["esisar", "1/1", "1", "0", "0", "0", "0", "OK", "1"],
        ["total", "2/2", "2", "0", "0", "0", "0", "OK", "2"],
    ]
    # Two pages and one robots.txt (the same host), all answered.
    assert lines[-2].startswith("stats: 3 requests, ")
    assert "statuses 200 2, 404 1, 0 retries, 0 robots refusals" in lines[-2]
    assert lines[-1] == "run 1: OK, 2 of 2 links checked, 2 reached, 0 facts changed"
    again, out, _ = await mobility("sync", env=environment(fresh, **LOOPBACK), cwd=tmp_path)
    assert (again, out.splitlines()[-1]) == (
        0,
        "run 2: OK, 2 of 2 links checked, 2 reached, 0 facts changed",
    )
    assert [r.headers.get("if-none-match") for r in web.requests_for(LOCAL, "/aalto")] == [
        None,
        '"a1"',
    ]


async def test_a_partial_run_exits_4(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    catalogue = local_site(web)
    web.site(LOCAL).route("/esisar", Page(b"", status=503, headers=(("Retry-After", "600"),)))
    await seed(fresh.engine, catalogue)
    code, out, _ = await mobility("sync", env=environment(fresh, **LOOPBACK), cwd=tmp_path)
    assert code == 4
    assert out.splitlines()[-1] == (
        "run 1: PARTIAL, 1 of 2 links checked, 1 reached, 0 facts changed "
        "(1 deferred to the next run)"
    )


async def test_a_run_in_progress_makes_the_second_exit_5(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    await seed(fresh.engine, local_site(web))
    async with hold_run_lock(fresh.engine, 30):
        code, out, err = await mobility("sync", env=environment(fresh, **LOOPBACK), cwd=tmp_path)
    assert (code, out) == (5, "")
    assert err.startswith("mobility: error: a sync run is already in progress")
    assert len(err.strip().splitlines()) == 1
    assert web.requests == []


async def test_dry_run_and_school_selection(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    await seed(fresh.engine, local_site(web))
    env = environment(fresh, **LOOPBACK)
    code, out, _ = await mobility("sync", "--dry-run", "--school", "esisar", env=env, cwd=tmp_path)
    assert code == 0
    assert out.splitlines()[-1] == (
        "dry run (nothing written): OK, 1 of 1 links checked, 1 reached, 0 facts would change"
    )
    assert [r.path for r in web.requests] == ["/robots.txt", "/esisar"]
    assert await count_rows(fresh.engine, SyncRun) == 0
    code, out, err = await mobility("sync", "--school", "nowhere", env=env, cwd=tmp_path)
    assert (code, out, err) == (2, "", "mobility: error: no school with the slug 'nowhere'\n")


async def test_sync_without_a_contact_url_refuses_to_start(
    fresh: TestDatabase, tmp_path: Path
) -> None:
    env = environment(fresh, **LOOPBACK)
    del env["FETCH_CONTACT_URL"]
    code, _, err = await mobility("sync", env=env, cwd=tmp_path)
    assert code == 2
    assert err.startswith("mobility: error: FETCH_CONTACT_URL is not set")


async def test_sync_on_an_unmigrated_database_says_to_upgrade(tmp_path: Path) -> None:
    database = tmp_path / "empty.sqlite3"
    env = environment(None, DATABASE_URL=f"sqlite:///{database}", **LOOPBACK)
    code, out, err = await mobility("sync", env=env, cwd=tmp_path)
    assert (code, out) == (3, "")
    assert err == (
        f"mobility: error: the database at sqlite+aiosqlite:///{database} is not migrated "
        f"(empty, head is {head_revision()}): run `mobility db upgrade`\n"
    )


async def test_a_killed_run_keeps_what_it_committed_and_does_not_block_the_next(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    catalogue = local_site(web)
    web.site(LOCAL).route("/esisar", hang_after_headers)
    await seed(fresh.engine, catalogue)
    env = environment(fresh, **LOOPBACK, FETCH_PAGE_TIMEOUT="120")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "service.cli.main", "sync", env=env, cwd=tmp_path,
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # aalto is recorded while esisar hangs; then the run is killed.
        for _ in range(600):
            if await count_rows(fresh.engine, LinkCheck) == 1:
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail("the first school was never recorded")
    finally:
        process.send_signal(signal.SIGKILL)
        await process.wait()

    web.site(LOCAL).page("/esisar", healthy_html("Esisar"))
    await until_free(fresh, 30)
    code, _, err = await mobility("sync", env=environment(fresh, **LOOPBACK), cwd=tmp_path)
    assert code == 0, err
    async with create_sessionmaker(fresh.engine)() as session:
        runs = list(await session.scalars(select(SyncRun).order_by(SyncRun.id)))
        checks = list(await session.scalars(select(LinkCheck).order_by(LinkCheck.id)))
    assert [(run.status, run.error) for run in runs] == [
        (SyncRunStatus.FAILED, INTERRUPTED),
        (SyncRunStatus.OK, None),
    ]
    assert [(check.run_id, check.url) for check in checks] == [
        (runs[0].id, catalogue["aalto"][0]),
        (runs[1].id, catalogue["aalto"][0]),
        (runs[1].id, catalogue["esisar"][0]),
    ]


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:{port}/aalto", "127.0.0.1 is not a public address (loopback)"),
        ("http://[::1]:{port}/", "::1 is not a public address (loopback)"),
        (
            "http://169.254.169.254/latest/meta-data/",
            (
                "169.254.169.254 is not a public address "
                "(link-local, where cloud metadata services live)"
            ),
        ),
    ],
)
async def test_try_refuses_non_public_addresses_when_the_allowlist_is_empty(
    web: FixtureServer, tmp_path: Path, url: str, reason: str
) -> None:
    local_site(web)
    target = url.format(port=web.port)
    code, out, err = await mobility("try", target, env=environment(None), cwd=tmp_path)
    assert (code, out) == (2, "")
    assert err == f"mobility: error: refused to fetch {target}: {reason}: nothing sent\n"
    assert web.requests == []


async def test_try_shows_what_it_fetched_and_writes_nothing(
    web: FixtureServer, tmp_path: Path
) -> None:
    local_site(web)
    target = web.url(LOCAL, "/aalto")
    code, out, err = await mobility("try", target, env=environment(None, **LOOPBACK), cwd=tmp_path)
    assert code == 0, err
    facts = [line.split(None, 1) for line in out.splitlines()]
    assert ["url", target] in facts
    assert ["status", "OK (HTTP 200)"] in facts
    assert ["header", 'etag: "a1"'] in facts
    assert ["encoding", "UTF-8 (from header)"] in facts
    assert ["title", "Aalto: mobilité entrante"] in facts
    assert not (tmp_path / "var").exists()


async def test_try_on_a_missing_page_exits_1(web: FixtureServer, tmp_path: Path) -> None:
    target = web.url(LOCAL, "/nowhere")
    code, out, _ = await mobility("try", target, env=environment(None, **LOOPBACK), cwd=tmp_path)
    assert code == 1
    assert "status  BROKEN (HTTP 404)" in out


UNICAL_PATH = "/portale/international/incoming/"
SHERBROOKE_PATH = "/international/fr/etudiants-internationaux/echange"


async def _facts_by_school(fresh: TestDatabase) -> dict[str, dict[tuple[str, str], SchoolFact]]:
    async with create_sessionmaker(fresh.engine)() as session:
        rows = await session.execute(
            select(SchoolFact, School.slug).join(School, School.id == SchoolFact.school_id)
        )
        found: dict[str, dict[tuple[str, str], SchoolFact]] = {}
        for fact, slug in rows.all():
            found.setdefault(slug, {})[(fact.field, fact.key)] = fact
        return found


def _fact_cells(out: str) -> dict[str, list[str]]:
    """School → its changed, confirmed, stale and findings cells in the summary."""
    rows = (line.split() for line in out.splitlines()[1:-2] if not line.startswith("---"))
    return {cells[0]: cells[5:9] for cells in rows}


@pytest.mark.long
async def test_sync_reads_the_partners_pages_and_a_second_run_changes_nothing(
    fresh: TestDatabase, web: FixtureServer, tmp_path: Path
) -> None:
    async with FixtureServer() as other:
        web.site(LOCAL).page(UNICAL_PATH, read_page("unical-incoming-students-it"), etag='"u1"')
        sherbrooke_page = read_page("usherbrooke-etudiants-echange-fr")
        other.site(LOCAL).page(SHERBROOKE_PATH, sherbrooke_page, etag='"s1"')
        urls = {
            "unical": web.url(LOCAL, UNICAL_PATH),
            "usherbrooke": other.url(LOCAL, SHERBROOKE_PATH),
        }
        async with create_sessionmaker(fresh.engine)() as session:
            for slug, name, country in (
                ("unical", "University of Calabria", "IT"),
                ("usherbrooke", "Université de Sherbrooke", "CA"),
            ):
                school = await make_school(session, slug=slug, name=name, country_code=country)
                await make_link(session, url=urls[slug], school=school)
            await session.commit()
        env = environment(fresh, **LOOPBACK)
        del env["SYNC_EXTRACT_PROCESSES"]  # end to end: the run's default pool of processes

        code, out, err = await run_mobility("sync", env=env, cwd=tmp_path)
        assert code == 0, err
        facts = await _facts_by_school(fresh)
        again, second, err = await run_mobility("sync", env=env, cwd=tmp_path)
        assert again == 0, err

    stored = {slug: len(facts[slug]) for slug in urls}
    assert _fact_cells(out) == {
        "unical": [str(stored["unical"]), "0", "0", "0"],
        "usherbrooke": [str(stored["usherbrooke"]), "0", "0", "0"],
        "total": [str(sum(stored.values())), "0", "0", "0"],
    }
    assert out.splitlines()[-1] == (
        f"run 1: OK, 2 of 2 links checked, 2 reached, {sum(stored.values())} facts changed"
    )
    #: Sherbrooke's page counts Quebec credits ("12 crédits par trimestre"), not ECTS: no
    #: credits fact by the labels' convention (decision 0415).
    read_fields = {"deadline", "language_requirement", "email", "phone"}
    expected = {"unical": read_fields | {"credits"}, "usherbrooke": read_fields}
    for slug, url in urls.items():
        fields = {field for field, _ in facts[slug]}
        assert expected[slug] <= fields
        assert ("credits" in fields) == (slug == "unical")
        assert {fact.source_url for fact in facts[slug].values()} == {url}
    assert facts["unical"][("deadline", "application/autumn")].value["date"] == "2025-06-15"

    assert _fact_cells(second) == {
        "unical": ["0", str(stored["unical"]), "0", "0"],
        "usherbrooke": ["0", str(stored["usherbrooke"]), "0", "0"],
        "total": ["0", str(sum(stored.values())), "0", "0"],
    }
    assert second.splitlines()[-1] == "run 2: OK, 2 of 2 links checked, 2 reached, 0 facts changed"
    assert [r.headers.get("if-none-match") for r in web.requests_for(LOCAL, UNICAL_PATH)] == [
        None,
        '"u1"',
    ]
    after = await _facts_by_school(fresh)
    assert {
        slug: {key: (f.value, f.fetched_at) for key, f in rows.items()}
        for slug, rows in after.items()
    } == {
        slug: {key: (f.value, f.fetched_at) for key, f in rows.items()}
        for slug, rows in facts.items()
    }


async def test_try_also_prints_what_would_be_extracted(web: FixtureServer, tmp_path: Path) -> None:
    web.site(LOCAL).page(UNICAL_PATH, read_page("unical-incoming-students-it"))
    target = web.url(LOCAL, UNICAL_PATH)
    code, out, err = await mobility("try", target, env=environment(None, **LOOPBACK), cwd=tmp_path)
    assert code == 0, err
    fetched, extracted = out.split("\n\n", 1)
    assert ["status", "OK (HTTP 200)"] in [line.split(None, 1) for line in fetched.splitlines()]
    lines = extracted.splitlines()
    assert lines[0].startswith(f"{target} (adapter generic, fetched ")
    assert "  deadline:" in lines
    assert "    application/autumn: 2025-06-15" in lines
    assert "    en/cefr/required: en B2 required" in lines
    assert "    semester: min 20 ECTS per semester" in lines
    assert "    incoming@unical.example" in " ".join(lines)
    assert not (tmp_path / "var").exists()
