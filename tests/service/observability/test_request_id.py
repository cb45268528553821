"""Every HTTP request gets an id, in the lines logged while serving it and in its response."""

from __future__ import annotations

import io
import json
import logging

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from service.observability.request_id import RequestIdMiddleware

log = logging.getLogger("mobility.test.web")


async def _endpoint(request: Request) -> PlainTextResponse:
    log.info("serving")
    return PlainTextResponse(request.state.request_id)


def _our_lines(stream: io.StringIO) -> list[dict[str, str]]:
    lines = [json.loads(raw) for raw in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == log.name]


def _client() -> httpx.AsyncClient:
    app = Starlette(routes=[Route("/", _endpoint)])
    app.add_middleware(RequestIdMiddleware)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_a_fresh_id_is_in_the_response_and_in_the_log_line(log_stream: io.StringIO) -> None:
    async with _client() as client:
        response = await client.get("/")
    request_id = response.headers["X-Request-ID"]
    assert len(request_id) == 16
    assert response.text == request_id
    (line,) = _our_lines(log_stream)
    assert (line["message"], line["request_id"]) == ("serving", request_id)


async def test_a_plain_client_id_is_kept_and_a_forged_one_replaced(
    log_stream: io.StringIO,
) -> None:
    async with _client() as client:
        kept = await client.get("/", headers={"X-Request-ID": "edge-7f3a"})
        replaced = await client.get("/", headers={"X-Request-ID": "a b"})
    assert kept.headers["X-Request-ID"] == "edge-7f3a"
    assert replaced.headers["X-Request-ID"] != "a b"
    ids = [line["request_id"] for line in _our_lines(log_stream)]
    assert ids == ["edge-7f3a", replaced.headers["X-Request-ID"]]
