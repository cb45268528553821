"""``School.info``: typed values with their source (override > curated > scraped) and freshness."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import School
from tests.factories import make_override, make_school, make_school_fact
from tests.service.graphql.conftest import Execute, data_of

FETCHED = datetime(2026, 3, 2, 4, 0, tzinfo=UTC)
CONFIRMED = datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
OVERRIDDEN = datetime(2026, 3, 4, 10, 30, tzinfo=UTC)
PAGE = "https://aalto.test/en/study/exchange"

PROVENANCE = """key source sourceUrl fetchedAt lastGoodAt stale confidence extractor snippet
                overrideReason overriddenAt"""
INFO = f"""{{ school(slug: "aalto") {{ info {{
    name {{ value {PROVENANCE} }}
    city {{ value source sourceUrl stale }}
    countryCode {{ value source }}
    website {{ value source }}
    description {{ value source }}
    logo {{ value }}
    address {{ street postalCode locality countryCode }}
    deadlines {{ kind semester date opens {PROVENANCE} }}
    languageRequirements {{ language level test minimumScore required key stale }}
    credits {{ period minimum maximum typical source }}
    duration {{ options source }}
    contacts {{ emails {{ email label source }} phones {{ number label source }} }}
}} }} }}"""


async def _fact(session: AsyncSession, school: School, field: str, key: str, **value: Any) -> None:
    await make_school_fact(
        session,
        school=school,
        field=field,
        key=key,
        value=value,
        source_url=PAGE,
        fetched_at=FETCHED,
        last_good_at=CONFIRMED,
    )


async def _aalto(session: AsyncSession) -> School:
    school = await make_school(
        session, slug="aalto", name="Aalto University", country_code="FI", website=None
    )
    await _fact(
        session,
        school,
        "address",
        "",
        street="Otakaari 24",
        postal_code="02150",
        locality="Espoo",
        country_code="FI",
        country="Finland",
    )
    await make_school_fact(
        session,
        school=school,
        field="deadline",
        key="application/autumn",
        value={"kind": "application", "semester": "autumn", "date": "2026-04-15", "opens": None},
        source_url=PAGE,
        fetched_at=FETCHED,
        last_good_at=CONFIRMED,
        extractor="generic/deadlines",
        snippet="Applications for the autumn semester close on 15 April 2026.",
        confidence=0.9,
    )
    await make_school_fact(
        session,
        school=school,
        field="deadline",
        key="nomination/any",
        value={"kind": "nomination", "semester": None, "date": "--03-31", "opens": "--02-01"},
        source_url=PAGE,
        fetched_at=FETCHED,
        stale=True,
        extractor="generic/deadlines",
        snippet="Nominations: 1 February to 31 March.",
        confidence=0.8,
    )
    await _fact(session, school, "description", "", text="A university of technology, art …")
    await _fact(session, school, "logo", "", url="https://aalto.test/logo.svg")
    await _fact(
        session,
        school,
        "language_requirement",
        "en/cefr/required",
        language="en",
        level="B2",
        test=None,
        score=None,
        required=True,
    )
    await _fact(
        session,
        school,
        "language_requirement",
        "en/ielts/recommended",
        language="en",
        level=None,
        test="IELTS",
        score=6.5,
        required=False,
    )
    await _fact(
        session,
        school,
        "language_requirement",
        "fi/cefr/unspecified",
        language="fi",
        level="A2",
        test=None,
        score=None,
        required=None,
    )
    await _fact(session, school, "credits", "semester", per="semester", min=20, max=35, typical=30)
    await _fact(session, school, "duration", "", options=["semester", "year"])
    await _fact(
        session,
        school,
        "email",
        "incoming@aalto.test",
        email="incoming@aalto.test",
        label="Incoming exchange",
    )
    await _fact(session, school, "phone", "+358947001", phone="+358947001", label=None)
    return school


#: What an info value not read from a page says of its page: nothing.
_NO_PAGE = {
    "sourceUrl": None,
    "fetchedAt": None,
    "lastGoodAt": None,
    "stale": False,
    "confidence": None,
    "extractor": None,
    "snippet": None,
}


def _curated(value: str) -> dict[str, object]:
    """An info value as served from the FAQ page: no page, no override."""
    return {
        "value": value,
        "key": "",
        "source": "CURATED",
        **_NO_PAGE,
        "overrideReason": None,
        "overriddenAt": None,
    }


async def test_info_serves_every_value_typed_with_its_source_and_freshness(
    session: AsyncSession, execute: Execute
) -> None:
    school = await _aalto(session)
    await make_override(
        session,
        school=school,
        field="deadline",
        key="application/autumn",
        value={"kind": "application", "semester": "autumn", "date": "2026-04-30", "opens": None},
        reason="The partner extended it by e-mail",
        created_at=OVERRIDDEN,
    )
    await make_override(
        session,
        school=school,
        field="credits",
        key="year",
        value={"per": "year", "min": "sixty", "max": 60},
        created_at=OVERRIDDEN,
    )
    info = (await data_of(execute, INFO))["school"]["info"]
    scraped = {
        "source": "SCRAPED",
        "sourceUrl": PAGE,
        "fetchedAt": "2026-03-02T04:00:00+00:00",
        "overrideReason": None,
        "overriddenAt": None,
    }
    assert info["name"] == _curated("Aalto University")
    # The FAQ gives no city: the scraped address stands in for it.
    assert info["city"] == {
        "value": "Espoo",
        "source": "SCRAPED",
        "sourceUrl": PAGE,
        "stale": False,
    }
    assert info["countryCode"] == {"value": "FI", "source": "CURATED"}
    assert info["website"] is None
    assert info["description"] == {
        "value": "A university of technology, art …",
        "source": "SCRAPED",
    }
    assert info["logo"] == {"value": "https://aalto.test/logo.svg"}
    assert info["address"] == {
        "street": "Otakaari 24",
        "postalCode": "02150",
        "locality": "Espoo",
        "countryCode": "FI",
    }
    assert info["deadlines"] == [
        {
            "kind": "APPLICATION",
            "semester": "AUTUMN",
            "date": "2026-04-30",
            "opens": None,
            "key": "application/autumn",
            "source": "OVERRIDE",
            **_NO_PAGE,
            "overrideReason": "The partner extended it by e-mail",
            "overriddenAt": "2026-03-04T10:30:00+00:00",
        },
        {
            "kind": "NOMINATION",
            "semester": None,
            "date": "--03-31",
            "opens": "--02-01",
            "key": "nomination/any",
            **scraped,
            "lastGoodAt": "2026-03-02T04:00:00+00:00",
            "stale": True,
            "confidence": 0.8,
            "extractor": "generic/deadlines v1",
            "snippet": "Nominations: 1 February to 31 March.",
        },
    ]
    assert info["languageRequirements"] == [
        {
            "language": "en",
            "level": "B2",
            "test": None,
            "minimumScore": None,
            "required": True,
            "key": "en/cefr/required",
            "stale": False,
        },
        {
            "language": "en",
            "level": None,
            "test": "IELTS",
            "minimumScore": 6.5,
            "required": False,
            "key": "en/ielts/recommended",
            "stale": False,
        },
        {
            "language": "fi",
            "level": "A2",
            "test": None,
            "minimumScore": None,
            "required": None,
            "key": "fi/cefr/unspecified",
            "stale": False,
        },
    ]
    assert info["credits"] == [
        {"period": "SEMESTER", "minimum": 20, "maximum": 35, "typical": 30, "source": "SCRAPED"},
        # An override in another shape: what cannot be read is null, the rest is served.
        {"period": "YEAR", "minimum": None, "maximum": 60, "typical": None, "source": "OVERRIDE"},
    ]
    assert info["duration"] == {"options": ["SEMESTER", "YEAR"], "source": "SCRAPED"}
    assert info["contacts"] == {
        "emails": [
            {"email": "incoming@aalto.test", "label": "Incoming exchange", "source": "SCRAPED"}
        ],
        "phones": [{"number": "+358947001", "label": None, "source": "SCRAPED"}],
    }


async def test_an_override_of_a_curated_field_wins(session: AsyncSession, execute: Execute) -> None:
    school = await _aalto(session)
    await make_override(
        session, school=school, field="name", value={"value": "Aalto-yliopisto"}, reason="Finnish"
    )
    data = await data_of(
        execute, '{ school(slug: "aalto") { name info { name { value source overrideReason } } } }'
    )
    assert data["school"] == {
        # The override wins in the school's own field too; `info` says where it comes from.
        "name": "Aalto-yliopisto",
        "info": {
            "name": {"value": "Aalto-yliopisto", "source": "OVERRIDE", "overrideReason": "Finnish"}
        },
    }


async def test_a_school_nothing_was_read_about_has_empty_info(
    session: AsyncSession, execute: Execute
) -> None:
    await make_school(session, slug="unical", name="University of Calabria", country_code="IT")
    data = await data_of(execute, INFO.replace('"aalto"', '"unical"'))
    assert data["school"]["info"] == {
        "name": _curated("University of Calabria"),
        "city": None,
        "countryCode": {"value": "IT", "source": "CURATED"},
        "website": None,
        "description": None,
        "logo": None,
        "address": None,
        "deadlines": [],
        "languageRequirements": [],
        "credits": [],
        "duration": None,
        "contacts": {"emails": [], "phones": []},
    }


async def test_a_hand_written_override_is_read_through_its_key(
    session: AsyncSession, execute: Execute
) -> None:
    school = await make_school(session, slug="aalto", name="Aalto University", country_code="FI")
    await make_override(
        session, school=school, field="deadline", key="nomination/spring", value={"date": "10/01"}
    )
    await make_override(
        session, school=school, field="language_requirement", key="fi/cefr/required", value={}
    )
    data = await data_of(
        execute,
        """{ school(slug: "aalto") { info {
             deadlines { kind semester date source }
             languageRequirements { language level required source } } } }""",
    )
    assert data["school"]["info"] == {
        # What the value does not say comes from the key; the rest is served as written.
        "deadlines": [
            {"kind": "NOMINATION", "semester": "SPRING", "date": "10/01", "source": "OVERRIDE"}
        ],
        "languageRequirements": [
            {"language": "fi", "level": None, "required": True, "source": "OVERRIDE"}
        ],
    }


async def test_values_under_the_review_threshold_are_served_flagged_with_their_confidence(
    session: AsyncSession, execute: Execute
) -> None:
    school = await make_school(session, slug="aalto", name="Aalto University", country_code="FI")
    for key, date, confidence in (
        ("application/autumn", "2026-04-15", 0.95),
        ("application/autumn/2", "2026-05-15", 0.62),
    ):
        await make_school_fact(
            session,
            school=school,
            field="deadline",
            key=key,
            value={"kind": "application", "semester": "autumn", "date": date, "opens": None},
            confidence=confidence,
        )
    await make_override(
        session, school=school, field="description", value={"text": "Checked by hand."}
    )
    data = await data_of(
        execute,
        """{ school(slug: "aalto") { info {
             name { value confidence needsReview }
             description { value confidence needsReview }
             deadlines { date confidence needsReview } } } }""",
    )
    assert data["school"]["info"] == {
        "name": {"value": "Aalto University", "confidence": None, "needsReview": False},
        "description": {"value": "Checked by hand.", "confidence": None, "needsReview": False},
        "deadlines": [
            {"date": "2026-04-15", "confidence": 0.95, "needsReview": False},
            {"date": "2026-05-15", "confidence": 0.62, "needsReview": True},
        ],
    }
