"""Failed fetches and pages that suddenly yield nothing keep the last good values, stale."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.findings import FETCH_FAILED, LAYOUT_CHANGED
from scrapers.reconcile.outcome import FetchFailure
from scrapers.reconcile.school import reconcile_school
from service.db.models import Finding, School
from tests.factories import make_school
from tests.scrapers.reconcile.pages import ENSIMAG_URL, NOW, fetched, later
from tests.scrapers.reconcile.stored import reconciled_ensimag, redesigned_ensimag, stored_facts

EXCHANGE_FIELDS = ["credits", "deadline", "duration", "email", "language_requirement"]


async def _findings(session: AsyncSession, school: School) -> list[Finding]:
    query = select(Finding).where(Finding.school_id == school.id).order_by(Finding.id)
    return list(await session.scalars(query))


async def test_a_failed_fetch_keeps_every_value_marked_stale(session: AsyncSession) -> None:
    school = await reconciled_ensimag(session)
    before = {key: row.value for key, row in (await stored_facts(session, school)).items()}
    failure = FetchFailure(ENSIMAG_URL, "connection refused")
    report = await reconcile_school(session, school.id, failure, now=later(1))
    facts = await stored_facts(session, school)
    assert {key: row.value for key, row in facts.items()} == before
    assert all(row.stale and row.stale_since == later(1) for row in facts.values())
    assert (len(report.marked_stale), report.changes) == (13, [])
    (finding,) = await _findings(session, school)
    assert (finding.kind, finding.origin, finding.detail) == (
        FETCH_FAILED,
        "sync",
        {"url": ENSIMAG_URL, "reason": "connection refused"},
    )


async def test_failing_again_adds_nothing_and_recovering_clears_stale_and_resolves(
    session: AsyncSession,
) -> None:
    school = await reconciled_ensimag(session)
    failure = FetchFailure(ENSIMAG_URL, "timeout")
    await reconcile_school(session, school.id, failure, now=later(1))
    again = await reconcile_school(session, school.id, failure, now=later(2))
    assert (again.marked_stale, again.findings) == ([], [])
    assert len(await _findings(session, school)) == 1
    back = await reconcile_school(
        session, school.id, [fetched("ensimag-venir-en-echange-fr", days_later=3)], now=later(3)
    )
    assert (back.changes, back.resolved_findings) == ([], 1)
    facts = await stored_facts(session, school)
    assert not any(row.stale for row in facts.values())
    (finding,) = await _findings(session, school)
    assert finding.resolved_at == later(3)


async def test_a_page_whose_layout_changed_keeps_its_last_good_values_with_a_finding(
    session: AsyncSession,
) -> None:
    school, _, report = await redesigned_ensimag(session)
    facts = await stored_facts(session, school)
    deadline = facts[("deadline", "application/autumn")]
    assert (deadline.value["date"], deadline.stale, deadline.stale_since) == (
        "2025-05-01",
        True,
        later(1),
    )
    assert facts[("phone", "+33476827200")].stale is False  # the footer still gives it
    assert {field for field, _ in report.marked_stale} == set(EXCHANGE_FIELDS)
    assert [change.field for change in report.changes] == ["logo"]  # the new logo is a change
    assert report.confirmed == 2  # the phone and the description; the new logo is not confirmed
    (finding,) = await _findings(session, school)
    assert finding.kind == LAYOUT_CHANGED
    assert finding.detail == {"url": ENSIMAG_URL, "fields": EXCHANGE_FIELDS}
    assert finding.message.startswith(f"{ENSIMAG_URL} no longer yields credits, deadline,")


async def test_the_layout_finding_is_resolved_when_the_values_come_back(
    session: AsyncSession,
) -> None:
    school, redesign, _ = await redesigned_ensimag(session)
    again = await reconcile_school(session, school.id, [redesign], now=later(2))
    # Still missing: the finding stays open (not resolved, not duplicated).
    assert (again.findings, again.marked_stale, again.resolved_findings) == ([], [], 0)
    fixed = await reconcile_school(
        session, school.id, [fetched("ensimag-venir-en-echange-fr", days_later=3)], now=later(3)
    )
    assert fixed.resolved_findings == 1
    assert not any(row.stale for row in (await stored_facts(session, school)).values())


async def test_one_item_gone_from_a_field_that_still_yields_is_stale_without_a_finding(
    session: AsyncSession,
) -> None:
    school = await make_school(session, slug="aalto", name="Aalto University", country_code="FI")
    await reconcile_school(session, school.id, [fetched("aalto-incoming-exchange-en")], now=NOW)
    finnish = fetched("aalto-vaihto-opiskelijat-fi", days_later=1)
    report = await reconcile_school(session, school.id, [finnish], now=later(1))
    facts = await stored_facts(session, school)
    assert facts[("email", "incoming-biz@aalto.example")].stale is True
    assert facts[("email", "incoming-tech@aalto.example")].stale is False
    assert ("email", "incoming-biz@aalto.example") in report.marked_stale
    assert [f.kind for f in await _findings(session, school)] == []


async def test_one_failed_page_stales_only_what_came_from_it(session: AsyncSession) -> None:
    school = await make_school(session, slug="ensimag", name="ENSIMAG")
    english = fetched("ensimag-coming-for-an-exchange-en")
    french = fetched("ensimag-venir-en-echange-fr")
    await reconcile_school(session, school.id, [french, english], now=NOW)
    stored = await stored_facts(session, school)
    from_english = {key for key, row in stored.items() if row.source_url == english.url}
    assert from_english  # the English page won some keys (more confident table cells)
    failure = FetchFailure(english.url, "HTTP 503")
    report = await reconcile_school(
        session,
        school.id,
        [fetched("ensimag-venir-en-echange-fr", days_later=1), failure],
        now=later(1),
    )
    facts = await stored_facts(session, school)
    assert {key for key, row in facts.items() if row.stale} <= from_english
    assert [f.kind for f in await _findings(session, school)] == [FETCH_FAILED]
    assert report.changes == [] or all(c.source_url == french.url for c in report.changes)
