"""Unexpected errors are masked (with the request id) and logged; the client's own are not."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.graphql.resolvers import reference
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute


async def test_an_unexpected_exception_is_masked_and_logged_with_its_traceback(
    session: AsyncSession,
    resolve: Execute,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await build_sample_catalogue(session)

    async def broken(_session: AsyncSession) -> None:
        raise RuntimeError("secret connection string leaked")

    monkeypatch.setattr(reference, "list_home_tracks", broken)
    with caplog.at_level(logging.ERROR, logger="service.graphql"):
        # Through the resolvers: the compiled path does not call the patched function.
        result = await resolve('{ homeTracks { code } country(code: "FI") { code } }')
    # homeTracks is a non-null list: its error nulls the whole response.
    assert result.data is None
    assert result.errors is not None
    [error] = [error.formatted for error in result.errors]
    assert error == {
        "message": "Unexpected error.",
        "locations": [{"line": 1, "column": 3}],
        "path": ["homeTracks"],
        "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "test-request"},
    }
    [record] = caplog.records
    assert "test-request" in record.getMessage()
    assert record.exc_info is not None
    assert "secret connection string leaked" in str(record.exc_info[1])


async def test_syntax_and_validation_errors_stay_readable_and_are_not_logged(
    session: AsyncSession, execute: Execute, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.DEBUG, logger="service.graphql"):
        syntax = await execute("{ countries { code }")
        validation = await execute("{ countries { population } }")
    assert [error.formatted for error in syntax.errors or []] == [
        {
            "message": "Syntax Error: Expected Name, found <EOF>.",
            "locations": [{"line": 1, "column": 21}],
        }
    ]
    assert [error.message for error in validation.errors or []] == [
        "Cannot query field 'population' on type 'Country'."
    ]
    assert caplog.records == []
