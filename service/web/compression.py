"""Compressing responses: brotli (when installed) or gzip, as ``Accept-Encoding`` allows.

A pure ASGI middleware that only wraps ``send``: the request body still reaches the endpoint
untouched, so its 413 and 408 answers (read while the body arrives) are not delayed. A body
of at least ``min_bytes`` (or of unknown length) in a compressible media type is compressed;
a streamed body is compressed chunk by chunk and flushed after each one, so a stream keeps
flowing. A compressed answer's ETag becomes weak (its bytes are the encoding's, its meaning
the same). See docs/decisions/0097-compression-in-the-application.md.
"""

from __future__ import annotations

import asyncio
import functools
import zlib
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.observability import header_of, set_response_header

try:  # brotli is optional: `pip install mobility-catalog[brotli]`
    import brotli
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None

#: The introspection answer (131 KB): gzip 6 gives 14.9 KB in 1.8 ms, brotli 5 13.9 KB in 1.8 ms,
#: brotli 11 11.8 KB in 147 ms (too slow for answers made per request).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
_COMPRESSIBLE = ("text/", "application/json", "application/javascript", "image/svg+xml")
_COMPRESSIBLE_SUFFIXES = ("+json", "+xml")


def available_encodings() -> tuple[str, ...]:
    """The encodings this installation can produce, preferred first."""
    return ("br", "gzip") if brotli is not None else ("gzip",)


def choose_encoding(accept_encoding: str | None, offered: tuple[str, ...]) -> str | None:
    """The encoding to answer with (highest quality, then our preference), or None: identity."""
    if not accept_encoding:
        return None
    qualities: dict[str, float] = {}
    for part in accept_encoding.split(","):
        coding, *parameters = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if coding:
            qualities[coding.lower()] = quality
    best: tuple[float, int, str] | None = None
    for rank, coding in enumerate(offered):
        quality = qualities.get(coding, qualities.get("*", 0.0))
        if quality > 0 and (best is None or (quality, -rank) > best[:2]):
            best = (quality, -rank, coding)
    return best[2] if best is not None else None


@functools.lru_cache(maxsize=64)
def _compressible(content_type: str) -> bool:
    """Whether a body of ``content_type`` is worth compressing (the application's few media
    types, kept: this is asked for every response)."""
    media = content_type.split(";", 1)[0].strip().lower()
    return media.startswith(_COMPRESSIBLE) or media.endswith(_COMPRESSIBLE_SUFFIXES)


def _compressor(encoding: str) -> tuple[Callable[[bytes], bytes], Callable[[], bytes]]:
    """(compress a chunk and flush it, finish the stream) for ``encoding``."""
    if encoding == "br":
        engine = brotli.Compressor(quality=BROTLI_QUALITY)
        return (lambda chunk: engine.process(chunk) + engine.flush()), engine.finish
    gzip = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return (lambda chunk: gzip.compress(chunk) + gzip.flush(zlib.Z_SYNC_FLUSH)), gzip.flush


#: Bodies from this size on are compressed in a worker thread, off the event loop.
OFF_LOOP_BYTES = 256 * 1024


class CompressionMiddleware:
    """Compresses what the application sends, when the client accepts it and it is worth it."""

    def __init__(self, app: ASGIApp, *, min_bytes: int) -> None:
        self.app = app
        self.min_bytes = min_bytes
        self.offered = available_encodings()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] == "HEAD":
            await self.app(scope, receive, send)
            return
        encoding = choose_encoding(header_of(scope, b"accept-encoding"), self.offered)
        if encoding is None:
            await self.app(scope, receive, _identity(send))
            return
        await self.app(scope, receive, _Encoder(send, encoding, self.min_bytes).send)


def _identity(send: Send) -> Send:
    """``_Encoder(send, None, …).send`` as one closure (most answers, cheaper per request): the
    start is held until the first body chunk, then sent with ``Vary`` as it is for a
    compressible media type; everything after goes through."""
    start: Message | None = None
    decided = False

    async def send_identity(message: Message) -> None:
        nonlocal start, decided
        kind = message["type"]
        if kind == "http.response.start":
            start = message
            return
        if kind != "http.response.body" or decided:
            await send(message)
            return
        decided = True
        assert start is not None, "a body before the response started"
        _add_vary_raw(start)
        await send(start)
        await send(message)

    return send_identity


class _Encoder:
    """The ``send`` of one response the client accepts ``encoding`` for: holds its start until
    the first body chunk decides (``_identity`` when it accepts none)."""

    def __init__(self, send: Send, encoding: str, min_bytes: int) -> None:
        self._send = send
        self._encoding = encoding
        self._min_bytes = min_bytes
        self._start: Message | None = None
        self._compress: Callable[[bytes], bytes] | None = None
        self._finish: Callable[[], bytes] | None = None
        self._decided = False

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self._start = message
            return
        if message["type"] != "http.response.body" or self._decided:
            await self._body(message)
            return
        self._decided = True
        start = self._start
        assert start is not None, "a body before the response started"
        headers = MutableHeaders(raw=start["headers"])
        if self._worth_it(start["status"], headers, message):
            self._compress, self._finish = _compressor(self._encoding)
            del headers["content-length"]
            headers["Content-Encoding"] = self._encoding
            if (etag := headers.get("etag")) is not None and not etag.startswith("W/"):
                headers["ETag"] = f"W/{etag}"
        if _compressible(headers.get("content-type", "")):
            _add_vary(headers)
        await self._send(start)
        await self._body(message)

    def _worth_it(self, status: int, headers: MutableHeaders, first: Message) -> bool:
        if status < 200 or status in (204, 206, 304):
            return False
        if "content-encoding" in headers or not _compressible(headers.get("content-type", "")):
            return False
        if first.get("more_body", False):
            declared = headers.get("content-length")
            return declared is None or int(declared) >= self._min_bytes
        return len(first.get("body", b"")) >= self._min_bytes

    async def _body(self, message: Message) -> None:
        if (
            self._compress is None
            or self._finish is None
            or message["type"] != "http.response.body"
        ):
            await self._send(message)
            return
        more = message.get("more_body", False)
        body = message.get("body", b"")
        if len(body) >= OFF_LOOP_BYTES:
            # zlib and brotli release the GIL: a multi-megabyte answer (the full tree, ~0.2 s
            # to gzip) is compressed in a thread while the loop serves /healthz and the rest.
            data = await asyncio.to_thread(self._compress, body)
        else:
            data = self._compress(body)
        if not more:
            data += self._finish()
        await self._send({"type": "http.response.body", "body": data, "more_body": more})


def _add_vary_raw(start: Message) -> None:
    """:func:`_add_vary` on the start message's raw headers, for a compressible body."""
    content_type: bytes | None = None
    vary_raw: bytes | None = None
    for key, value in start["headers"]:  # one pass, the first value of each
        if key == b"content-type":
            if content_type is None:
                content_type = value
        elif key == b"vary" and vary_raw is None:
            vary_raw = value
    if content_type is None or not _compressible(content_type.decode("latin-1")):
        return
    vary = None if vary_raw is None else vary_raw.decode("latin-1")
    if vary is None:
        set_response_header(start, b"vary", "Accept-Encoding")
    elif not _names_accept_encoding(vary):
        set_response_header(start, b"vary", f"{vary}, Accept-Encoding")


@functools.lru_cache(maxsize=64)
def _names_accept_encoding(vary: str) -> bool:
    """Whether a ``Vary`` value already names ``Accept-Encoding`` (the application's few)."""
    return "accept-encoding" in (part.strip().lower() for part in vary.split(","))


def _add_vary(headers: MutableHeaders) -> None:
    vary = headers.get("vary")
    if vary is None:
        headers["Vary"] = "Accept-Encoding"
    elif not _names_accept_encoding(vary):
        headers["Vary"] = f"{vary}, Accept-Encoding"
