"""Bodies are read within a decoded size cap that holds against compression bombs."""

from __future__ import annotations

import gzip
import tracemalloc
import zlib
from collections.abc import AsyncIterator

import pytest

from scrapers.fetch.body import (
    BodyTooLargeError,
    BodyUnreadableError,
    parse_codings,
    read_body,
)

TEXT = b"<p>Programme d'echange</p>" * 100


async def chunks(data: bytes, size: int = 16_384) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoded", "coding"),
    [
        (TEXT, None),
        (TEXT, "identity"),
        (gzip.compress(TEXT, mtime=0), "gzip"),
        (gzip.compress(TEXT, mtime=0), "x-gzip"),
        (zlib.compress(TEXT), "deflate"),
        (raw_deflate(TEXT), "deflate"),
        (gzip.compress(zlib.compress(TEXT), mtime=0), "deflate, gzip"),
    ],
    ids=["plain", "identity", "gzip", "x-gzip", "zlib-deflate", "raw-deflate", "deflate-then-gzip"],
)
async def test_supported_codings_decode(encoded: bytes, coding: str | None) -> None:
    assert await read_body(chunks(encoded), coding, 10_000) == TEXT


async def test_a_gzip_bomb_stops_at_the_cap_without_inflating() -> None:
    bomb = gzip.compress(b"\0" * 100_000_000, compresslevel=9)
    tracemalloc.start()
    try:
        with pytest.raises(BodyTooLargeError):
            await read_body(chunks(bomb), "gzip", 1_000_000)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # 100 MB of zeros never exist at once: memory stays within a few times the cap.
    assert peak < 5_000_000


async def test_the_cap_is_exact_on_decoded_bytes() -> None:
    assert len(await read_body(chunks(gzip.compress(b"x" * 1000)), "gzip", 1000)) == 1000
    with pytest.raises(BodyTooLargeError):
        await read_body(chunks(gzip.compress(b"x" * 1001)), "gzip", 1000)
    with pytest.raises(BodyTooLargeError):
        await read_body(chunks(b"x" * 1001), None, 1000)


async def test_truncate_keeps_the_first_bytes_instead_of_failing() -> None:
    assert await read_body(chunks(b"x" * 5000, 100), None, 1000, truncate=True) == b"x" * 1000


@pytest.mark.parametrize(
    ("coding", "message"),
    [
        ("br", "unsupported content-encoding br"),
        ("zstd", "unsupported content-encoding zstd"),
        ("gzip, gzip, gzip", "3 stacked content codings"),
    ],
)
def test_unadvertised_codings_are_refused(coding: str, message: str) -> None:
    with pytest.raises(BodyUnreadableError, match=message):
        parse_codings(coding)


async def test_a_corrupt_gzip_body_is_unreadable() -> None:
    with pytest.raises(BodyUnreadableError, match="corrupt gzip body"):
        await read_body(chunks(b"\x1f\x8b\x08\x00garbage-garbage"), "gzip", 1000)
