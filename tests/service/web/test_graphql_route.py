"""/graphql skips Starlette's router and its two middlewares (decision 0321); an exception that
escapes the endpoint still gets exactly what Starlette's ServerErrorMiddleware gives it."""

from __future__ import annotations

import logging

import httpx
import pytest
from asgi_lifespan import LifespanManager
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from service.config import Settings
from service.observability import RequestIdMiddleware
from service.web.app import create_app
from service.web.graphql_endpoint import GraphQLEndpoint

QUERY = {"query": "{ __typename }"}


class BrokenError(RuntimeError):
    pass


async def _fails_before_answering(_self: object, _scope: Scope, _r: Receive, _s: Send) -> None:
    raise BrokenError("before the answer")


async def _fails_after_answering(_self: object, _scope: Scope, _r: Receive, send: Send) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"{}"})
    raise BrokenError("after the answer")


async def _post(app: Starlette, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        return await client.post(path, json=QUERY)


async def _reference(path: str) -> httpx.Response:
    """The same failure behind Starlette's own stack (a route, its ServerErrorMiddleware)."""

    async def endpoint(_request: Request) -> Response:
        raise BrokenError("before the answer")

    app = Starlette(
        routes=[Route(path, endpoint, methods=["POST"])],
        middleware=[Middleware(RequestIdMiddleware, access_log=True)],
    )
    return await _post(app, path)


async def test_an_exception_before_the_answer_gets_starlettes_500(
    offline_settings: Settings, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(GraphQLEndpoint, "__call__", _fails_before_answering)
    app = create_app(offline_settings)
    async with LifespanManager(app):
        with caplog.at_level(logging.INFO, logger="service.access"):
            answer = await _post(app, "/graphql")
    reference = await _reference("/graphql")
    assert answer.status_code == reference.status_code == 500
    assert answer.content == reference.content == b"Internal Server Error"
    assert answer.headers.multi_items() == reference.headers.multi_items()
    # Sent outside the request id's middleware, as before: no X-Request-ID on it.
    assert "x-request-id" not in answer.headers
    # The access line is written as before, with the status the client got.
    lines = [r.getMessage() for r in caplog.records if r.name == "service.access"]
    assert len(lines) == 1
    assert lines[0].startswith("POST /graphql 500 ")


async def test_an_exception_after_the_answer_sends_nothing_more(
    offline_settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(GraphQLEndpoint, "__call__", _fails_after_answering)
    app = create_app(offline_settings)
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"api.test")],
        "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
        "state": {},
    }
    async with LifespanManager(app):
        with pytest.raises(BrokenError):
            await app(scope, receive, send)  # type: ignore[arg-type]
    # The answer went out (the request id on it); no 500 after it.
    assert [message["type"] for message in sent] == ["http.response.start", "http.response.body"]
    assert sent[0]["status"] == 200
    assert any(name == b"x-request-id" for name, _value in sent[0]["headers"])  # type: ignore[attr-defined]


async def test_other_paths_and_methods_still_go_through_starlette(
    offline_client: httpx.AsyncClient,
) -> None:
    put = await offline_client.put("/graphql", json=QUERY)
    assert put.status_code == 405
    assert "x-request-id" in put.headers
    assert (await offline_client.get("/nowhere")).status_code == 404
