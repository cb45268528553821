"""Compressed answers: negotiated by Accept-Encoding, over a threshold, streams kept flowing."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from collections.abc import AsyncIterator

import brotli
import httpx
import orjson
import pytest
from graphql import get_introspection_query
from starlette.responses import StreamingResponse
from starlette.types import Message, Receive, Scope, Send

from service.web.compression import OFF_LOOP_BYTES, CompressionMiddleware, choose_encoding
from tests.service.web.conftest import ClientFactory

INTROSPECTION = {"query": get_introspection_query()}
SMALL = {"query": "{ __typename }"}


async def _post(client: httpx.AsyncClient, body: object, encoding: str) -> httpx.Response:
    request = client.build_request(
        "POST", "/graphql", json=body, headers={"Accept-Encoding": encoding}
    )
    response = await client.send(request, stream=True)
    await response.aread()
    return response


async def test_a_large_answer_is_gzipped_when_asked(client: httpx.AsyncClient) -> None:
    plain = await _post(client, INTROSPECTION, "identity")
    zipped = await _post(client, INTROSPECTION, "gzip")
    assert "content-encoding" not in plain.headers
    assert zipped.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["vary"]
    assert zipped.content == plain.content  # httpx decoded it
    assert zipped.num_bytes_downloaded * 5 < plain.num_bytes_downloaded
    assert int(plain.headers["content-length"]) == len(plain.content)
    assert "content-length" not in zipped.headers or int(zipped.headers["content-length"]) == (
        zipped.num_bytes_downloaded
    )


async def test_brotli_is_preferred_when_both_are_accepted(client: httpx.AsyncClient) -> None:
    response = await _post(client, INTROSPECTION, "gzip, deflate, br")
    assert response.headers["content-encoding"] == "br"
    assert orjson.loads(response.content)["data"]["__schema"]["queryType"]["name"] == "Query"


async def test_a_small_answer_is_sent_as_it_is(client: httpx.AsyncClient) -> None:
    response = await _post(client, SMALL, "gzip, br")
    assert "content-encoding" not in response.headers
    assert response.json() == {"data": {"__typename": "Query"}}
    assert "Accept-Encoding" in response.headers["vary"]


async def test_the_threshold_comes_from_the_settings(client_for: ClientFactory) -> None:
    async with client_for(compression_min_bytes=0) as client:
        response = await _post(client, SMALL, "gzip")
    assert response.headers["content-encoding"] == "gzip"
    assert response.json() == {"data": {"__typename": "Query"}}


async def test_refusals_before_execution_still_arrive(client_for: ClientFactory) -> None:
    async with client_for(max_body_bytes=2_048, compression_min_bytes=0) as client:
        big = await _post(client, {"query": "{ __typename }" + " " * 4_096}, "gzip")
    assert big.status_code == 413
    assert big.headers["content-encoding"] == "gzip"
    assert big.json()["errors"][0]["message"] == "The request body is larger than 2048 bytes."


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("gzip, deflate, br", "br"),
        ("gzip;q=1, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("*", "br"),
        ("identity", None),
        ("deflate", None),
        ("", None),
        ("gzip;q=0", None),
    ],
)
def test_the_encoding_follows_the_quality_values(accept: str, chosen: str | None) -> None:
    assert choose_encoding(accept, ("br", "gzip")) == chosen


async def _stream_through(encoding: str) -> tuple[list[bytes], bytes]:
    """Runs a two-chunk stream whose second chunk is produced only once the first was sent."""
    first_sent = asyncio.Event()
    first_piece = orjson.dumps({"chunk": 1, "pad": "x" * 2_000})

    async def body() -> AsyncIterator[bytes]:
        yield first_piece
        await first_sent.wait()
        yield b"\n" + orjson.dumps({"chunk": 2})

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await StreamingResponse(body(), media_type="application/json")(scope, receive, send)

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)
        if message["type"] == "http.response.body" and message.get("body"):
            first_sent.set()

    async def receive() -> Message:
        return {"type": "http.disconnect"}

    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"accept-encoding", encoding.encode())],
    }
    await asyncio.wait_for(
        CompressionMiddleware(app, min_bytes=1_024)(scope, receive, send), timeout=10
    )
    start = dict(sent[0]["headers"])
    assert start[b"content-encoding"] == encoding.encode()
    chunks = [message["body"] for message in sent[1:] if message.get("body")]
    return chunks, first_piece


async def test_a_gzipped_stream_sends_each_chunk_as_it_comes() -> None:
    chunks, first_piece = await _stream_through("gzip")
    decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    assert decoder.decompress(chunks[0]) == first_piece  # decodable alone: it was flushed
    assert gzip.decompress(b"".join(chunks)) == first_piece + b'\n{"chunk":2}'


async def test_a_brotli_stream_sends_each_chunk_as_it_comes() -> None:
    chunks, first_piece = await _stream_through("br")
    decoder = brotli.Decompressor()
    assert decoder.process(chunks[0]) == first_piece
    assert brotli.decompress(b"".join(chunks)) == first_piece + b'\n{"chunk":2}'


@pytest.mark.parametrize("encoding", ["gzip", "br"])
async def test_a_body_over_the_thread_threshold_is_compressed_whole(encoding: str) -> None:
    # Compressed in a worker thread (OFF_LOOP_BYTES): the same bytes come back out.
    body = orjson.dumps([{"slug": f"school-{n}", "n": n} for n in range(40_000)])
    assert len(body) >= OFF_LOOP_BYTES
    sent: list[Message] = []

    async def app(_scope: Scope, _receive: Receive, send: Send) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": 200,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": body})

    async def receive() -> Message:
        return {"type": "http.request", "body": b""}

    async def send(message: Message) -> None:
        sent.append(message)

    scope: Scope = {
        "type": "http",
        "method": "POST",
        "headers": [(b"accept-encoding", encoding.encode())],
    }
    await CompressionMiddleware(app, min_bytes=1_024)(scope, receive, send)
    assert dict(sent[0]["headers"])[b"content-encoding"] == encoding.encode()
    packed = sent[1]["body"]
    assert (gzip.decompress(packed) if encoding == "gzip" else brotli.decompress(packed)) == body
