"""A sync fills scraped values with provenance, records every change, and re-runs write nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.outcome import ValueChange
from scrapers.reconcile.school import reconcile_school
from service.db.models import School, SchoolFactChange
from service.db.versioning import read_data_version
from tests.factories import make_school
from tests.scrapers.reconcile.pages import ENSIMAG_URL, FIRST_FETCH, NOW, fetched, later
from tests.scrapers.reconcile.stored import stored_facts


async def _ensimag(session: AsyncSession) -> School:
    return await make_school(
        session,
        slug="ensimag",
        name="ENSIMAG",
        city="Grenoble",
        website="https://ensimag.grenoble-inp.fr/fr/international/venir-a-l-ensimag",
    )


async def _count(session: AsyncSession, model: type[SchoolFactChange]) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def test_a_first_sync_stores_every_value_with_its_provenance(session: AsyncSession) -> None:
    school = await _ensimag(session)
    report = await reconcile_school(
        session, school.id, [fetched("ensimag-venir-en-echange-fr")], now=NOW
    )
    facts = await stored_facts(session, school)
    assert set(facts) == {
        ("deadline", "nomination/autumn"),
        ("deadline", "nomination/spring"),
        ("deadline", "application/autumn"),
        ("deadline", "application/spring"),
        ("language_requirement", "fr/cefr/required"),
        ("language_requirement", "fr/cefr/recommended"),
        ("language_requirement", "en/cefr/required"),
        ("credits", "semester"),
        ("duration", ""),
        ("email", "ri-ensimag@grenoble-inp.example"),
        ("phone", "+33476827200"),
        ("description", ""),
        ("logo", ""),
    }
    deadline = facts[("deadline", "application/autumn")]
    assert deadline.value == {
        "kind": "application",
        "semester": "autumn",
        "date": "2025-05-01",
        "opens": None,
    }
    assert (deadline.source_url, deadline.fetched_at, deadline.last_good_at) == (
        ENSIMAG_URL,
        FIRST_FETCH,
        FIRST_FETCH,
    )
    assert (deadline.extractor, deadline.extractor_version, deadline.confidence) == (
        "ensimag/deadlines",
        "1",
        0.85,
    )
    assert deadline.snippet.startswith("Le dossier de candidature complet")
    assert (deadline.stale, deadline.stale_since, deadline.first_seen_at) == (False, None, NOW)
    assert len(report.changes) == 13
    assert report.changes[0].old is None
    assert await _count(session, SchoolFactChange) == 13
    assert (report.findings, report.marked_stale, report.unusable_pages) == ([], [], {})


async def test_the_same_sync_twice_changes_nothing_and_keeps_the_data_version(
    session: AsyncSession,
) -> None:
    school = await _ensimag(session)
    outcome = [fetched("ensimag-venir-en-echange-fr")]
    await reconcile_school(session, school.id, outcome, now=NOW)
    await session.commit()
    version = await read_data_version(session)
    again = await reconcile_school(session, school.id, outcome, now=later(1))
    await session.commit()
    assert (again.changes, again.confirmed, again.marked_stale, again.findings) == ([], 0, [], [])
    assert await read_data_version(session) == version
    assert await _count(session, SchoolFactChange) == 13


async def test_a_later_fetch_of_the_same_page_confirms_values_without_changes(
    session: AsyncSession,
) -> None:
    school = await _ensimag(session)
    await reconcile_school(session, school.id, [fetched("ensimag-venir-en-echange-fr")], now=NOW)
    report = await reconcile_school(
        session, school.id, [fetched("ensimag-venir-en-echange-fr", days_later=7)], now=later(7)
    )
    assert (report.changes, report.confirmed) == ([], 13)
    deadline = (await stored_facts(session, school))[("deadline", "application/autumn")]
    assert (deadline.fetched_at, deadline.last_good_at) == (
        FIRST_FETCH,
        FIRST_FETCH + timedelta(days=7),
    )


async def test_a_changed_value_is_replaced_and_the_change_is_stored(session: AsyncSession) -> None:
    school = await _ensimag(session)
    await reconcile_school(session, school.id, [fetched("ensimag-venir-en-echange-fr")], now=NOW)
    english = fetched("ensimag-coming-for-an-exchange-en", days_later=1)
    report = await reconcile_school(session, school.id, [english], now=later(1))
    # Same dates in the English version; its description and the e-mail's label differ.
    assert {change.field for change in report.changes} == {"description", "email"}
    changes = (
        await session.scalars(
            select(SchoolFactChange).where(
                SchoolFactChange.changed_at == later(1), SchoolFactChange.field == "description"
            )
        )
    ).all()
    assert len(changes) == 1
    assert changes[0].old_value == {
        "text": "Étudiants d'une université partenaire : calendrier de candidature, niveau de"
        " langue et contrat d'études pour un semestre ou une année d'échange à l'Ensimag."
    }
    assert changes[0].new_value == {
        "text": "Exchange students from partner universities: application schedule, language level"
        " and learning agreement for one or two semesters at Ensimag."
    }
    assert changes[0].source_url == english.url
    description = (await stored_facts(session, school))[("description", "")]
    assert (description.source_url, description.fetched_at) == (english.url, english.fetched_at)
    assert (
        ValueChange("description", "", changes[0].old_value, changes[0].new_value, english.url)
        in report.changes
    )


async def test_scraped_values_never_overwrite_the_curated_school(session: AsyncSession) -> None:
    school = await make_school(
        session,
        slug="aalto",
        name="Aalto University",
        city="Helsinki",
        country_code="FI",
        website="https://www.aalto.fi/en",
    )
    await reconcile_school(session, school.id, [fetched("aalto-incoming-exchange-en")], now=NOW)
    await session.refresh(school)
    assert (school.name, school.city, school.website) == (
        "Aalto University",
        "Helsinki",
        "https://www.aalto.fi/en",
    )
    address = (await stored_facts(session, school))[("address", "")]
    assert address.value["locality"] == "Espoo"
