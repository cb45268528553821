"""/status: link timelines, sync runs, findings by severity and values to review, in HTML that
loads nothing but its own stylesheet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bs4 import BeautifulSoup, Tag
from sqlalchemy import select

from service.db.engine import create_sessionmaker
from service.db.models import FindingSeverity, Link, LinkStatus, SyncRunStatus
from service.web.status.page import CONTENT_SECURITY_POLICY
from tests.databases import TestDatabase
from tests.factories import (
    make_finding,
    make_link_check,
    make_school_fact,
    make_sync_run,
    make_url_health,
)
from tests.service.web.conftest import sample_school, serve

NIGHT = datetime(2026, 3, 1, 2, 0, tzinfo=UTC)
AALTO_HOME = "https://www.aalto.fi/en"
PAGE = "https://www.aalto.fi/en/exchange"


async def _add_health(database: TestDatabase) -> None:
    """Three nightly runs (OK 60 s, PARTIAL 120 s, FAILED 30 s): Aalto's homepage went from OK to
    redirected to broken; a dead-link finding; a stale and a low-confidence scraped value."""
    async with create_sessionmaker(database.engine)() as session:
        aalto = await sample_school(session, "aalto-university")
        link = (await session.scalars(select(Link).where(Link.url == AALTO_HOME))).one()
        outcomes = [
            (SyncRunStatus.OK, 60, LinkStatus.OK),
            (SyncRunStatus.PARTIAL, 120, LinkStatus.REDIRECTED),
            (SyncRunStatus.FAILED, 30, LinkStatus.BROKEN),
        ]
        for night, (status, seconds, link_status) in enumerate(outcomes):
            started = NIGHT + timedelta(days=night)
            run = await make_sync_run(
                session,
                started_at=started,
                finished_at=started + timedelta(seconds=seconds),
                status=status,
                links_total=4,
                links_checked=3,
                counts={"links_ok": 2, "links_failed": 1},
                skipped={"ensim": "no links"} if night == 2 else None,
            )
            await make_link_check(
                session, run=run, link=link, status=link_status, checked_at=started
            )
        await make_url_health(
            session,
            url=AALTO_HOME,
            status=LinkStatus.BROKEN,
            http_status=404,
            checked_at=NIGHT + timedelta(days=2),
            last_ok_at=NIGHT,
            consecutive_failures=1,
        )
        await make_finding(
            session,
            kind="dead_link",
            origin="sync",
            severity=FindingSeverity.ERROR,
            message=f"{AALTO_HOME} answers 404.",
            school=aalto,
            first_seen_at=NIGHT + timedelta(days=2),
        )
        await make_school_fact(
            session,
            school=aalto,
            field="deadline",
            key="application/autumn",
            value={"kind": "application", "semester": "autumn", "date": "2027-04-15"},
            source_url=PAGE,
            snippet="Apply by 15 April <b>2027</b>.",
            confidence=0.4,
        )
        await make_school_fact(
            session,
            school=aalto,
            field="credits",
            key="semester",
            value={"per": "semester", "typical": 30},
            source_url=PAGE,
            stale=True,
            confidence=0.95,
        )
        await make_school_fact(
            session,
            school=aalto,
            field="duration",
            key="",
            value={"options": ["semester"]},
            source_url=PAGE,
            confidence=0.95,
        )
        await session.commit()


def _texts(section: Tag, selector: str) -> list[str]:
    return [" ".join(node.get_text(" ").split()) for node in section.select(selector)]


async def test_the_status_page_shows_health_runs_findings_and_values_to_review(
    fresh_database: TestDatabase,
) -> None:
    await _add_health(fresh_database)
    async with serve(fresh_database.settings) as client:
        response = await client.get("/status")
        css = await client.get("/status/status.css")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert css.status_code == 200
    assert css.headers["content-type"] == "text/css; charset=utf-8"
    assert b".s-BROKEN" in css.content
    page = BeautifulSoup(response.text, "html.parser")
    # Nothing to fetch but the stylesheet: no script, no image, no other origin.
    assert page.find("script") is None
    assert [tag["href"] for tag in page.find_all("link")] == ["/status/status.css"]
    assert page.find("img") is None

    schools = page.select_one("#schools")
    assert schools is not None
    aalto = next(row for row in schools.select("tbody tr") if AALTO_HOME in row.get_text())
    assert "failing" in (aalto.get("class") or [])
    assert [dot["class"] for dot in aalto.select(".timeline .dot")] == [
        ["dot", "s-OK"],
        ["dot", "s-REDIRECTED"],
        ["dot", "s-BROKEN"],
    ]
    assert aalto.select("td")[-1].get_text(strip=True) == "2026-03-01 02:00"
    assert _texts(aalto, ".finding") == [f"{AALTO_HOME} answers 404."]

    runs = page.select_one("#runs")
    assert runs is not None
    bars = runs.select("svg rect")
    assert [(bar["class"], bar["height"]) for bar in bars] == [
        (["bar", "r-OK"], "50"),
        (["bar", "r-PARTIAL"], "100"),
        (["bar", "r-FAILED"], "25"),
    ]
    stats = dict(zip(_texts(runs, "dt"), _texts(runs, "dd"), strict=True))
    assert stats == {
        "Started": "2026-03-03 02:00 UTC",
        "Status": "FAILED",
        "Duration": "30 s",
        "Links checked": "3 of 4",
        "links failed": "1",
        "links ok": "2",
        "Schools skipped": "ensim (no links)",
    }

    findings = page.select_one("#findings")
    assert findings is not None
    assert _texts(findings, "h3") == ["Error (1)", "Warning (1)", "Info (0)"]
    items = _texts(findings, "li")
    assert items == [
        f"dead link Aalto University: {AALTO_HOME} answers 404. since 2026-03-03",
        (
            'country name corrected Aalto University: Country heading "Finalde" read as Finlande.'
            " since 2020-06-21"
        ),
        "none",
    ]
    assert "Resolved long ago." not in findings.get_text()

    review = page.select_one("#review")
    assert review is not None
    entries = review.select("ul.review li")
    assert [" ".join(entry.get_text(" ").split()[:6]) for entry in entries] == [
        "Aalto University · credits semester stale",
        "Aalto University · deadline application/autumn low",
    ]
    deadline = entries[1]
    # The snippet is shown as text, never as markup.
    snippet, source = deadline.select_one("blockquote"), deadline.select_one("a")
    assert snippet is not None
    assert source is not None
    assert snippet.get_text() == "Apply by 15 April <b>2027</b>."
    assert source["href"] == PAGE
    assert "low confidence (0.40)" in deadline.get_text()


async def test_the_status_page_of_a_catalogue_never_synced_says_so(
    fresh_database: TestDatabase,
) -> None:
    async with serve(fresh_database.settings) as client:
        response = await client.get("/status")
    page = BeautifulSoup(response.text, "html.parser")
    runs = page.select_one("#runs")
    assert runs is not None
    assert runs.select("svg") == []
    assert _texts(runs, "p") == ["No sync has run yet."]
    assert _texts(page, "#review ul.review li") == ["nothing waits for review"]
