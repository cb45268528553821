"""Pages the site reports unchanged (304) confirm their values and change nothing else."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.findings import CONTRADICTS_CATALOGUE, LAYOUT_CHANGED
from scrapers.reconcile.outcome import FetchFailure, PageUnchanged
from scrapers.reconcile.school import reconcile_school
from service.db.models import Finding, School, SchoolFact, SchoolFactChange
from service.db.versioning import read_data_version
from tests.factories import make_override, make_school
from tests.scrapers.reconcile.pages import ENSIMAG_URL, FIRST_FETCH, NOW, fetched, later
from tests.scrapers.reconcile.stored import reconciled_ensimag, redesigned_ensimag, stored_facts

#: Everything about a stored value but its last confirmation.
Snapshot = tuple[object, ...]


def _snapshot(row: SchoolFact) -> Snapshot:
    return (
        row.value,
        row.source_url,
        row.fetched_at,
        row.extractor,
        row.snippet,
        row.confidence,
        row.stale,
        row.stale_since,
    )


async def _findings(session: AsyncSession, school: School) -> list[Finding]:
    query = select(Finding).where(Finding.school_id == school.id).order_by(Finding.id)
    return list(await session.scalars(query))


async def _changes(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(SchoolFactChange)) or 0


async def test_an_unchanged_page_confirms_its_values_as_of_the_check_and_changes_nothing(
    session: AsyncSession,
) -> None:
    school = await reconciled_ensimag(session)
    before = {key: _snapshot(row) for key, row in (await stored_facts(session, school)).items()}
    changes = await _changes(session)

    report = await reconcile_school(
        session, school.id, [PageUnchanged(ENSIMAG_URL, later(7))], now=later(7)
    )

    assert (report.changes, report.marked_stale, report.findings) == ([], [], [])
    assert report.confirmed == 13
    facts = await stored_facts(session, school)
    assert {key: _snapshot(row) for key, row in facts.items()} == before
    assert {row.last_good_at for row in facts.values()} == {later(7)}
    assert {row.fetched_at for row in facts.values()} == {FIRST_FETCH}
    assert await _changes(session) == changes
    assert await _findings(session, school) == []


async def test_a_second_answer_no_newer_than_the_confirmation_writes_nothing(
    session: AsyncSession,
) -> None:
    school = await reconciled_ensimag(session)
    unchanged = [PageUnchanged(ENSIMAG_URL, later(7))]
    await reconcile_school(session, school.id, unchanged, now=later(7))
    version = await read_data_version(session)
    again = await reconcile_school(session, school.id, unchanged, now=later(7))
    assert (again.changes, again.confirmed, again.marked_stale) == ([], 0, [])
    assert await read_data_version(session) == version


async def test_an_unchanged_page_after_a_layout_change_keeps_values_stale_and_finding_open(
    session: AsyncSession,
) -> None:
    school, _, _ = await redesigned_ensimag(session)
    stale_before = {key for key, row in (await stored_facts(session, school)).items() if row.stale}

    report = await reconcile_school(
        session, school.id, [PageUnchanged(ENSIMAG_URL, later(2))], now=later(2)
    )

    facts = await stored_facts(session, school)
    assert {key for key, row in facts.items() if row.stale} == stale_before
    assert all(facts[key].stale_since == later(1) for key in stale_before)
    # Only what the redesigned page still gives is confirmed: the phone and the metadata.
    assert {key for key, row in facts.items() if row.last_good_at == later(2)} == {
        ("phone", "+33476827200"),
        ("description", ""),
        ("logo", ""),
    }
    assert (report.changes, report.marked_stale, report.findings) == ([], [], [])
    assert report.resolved_findings == 0
    [finding] = await _findings(session, school)
    assert (finding.kind, finding.resolved_at) == (LAYOUT_CHANGED, None)


async def test_an_unchanged_page_keeps_its_values_against_a_less_confident_page_read_in_full(
    session: AsyncSession,
) -> None:
    school = await make_school(session, slug="ensimag", name="ENSIMAG")
    english = fetched("ensimag-coming-for-an-exchange-en")
    french = fetched("ensimag-venir-en-echange-fr")
    await reconcile_school(session, school.id, [french, english], now=NOW)
    stored = {key: row.source_url for key, row in (await stored_facts(session, school)).items()}
    assert english.url in stored.values()  # the English page won some keys

    report = await reconcile_school(
        session,
        school.id,
        [
            fetched("ensimag-venir-en-echange-fr", days_later=1),
            PageUnchanged(english.url, later(1)),
        ],
        now=later(1),
    )

    assert (report.changes, report.marked_stale) == ([], [])
    facts = await stored_facts(session, school)
    assert {key: row.source_url for key, row in facts.items()} == stored
    confirmed = {
        row.source_url: {r.last_good_at for r in facts.values() if r.source_url == row.source_url}
        for row in facts.values()
    }
    assert confirmed == {english.url: {later(1)}, french.url: {FIRST_FETCH + timedelta(days=1)}}


async def test_an_override_set_after_the_page_was_read_is_compared_on_an_unchanged_page(
    session: AsyncSession,
) -> None:
    school = await reconciled_ensimag(session)
    corrected = {"kind": "application", "semester": "autumn", "date": "2025-05-15", "opens": None}
    await make_override(
        session, school=school, field="deadline", key="application/autumn", value=corrected
    )

    report = await reconcile_school(
        session, school.id, [PageUnchanged(ENSIMAG_URL, later(1))], now=later(1)
    )

    assert report.findings == [CONTRADICTS_CATALOGUE]
    [finding] = await _findings(session, school)
    assert finding.detail["field"] == "deadline"
    assert finding.detail["catalogue"] == corrected
    scraped = finding.detail["scraped"]
    assert isinstance(scraped, dict)
    assert scraped["date"] == "2025-05-01"
    facts = await stored_facts(session, school)
    assert facts[("deadline", "application/autumn")].value["date"] == "2025-05-01"


async def test_a_failure_another_record_reports_marks_stale_without_a_finding(
    session: AsyncSession,
) -> None:
    school = await reconciled_ensimag(session)
    failure = FetchFailure(ENSIMAG_URL, "BROKEN: HTTP 404 Not Found", finding=False)
    report = await reconcile_school(session, school.id, [failure], now=later(1))
    assert len(report.marked_stale) == 13
    assert report.findings == []
    assert await _findings(session, school) == []
