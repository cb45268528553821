"""``resolveFinding`` and ``acceptScrapedValue``: the review actions of /status, over GraphQL."""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr
from sqlalchemy import select

from service.db.engine import create_sessionmaker
from service.db.models import AdminAction, Finding, SchoolOverride, WebhookDelivery
from tests.databases import TestDatabase
from tests.service.web.admin_api import (
    BEARER,
    LOW_CONFIDENCE_DEADLINE,
    MUTATIONS,
    TOKEN,
    add_low_confidence_deadline,
    post,
    table_rows,
)
from tests.service.web.conftest import serve

_OPEN_FINDINGS = "{ findings { id message } }"


def _admin_settings(database: TestDatabase) -> Any:
    return database.settings.model_copy(
        update={
            "admin_token": SecretStr(TOKEN),
            "webhook_urls": ["http://127.0.0.1:9/hook"],
            "data_version_max_age_seconds": 0,
        }
    )


async def _log(database: TestDatabase) -> list[tuple[str, str, str | None, str]]:
    async with create_sessionmaker(database.engine)() as session:
        return [
            (a.action, a.target, a.reason, a.outcome.value)
            for a in await session.scalars(select(AdminAction).order_by(AdminAction.id))
        ]


async def test_resolving_a_finding_closes_it_once_and_logs_it_once(
    fresh_database: TestDatabase,
) -> None:
    async with serve(_admin_settings(fresh_database)) as client:
        (finding,) = (await post(client, _OPEN_FINDINGS))["findings"]
        document = MUTATIONS["resolveFinding"].replace("Finding:1", finding["id"])
        first = await post(client, document, BEARER)
        again = await post(client, document, BEARER)
        after = await post(client, _OPEN_FINDINGS)
    resolved = first["resolveFinding"]
    assert resolved["__typename"] == "FindingResolved"
    assert resolved["changed"] is True
    assert resolved["finding"]["id"] == finding["id"]
    assert resolved["finding"]["kind"] == "country_name_corrected"
    assert resolved["finding"]["school"] == {"slug": "aalto-university"}
    assert resolved["finding"]["resolvedAt"] is not None
    assert again["resolveFinding"]["changed"] is False
    assert again["resolveFinding"]["finding"]["resolvedAt"] == resolved["finding"]["resolvedAt"]
    assert after == {"findings": []}
    number = finding["id"].removeprefix("Finding:")
    assert await _log(fresh_database) == [
        (
            "resolve_finding",
            f"finding {number} (country_name_corrected)",
            "heading fixed",
            "applied",
        )
    ]


async def test_an_id_that_names_no_finding_is_invalid_input_and_logged_as_rejected(
    fresh_database: TestDatabase,
) -> None:
    cases = {
        "Finding:999999": "there is no finding 999999",
        "School:phelma": "'School:phelma' is not a finding's id",
        "Finding:1x": "'Finding:1x' is not a finding's id",
    }
    before = await table_rows(fresh_database.engine)
    async with serve(_admin_settings(fresh_database)) as client:
        for finding, message in cases.items():
            data = await post(
                client,
                "mutation($f: ID!) { resolveFinding(finding: $f) "
                "{ ... on InvalidInput { field message } } }",
                BEARER,
                {"f": finding},
            )
            assert data["resolveFinding"] == {"field": "finding", "message": message}, finding
    after = await table_rows(fresh_database.engine)
    assert {name for name, rows in after.items() if rows != before[name]} == {"admin_action"}
    assert await _log(fresh_database) == [
        ("resolve_finding", "finding 999999", None, "rejected"),
        ("resolve_finding", "finding School:phelma", None, "rejected"),
        ("resolve_finding", "finding Finding:1x", None, "rejected"),
    ]
    async with create_sessionmaker(fresh_database.engine)() as session:
        still_open = await session.scalars(select(Finding.id).where(Finding.resolved_at.is_(None)))
        assert len(list(still_open)) == 1


async def test_accepting_a_scraped_value_serves_it_as_an_override_and_announces_it(
    fresh_database: TestDatabase,
) -> None:
    value = LOW_CONFIDENCE_DEADLINE
    await add_low_confidence_deadline(fresh_database)
    async with serve(_admin_settings(fresh_database)) as client:
        accepted = await post(client, MUTATIONS["acceptScrapedValue"], BEARER)
        served = await post(
            client,
            '{ school(slug: "aalto-university") { info { deadlines { date source } } } }',
        )
    assert accepted["acceptScrapedValue"] == {
        "__typename": "ScrapedValueAccepted",
        "field": "deadline",
        "key": "application/autumn",
        "value": value,
        "school": {"slug": "aalto-university"},
    }
    assert served == {
        "school": {"info": {"deadlines": [{"date": "2027-04-15", "source": "OVERRIDE"}]}}
    }
    async with create_sessionmaker(fresh_database.engine)() as session:
        overrides = await session.execute(
            select(SchoolOverride.field, SchoolOverride.key, SchoolOverride.value)
        )
        assert overrides.all() == [("deadline", "application/autumn", value)]
        deliveries = list(await session.scalars(select(WebhookDelivery)))
        assert len(deliveries) == 1
    assert await _log(fresh_database) == [
        ("accept_scraped_value", "aalto-university", "confirmed by e-mail", "applied")
    ]


async def test_accepting_what_was_not_scraped_is_invalid_input_naming_the_argument(
    fresh_database: TestDatabase,
) -> None:
    cases = {
        'slug: "atlantis", field: "deadline", key: "application/autumn", reason: "r"': (
            "slug",
            "unknown school: atlantis",
        ),
        'slug: "aalto-university", field: "deadline", key: "nomination/any", reason: "r"': (
            "field",
            "no scraped deadline 'nomination/any' for aalto-university",
        ),
    }
    before = await table_rows(fresh_database.engine)
    async with serve(_admin_settings(fresh_database)) as client:
        for arguments, (field, message) in cases.items():
            data = await post(
                client,
                f"mutation {{ acceptScrapedValue({arguments}) "
                "{ ... on InvalidInput { field message } } }",
                BEARER,
            )
            assert data["acceptScrapedValue"] == {"field": field, "message": message}
    after = await table_rows(fresh_database.engine)
    assert {name for name, rows in after.items() if rows != before[name]} == {"admin_action"}
    assert [outcome for *_, outcome in await _log(fresh_database)] == ["rejected", "rejected"]
