"""Overrides: checked, stored where reads give them precedence, logged, announced by webhook."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.overrides import (
    OverrideApplied,
    OverrideCleared,
    clear_override,
    override_school_field,
)
from service.admin.validation import InvalidInput
from service.catalogue import schools
from service.catalogue.fact_values import PageText
from service.catalogue.school_info import load_school_info
from service.catalogue.schools import SchoolCriteria
from service.db.models import AdminOutcome, Country, School, SchoolOverride, WebhookDelivery
from service.db.versioning import read_data_version
from service.operations.admin_log import list_admin_actions
from tests.factories import make_school

ACTOR = "token:0123456789ab"
HOOKS = ["https://hooks.example/catalogue"]
FIELDS = "city, countryCode, description, logo, name, shortName, website"


async def _phelma(session: AsyncSession) -> School:
    return await make_school(
        session, slug="phelma", name="Phelma", city="Grenoble", country_code="FR"
    )


async def _overrides(session: AsyncSession) -> list[tuple[str, str, dict[str, object], str]]:
    rows = await session.execute(
        select(
            SchoolOverride.field, SchoolOverride.key, SchoolOverride.value, SchoolOverride.reason
        ).order_by(SchoolOverride.field)
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def _events(session: AsyncSession) -> list[dict[str, object]]:
    bodies = await session.scalars(select(WebhookDelivery.body).order_by(WebhookDelivery.id))
    return [json.loads(body) for body in bodies]


async def test_an_override_is_stored_served_logged_and_announced(session: AsyncSession) -> None:
    phelma = await _phelma(session)
    await session.commit()  # the data version moves once per transaction that writes
    version = await read_data_version(session)

    result = await override_school_field(
        session,
        actor=ACTOR,
        slug="phelma",
        field="name",
        value="  Grenoble INP -   Phelma ",
        reason="the school's own name since 2020",
        webhook_urls=HOOKS,
    )

    assert result == OverrideApplied(phelma.id, "phelma", "name", "Grenoble INP - Phelma", None)
    assert await _overrides(session) == [
        ("name", "", {"value": "Grenoble INP - Phelma"}, "the school's own name since 2020")
    ]
    served = await schools.school_by_slug(session, "phelma")
    assert served is not None
    assert served.name == "Grenoble INP - Phelma"
    assert await read_data_version(session) == version + 1
    (entry,) = await list_admin_actions(session)
    assert (entry.actor, entry.action, entry.target, entry.outcome, entry.reason) == (
        ACTOR,
        "override_school_field",
        "phelma",
        AdminOutcome.APPLIED,
        "the school's own name since 2020",
    )
    assert entry.payload == {"field": "name", "value": "Grenoble INP - Phelma", "previous": None}
    (event,) = await _events(session)
    assert (event["event"], event["data"]) == (
        "catalogue.changed",
        {
            "change": "override_set",
            "school": "phelma",
            "field": "name",
            "value": "Grenoble INP - Phelma",
            "previous": None,
        },
    )


async def test_a_second_override_replaces_the_first_and_reports_it(session: AsyncSession) -> None:
    await _phelma(session)
    for city in ("Saint-Martin-d'Hères", "Grenoble Cedex"):
        result = await override_school_field(
            session, actor=ACTOR, slug="phelma", field="city", value=city, reason="campus"
        )
    assert isinstance(result, OverrideApplied)
    assert (result.value, result.previous) == ("Grenoble Cedex", "Saint-Martin-d'Hères")
    assert await _overrides(session) == [("city", "", {"value": "Grenoble Cedex"}, "campus")]
    session.expunge_all()
    assert await _events(session) == []  # no webhook URLs configured, no deliveries


async def test_a_country_override_adds_the_country_from_cldr(session: AsyncSession) -> None:
    await _phelma(session)
    assert await session.get(Country, "BE") is None
    result = await override_school_field(
        session, actor=ACTOR, slug="phelma", field="countryCode", value=" be ", reason="moved"
    )
    assert isinstance(result, OverrideApplied)
    assert result.value == "BE"
    belgium = await session.get(Country, "BE")
    assert belgium is not None
    assert (belgium.name_fr, belgium.name_en) == ("Belgique", "Belgium")
    for code, slugs in (("BE", ["phelma"]), ("FR", [])):
        listed = await schools.page_schools(
            session, SchoolCriteria(country_codes=[code]), limit=10, after_slug=None
        )
        assert [school.slug for school in listed] == slugs


async def test_scraped_fields_are_overridden_in_the_scraped_value_shape(
    session: AsyncSession,
) -> None:
    phelma = await _phelma(session)
    for field, value in {
        "description": "Engineering physics, electronics and materials.",
        "logo": "https://phelma.example/logo.svg",
        "shortName": "PHELMA",
    }.items():
        result = await override_school_field(
            session, actor=ACTOR, slug="phelma", field=field, value=value, reason="from the school"
        )
        assert isinstance(result, OverrideApplied)
    stored = {field: value for field, _, value, _ in await _overrides(session)}
    assert stored == {
        "description": {"text": "Engineering physics, electronics and materials."},
        "logo": {"url": "https://phelma.example/logo.svg"},
        "short_name": {"value": "PHELMA"},
    }
    (info,) = await load_school_info(session, [phelma.id])
    assert info.description is not None
    assert (info.description.value, info.description.source) == (
        PageText("Engineering physics, electronics and materials."),
        "override",
    )


@pytest.mark.parametrize(
    ("arguments", "error"),
    [
        (
            {"slug": "nowhere", "field": "city", "value": "Lyon"},
            InvalidInput("slug", "unknown school: nowhere"),
        ),
        (
            {"slug": "phelma", "field": "colour", "value": "blue"},
            InvalidInput("field", f"'colour' cannot be overridden; fields: {FIELDS}"),
        ),
        (
            {"slug": "phelma", "field": "website", "value": "ftp://phelma.example/"},
            InvalidInput("value", "'ftp://phelma.example/' is not an http or https URL"),
        ),
        (
            {"slug": "phelma", "field": "countryCode", "value": "XX"},
            InvalidInput("value", "'XX' is not an ISO 3166-1 alpha-2 country code"),
        ),
        (
            {"slug": "phelma", "field": "city", "value": "Lyon", "reason": "x" * 501},
            InvalidInput("reason", "the reason is longer than 500 characters"),
        ),
    ],
)
async def test_invalid_input_is_a_typed_error_logged_as_rejected_and_writes_nothing_else(
    session: AsyncSession, arguments: dict[str, str], error: InvalidInput
) -> None:
    await _phelma(session)
    await session.commit()
    version = await read_data_version(session)
    arguments = dict(arguments)  # shared by both backends' runs
    reason = arguments.pop("reason", "checked")
    result = await override_school_field(
        session, actor=ACTOR, reason=reason, webhook_urls=HOOKS, **arguments
    )
    assert result == error
    assert await _overrides(session) == []
    assert await _events(session) == []
    assert await read_data_version(session) == version
    (entry,) = await list_admin_actions(session)
    assert (entry.action, entry.outcome) == ("override_school_field", AdminOutcome.REJECTED)
    assert entry.payload["error"] == {"field": error.field, "message": error.message}
    assert entry.payload["arguments"] == {name: value[:200] for name, value in arguments.items()}


async def test_clearing_serves_the_curated_value_again(session: AsyncSession) -> None:
    phelma = await _phelma(session)
    await override_school_field(
        session, actor=ACTOR, slug="phelma", field="city", value="Saint-Martin-d'Hères", reason="x"
    )
    result = await clear_override(
        session,
        actor=ACTOR,
        slug="phelma",
        field="city",
        reason="the campus is in Grenoble after all",
        webhook_urls=HOOKS,
    )
    assert result == OverrideCleared(phelma.id, "phelma", "city", "Saint-Martin-d'Hères")
    assert await _overrides(session) == []
    served = await schools.school_by_slug(session, "phelma")
    assert served is not None
    assert served.city == "Grenoble"
    cleared, _set = await list_admin_actions(session)
    assert (cleared.action, cleared.outcome, cleared.payload) == (
        "clear_override",
        AdminOutcome.APPLIED,
        {"field": "city", "previous": "Saint-Martin-d'Hères"},
    )
    (event,) = await _events(session)
    assert event["data"] == {
        "change": "override_cleared",
        "school": "phelma",
        "field": "city",
        "previous": "Saint-Martin-d'Hères",
    }


async def test_clearing_what_is_not_overridden_is_a_typed_error(session: AsyncSession) -> None:
    await _phelma(session)
    result = await clear_override(session, actor=ACTOR, slug="phelma", field="city", reason="x")
    assert result == InvalidInput("field", "phelma has no override of city")
    unknown = await clear_override(session, actor=ACTOR, slug="phelma", field="rank", reason="x")
    assert unknown == InvalidInput("field", f"'rank' cannot be overridden; fields: {FIELDS}")
    assert [entry.outcome for entry in await list_admin_actions(session)] == [
        AdminOutcome.REJECTED,
        AdminOutcome.REJECTED,
    ]
