"""Reading a response body with a hard cap on its decoded size.

httpx decompresses a whole network chunk at once (a 1 MB gzip body came out as one 67 MB chunk),
so the fetcher reads the raw bytes and decompresses them itself, never asking zlib for more than
the bytes still allowed: a compression bomb stops at the cap, not after it has filled memory.
Only gzip and deflate are accepted (and advertised); anything else is refused unread.
"""

from __future__ import annotations

import zlib
from collections.abc import AsyncIterable

#: Content codings we decode, and the only ones the fetcher advertises.
ACCEPT_ENCODING = "gzip, deflate"

_GZIP_WBITS = 16 + zlib.MAX_WBITS
_ZLIB_WBITS = zlib.MAX_WBITS
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS


class BodyTooLargeError(Exception):
    """The body (raw or decoded) exceeds the cap."""


class BodyUnreadableError(Exception):
    """An unsupported or corrupt content coding."""


class _Inflater:
    """One content coding (gzip or deflate), decompressed within a byte budget."""

    def __init__(self, coding: str) -> None:
        self._coding = coding
        self._wbits = _GZIP_WBITS if coding in ("gzip", "x-gzip") else _ZLIB_WBITS
        self._inflater = zlib.decompressobj(self._wbits)
        self._started = False

    def feed(self, data: bytes, budget: int) -> bytes:
        """Decompress ``data``; raises :class:`BodyTooLargeError` past ``budget`` output bytes."""
        if self._coding == "deflate" and not self._started and data:
            # "deflate" is meant to be zlib-wrapped, but servers also send raw deflate.
            self._started = True
            if (data[0] & 0x0F) != 8:
                self._inflater = zlib.decompressobj(_RAW_DEFLATE_WBITS)
        try:
            out = self._inflater.decompress(data, budget + 1)
        except zlib.error as exc:
            raise BodyUnreadableError(f"corrupt {self._coding} body: {exc}") from None
        if len(out) > budget or self._inflater.unconsumed_tail:
            raise BodyTooLargeError
        return out

    def finish(self, budget: int) -> bytes:
        try:
            out = self._inflater.flush()
        except zlib.error as exc:
            raise BodyUnreadableError(f"corrupt {self._coding} body: {exc}") from None
        if len(out) > budget:
            raise BodyTooLargeError
        return out


def parse_codings(content_encoding: str | None) -> list[str]:
    """The content codings applied to a body, in the order they were applied.

    Raises :class:`BodyUnreadableError` for codings we do not decode (br, zstd, compress, …).
    """
    codings = [
        coding.strip().lower()
        for coding in (content_encoding or "").split(",")
        if coding.strip() and coding.strip().lower() != "identity"
    ]
    unsupported = [c for c in codings if c not in ("gzip", "x-gzip", "deflate")]
    if unsupported:
        raise BodyUnreadableError(f"unsupported content-encoding {', '.join(unsupported)}")
    if len(codings) > 2:
        raise BodyUnreadableError(f"{len(codings)} stacked content codings")
    return codings


async def read_body(
    chunks: AsyncIterable[bytes],
    content_encoding: str | None,
    limit: int,
    *,
    truncate: bool = False,
) -> bytes:
    """Read raw ``chunks`` and undo the content codings, keeping at most ``limit`` bytes.

    Raises :class:`BodyTooLargeError` as soon as the raw or decoded size passes ``limit`` (with
    ``truncate``, returns the first ``limit`` decoded bytes instead), and
    :class:`BodyUnreadableError` for a coding we cannot decode.
    """
    # Codings are applied left to right, so they are undone right to left.
    inflaters = [_Inflater(coding) for coding in reversed(parse_codings(content_encoding))]
    out = bytearray()
    try:
        await _inflate_into(out, chunks, inflaters, limit)
    except BodyTooLargeError:
        if truncate:
            return bytes(out[:limit])
        raise
    return bytes(out)


async def _inflate_into(
    out: bytearray, chunks: AsyncIterable[bytes], inflaters: list[_Inflater], limit: int
) -> None:
    raw_size = 0
    async for chunk in chunks:
        raw_size += len(chunk)
        data = chunk
        for inflater in inflaters:
            data = inflater.feed(data, limit - len(out))
        out += data
        if raw_size > limit or len(out) > limit:
            raise BodyTooLargeError
    for index, inflater in enumerate(inflaters):
        data = inflater.finish(limit - len(out))
        for later in inflaters[index + 1 :]:
            data = later.feed(data, limit - len(out))
        out += data
    if len(out) > limit:
        raise BodyTooLargeError
