"""What an operator relies on: masked errors with request ids, deadlines, caching, concurrency."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from service.db.engine import create_sessionmaker
from service.graphql.resolvers import reference
from service.web import graphql_endpoint
from tests.databases import TestDatabase
from tests.factories import make_home_track
from tests.service.web.conftest import ClientFactory, serve

TRACKS = "{ homeTracks { code } }"


async def _broken(_session: AsyncSession) -> None:
    raise RuntimeError("password=hunter2 in a stack trace")


async def test_an_unexpected_error_is_masked_with_the_request_id_and_logged(
    client_for: ClientFactory,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The failure is injected into a resolver's query: the resolvers must answer.
    monkeypatch.setattr(reference, "list_home_tracks", _broken)
    with caplog.at_level(logging.ERROR):
        async with client_for(compiled_reads=False) as client:
            response = await client.post(
                "/graphql", json={"query": TRACKS}, headers={"X-Request-ID": "req-42"}
            )
    assert response.status_code == 200  # a field error: the operation ran
    assert "hunter2" not in response.text
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": "Unexpected error.",
                "locations": [{"line": 1, "column": 3}],
                "path": ["homeTracks"],
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-42"},
            }
        ],
    }
    [record] = [record for record in caplog.records if "req-42" in record.getMessage()]
    assert record.exc_info is not None
    assert "hunter2" in str(record.exc_info[1])


async def test_a_request_past_its_deadline_gets_503(client_for: ClientFactory) -> None:
    async with client_for(request_deadline_seconds=1e-9) as api:
        response = await api.get("/graphql", params={"query": TRACKS})
        assert response.status_code == 503
        assert response.json()["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"
    # The session was given back: the next request works.
    async with client_for() as api:
        assert (await api.get("/graphql", params={"query": TRACKS})).status_code == 200


async def test_a_body_arriving_too_slowly_gets_408(client_for: ClientFactory) -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"query": '
        await asyncio.Event().wait()  # the rest never comes: only the deadline ends the wait
        yield b'"{ __typename }"}'

    async with client_for(request_deadline_seconds=0.2) as api:
        response = await api.post(
            "/graphql", content=trickle(), headers={"Content-Type": "application/json"}
        )
    assert response.status_code == 408


async def test_many_concurrent_requests_share_nothing_but_the_engine(
    client_for: ClientFactory,
) -> None:
    codes = ["FI", "FR", "CA", "ZZ"] * 8
    query = "query($c: String!) { country(code: $c) { code schools { slug programmes { key } } } }"
    # A queue long and patient enough for all of them, and a deadline too: shedding and
    # deadlines are tested elsewhere (32 at once passed the default 10 s under stress --cpu 2).
    async with client_for(
        graphql_max_queued=32, graphql_queue_wait_seconds=120, request_deadline_seconds=120
    ) as client:
        responses = await asyncio.gather(
            *(
                client.post("/graphql", json={"query": query + " " * n, "variables": {"c": code}})
                for n, code in enumerate(codes)
            )
        )
    assert [response.status_code for response in responses] == [200] * len(codes)
    found = [response.json()["data"]["country"] for response in responses]
    assert [country and country["code"] for country in found] == [
        None if code == "ZZ" else code for code in codes
    ]
    assert len({str(country) for country in found if country and country["code"] == "FR"}) == 1


async def test_responses_are_cached_until_the_data_version_moves(
    fresh_database: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compiled_reads off: the failure below is injected into a resolver's query.
    settings = fresh_database.settings.model_copy(
        update={"data_version_max_age_seconds": 0, "compiled_reads": False}
    )
    async with serve(settings) as api:
        first = await api.post("/graphql", json={"query": TRACKS})
        assert first.json() == {"data": {"homeTracks": [{"code": "IEL"}, {"code": "ISEM"}]}}
        # The query function now fails: only a cache hit can still answer.
        monkeypatch.setattr(reference, "list_home_tracks", _broken)
        again = await api.post("/graphql", json={"query": TRACKS})
        assert again.content == first.content
        monkeypatch.undo()
        async with create_sessionmaker(fresh_database.engine)() as session:
            await make_home_track(session, "GL")
            await session.commit()
        changed = await api.post("/graphql", json={"query": TRACKS})
        assert changed.json() == {
            "data": {"homeTracks": [{"code": "GL"}, {"code": "IEL"}, {"code": "ISEM"}]}
        }


async def test_cached_responses_may_lag_a_write_by_the_configured_age(
    fresh_database: TestDatabase,
) -> None:
    settings = fresh_database.settings.model_copy(update={"data_version_max_age_seconds": 60})
    async with serve(settings) as api:
        before = await api.post("/graphql", json={"query": TRACKS})
        async with create_sessionmaker(fresh_database.engine)() as session:
            await make_home_track(session, "GL")
            await session.commit()
        cached = await api.post("/graphql", json={"query": TRACKS})
        # Another document is not cached: it reads the database, and moves the version on.
        fresh = await api.post("/graphql", json={"query": TRACKS + " "})
        after = await api.post("/graphql", json={"query": TRACKS})
    assert cached.content == before.content
    assert fresh.json()["data"]["homeTracks"][0] == {"code": "GL"}
    assert after.json()["data"]["homeTracks"][0] == {"code": "GL"}


async def test_errors_are_never_cached(
    fresh_database: TestDatabase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # compiled_reads off: the failure is injected into a resolver's query.
    settings = fresh_database.settings.model_copy(update={"compiled_reads": False})
    async with serve(settings) as api:
        monkeypatch.setattr(reference, "list_home_tracks", _broken)
        failed = await api.post("/graphql", json={"query": TRACKS})
        assert failed.json()["errors"][0]["message"] == "Unexpected error."
        monkeypatch.undo()
        recovered = await api.post("/graphql", json={"query": TRACKS})
        assert "errors" not in recovered.json()


async def test_cors_headers_for_configured_origins_only(client_for: ClientFactory) -> None:
    preflight = {
        "Origin": "https://mobility.example.org",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type",
    }
    async with client_for(cors_origins=["https://mobility.example.org"]) as api:
        allowed = await api.options("/graphql", headers=preflight)
        other = await api.options(
            "/graphql", headers={**preflight, "Origin": "https://evil.example"}
        )
        simple = await api.get(
            "/graphql",
            params={"query": TRACKS},
            headers={"Origin": "https://mobility.example.org"},
        )
    assert allowed.status_code == 204
    assert allowed.headers["access-control-allow-origin"] == "https://mobility.example.org"
    assert other.status_code == 403
    assert "access-control-allow-origin" not in other.headers
    assert simple.headers["access-control-allow-origin"] == "https://mobility.example.org"
    assert "x-request-id" in simple.headers["access-control-expose-headers"].lower()
    async with client_for() as api:
        response = await api.get(
            "/graphql", params={"query": TRACKS}, headers={"Origin": "https://mobility.example.org"}
        )
    assert "access-control-allow-origin" not in response.headers


async def test_a_failure_outside_execution_is_masked_too(
    client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(_session: AsyncSession) -> int:
        raise RuntimeError("password=hunter2 before execution")

    monkeypatch.setattr(graphql_endpoint, "read_data_version", broken)
    with caplog.at_level(logging.ERROR):
        response = await client.post(
            "/graphql", json={"query": TRACKS}, headers={"X-Request-ID": "req-43"}
        )
    assert response.status_code == 500
    assert response.headers["x-request-id"] == "req-43"
    assert response.json() == {
        "errors": [
            {
                "message": "Unexpected error.",
                "extensions": {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-43"},
            }
        ]
    }
    [record] = [record for record in caplog.records if "req-43" in record.getMessage()]
    assert record.exc_info is not None
