"""CORS: preflights answered per the Fetch standard from the settings, refusals logged."""

from __future__ import annotations

import logging

import pytest

from tests.service.web.conftest import ClientFactory

APP = "https://mobility.example.org"
TRACKS = "query Tracks { homeTracks { code } }"


def _preflight(
    origin: str = APP, method: str = "POST", headers: str | None = None
) -> dict[str, str]:
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        asked["Access-Control-Request-Headers"] = headers
    return asked


def _cors_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The CORS middleware's log lines only: the app's other warnings (GraphiQL's files missing
    where they were never installed, as in a pip-only checkout) are not this test's."""
    return [record.getMessage() for record in caplog.records if record.name == "service.web.cors"]


async def test_any_requested_header_is_allowed_by_default(
    offline_settings: object, client_for: ClientFactory
) -> None:
    asked = "content-type, apollographql-client-name, sentry-trace, authorization"
    async with client_for(cors_origins=[APP]) as api:
        response = await api.options("/graphql", headers=_preflight(headers=asked))
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-allow-methods"] == "GET, HEAD, POST"
    assert response.headers["access-control-allow-headers"] == asked.replace(" ", "").replace(
        ",", ", "
    )
    assert response.headers["access-control-max-age"] == "600"
    assert response.headers["vary"] == (
        "Origin, Access-Control-Request-Method, Access-Control-Request-Headers"
    )
    assert "access-control-allow-credentials" not in response.headers


async def test_a_configured_header_list_refuses_the_others(
    client_for: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    settings = {
        "cors_origins": [APP],
        "cors_allow_headers": ["Authorization"],
        "cors_max_age_seconds": 60,
    }
    async with client_for(**settings) as api:
        allowed = await api.options(
            "/graphql", headers=_preflight(headers="authorization, content-type")
        )
        with caplog.at_level(logging.WARNING, logger="service.web.cors"):
            refused = await api.options("/graphql", headers=_preflight(headers="sentry-trace"))
    assert (allowed.status_code, allowed.headers["access-control-max-age"]) == (204, "60")
    assert allowed.headers["access-control-allow-headers"] == "authorization, content-type"
    assert refused.status_code == 403
    assert refused.text == (
        "Cross-origin request refused: the headers sentry-trace are not in CORS_ALLOW_HEADERS.\n"
    )
    refusal = f"CORS: refused a request from origin {APP}: "
    assert _cors_lines(caplog) == [
        refusal + "the headers sentry-trace are not in CORS_ALLOW_HEADERS"
    ]


async def test_a_refused_origin_gets_403_and_a_log_line(
    client_for: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with client_for(cors_origins=[APP]) as api:
        with caplog.at_level(logging.WARNING, logger="service.web.cors"):
            preflight = await api.options("/graphql", headers=_preflight("https://evil.example"))
            simple = await api.get(
                "/graphql", params={"query": TRACKS}, headers={"Origin": "https://evil.example"}
            )
            method = await api.options("/graphql", headers=_preflight(method="DELETE"))
    assert preflight.status_code == 403
    assert "access-control-allow-origin" not in preflight.headers
    assert simple.status_code == 200  # answered, but the browser will not let the page read it
    assert "access-control-allow-origin" not in simple.headers
    assert simple.headers["vary"].endswith("Origin")
    assert (
        method.text == "Cross-origin request refused: the method DELETE is not one of GET, POST.\n"
    )
    evil = "CORS: refused a request from origin https://evil.example: "
    assert _cors_lines(caplog) == [
        evil + "its origin is not in CORS_ORIGINS",
        evil + "its origin is not in CORS_ORIGINS",
        f"CORS: refused a request from origin {APP}: the method DELETE is not one of GET, POST",
    ]


async def test_with_cors_off_a_preflight_is_refused_deliberately(
    client_for: ClientFactory, caplog: pytest.LogCaptureFixture
) -> None:
    async with client_for() as api:
        with caplog.at_level(logging.WARNING, logger="service.web.cors"):
            preflight = await api.options("/graphql", headers=_preflight())
        plain_options = await api.options("/graphql")
        same_origin = await api.post(
            "/graphql", json={"query": TRACKS}, headers={"Origin": "http://api.test"}
        )
    assert preflight.status_code == 403
    assert preflight.text == (
        "Cross-origin request refused: cross-origin requests are not enabled on this server "
        "(CORS_ORIGINS).\n"
    )
    assert len(_cors_lines(caplog)) == 1
    assert plain_options.status_code == 405  # not a preflight: the route's own answer
    assert same_origin.status_code == 200
    assert "access-control-allow-origin" not in same_origin.headers
    assert "Origin" not in same_origin.headers["vary"]


async def test_an_allowed_origin_can_read_the_answer_and_its_etag(
    client_for: ClientFactory,
) -> None:
    async with client_for(cors_origins=[APP, "http://localhost:5173"]) as api:
        response = await api.get("/graphql", params={"query": TRACKS}, headers={"Origin": APP})
    async with client_for(cors_origins=["*"]) as api:
        anyone = await api.options("/graphql", headers=_preflight("https://else.example"))
    assert response.headers["access-control-allow-origin"] == APP
    assert response.headers["access-control-expose-headers"] == "X-Request-ID, ETag"
    assert response.headers["vary"] == "Accept, Accept-Encoding, Authorization, Origin"
    assert (anyone.status_code, anyone.headers["access-control-allow-origin"]) == (204, "*")
