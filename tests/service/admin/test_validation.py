"""Admin input checks return the cleaned value or raise a typed rejection naming the argument."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.validation import (
    MAX_SCHOOLS_PER_REQUEST,
    InvalidInput,
    InvalidInputError,
    OverrideInput,
    check_override,
    check_reason,
    check_school_slug,
    check_school_slugs,
    check_url,
)
from service.db.models import School
from tests.factories import make_school


def _refusal(check: Callable[[], object]) -> InvalidInput:
    with pytest.raises(InvalidInputError) as caught:
        check()
    return caught.value.invalid


async def _refusal_of(check: Awaitable[object]) -> InvalidInput:
    with pytest.raises(InvalidInputError) as caught:
        await check
    return caught.value.invalid


def test_an_http_url_is_accepted_and_trimmed() -> None:
    assert check_url(" https://ensias.example/faq.md ") == "https://ensias.example/faq.md"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "'file:///etc/passwd' is not an http or https URL"),
        ("javascript:alert(1)", "'javascript:alert(1)' is not an http or https URL"),
        ("https://admin:pw@ensias.example/", "the URL must not carry a user name or password"),
        ("", "the URL is empty"),
    ],
)
def test_other_urls_are_typed_errors(url: str, message: str) -> None:
    assert _refusal(lambda: check_url(url)) == InvalidInput("url", message)


def test_a_reason_is_required_collapsed_and_bounded() -> None:
    assert check_reason("  site   moved\n to https ") == "site moved to https"
    assert _refusal(lambda: check_reason(None)) == InvalidInput(
        "reason", "give a reason: it is kept in the admin log"
    )
    assert _refusal(lambda: check_reason(" \t ")) == InvalidInput(
        "reason", "give a reason: it is kept in the admin log"
    )
    assert check_reason("x" * 500) == "x" * 500
    assert _refusal(lambda: check_reason("x" * 501)) == InvalidInput(
        "reason", "the reason is longer than 500 characters"
    )


_NOT_ALPHA2 = "is not an ISO 3166-1 alpha-2 country code"


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("city", "  Saint-Étienne ", OverrideInput("city", "Saint-Étienne")),
        ("name", "École  des\nMines", OverrideInput("name", "École des Mines")),
        ("country_code", " fi ", OverrideInput("country_code", "FI")),
        ("website", "https://esisar.example/", OverrideInput("website", "https://esisar.example/")),
        ("country_code", "XX", InvalidInput("value", f"'XX' {_NOT_ALPHA2}")),
        ("country_code", "FRA", InvalidInput("value", f"'FRA' {_NOT_ALPHA2}")),
        ("website", "ftp://e.example", InvalidInput("value", "'ftp://e.example' is not an http or https URL")),  # noqa: E501
        ("city", "   ", InvalidInput("value", "the value is empty")),
        ("short_name", "x" * 121, InvalidInput("value", "the value is longer than 120 characters")),
        ("name", "x" * 5000, InvalidInput("value", "the value is longer than 4096 characters")),
    ],
)  # fmt: skip
def test_override_values_are_checked_by_field(
    field: str, value: str, expected: OverrideInput | InvalidInput
) -> None:
    if isinstance(expected, InvalidInput):
        assert _refusal(lambda: check_override(field, value)) == expected
    else:
        assert check_override(field, value) == expected


def test_an_unknown_field_lists_the_known_ones() -> None:
    assert _refusal(lambda: check_override("places", "3")) == InvalidInput(
        "field",
        "'places' cannot be overridden; fields: city, country_code, name, short_name, website",
    )


async def test_known_slugs_come_back_deduplicated_in_order(session: AsyncSession) -> None:
    await make_school(session, slug="phelma")
    await make_school(session, slug="esisar")
    assert await check_school_slugs(session, [" esisar", "phelma", "esisar"]) == [
        "esisar",
        "phelma",
    ]
    assert await check_school_slugs(session, []) == []


async def test_unknown_slugs_are_named_in_the_error(session: AsyncSession) -> None:
    await make_school(session, slug="phelma")
    ghosts = ["phelma", *(f"ghost-{n}" for n in range(7))]
    assert await _refusal_of(check_school_slugs(session, ghosts)) == InvalidInput(
        "schools", "unknown schools: ghost-0, ghost-1, ghost-2, ghost-3, ghost-4 and 2 more"
    )


async def test_too_many_or_malformed_slugs_are_refused_before_any_query(
    session: AsyncSession,
) -> None:
    too_many = [f"s-{n}" for n in range(MAX_SCHOOLS_PER_REQUEST + 1)]
    assert await _refusal_of(check_school_slugs(session, too_many)) == InvalidInput(
        "schools", "at most 200 schools per request"
    )
    assert await _refusal_of(check_school_slugs(session, ["ok", ""])) == InvalidInput(
        "schools", "a school slug is 1 to 120 characters long"
    )


async def test_one_slug_resolves_to_its_school(session: AsyncSession) -> None:
    school = await make_school(session, slug="mines-saint-etienne")
    found = await check_school_slug(session, "mines-saint-etienne ")
    assert isinstance(found, School)
    assert found.id == school.id
    assert await _refusal_of(check_school_slug(session, "nowhere")) == InvalidInput(
        "slug", "unknown school: nowhere"
    )
