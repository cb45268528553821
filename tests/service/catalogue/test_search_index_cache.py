"""The search index is built once per data version, even when the request that asked is cut off."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from service.catalogue.search_documents import SearchDocument, SearchField, SearchTarget
from service.catalogue.search_index import SearchIndexCache

DOCUMENTS = [SearchDocument(SearchTarget.SCHOOL, 1, SearchField.NAME, "Ensimag", "Ensimag")]


async def _documents() -> Sequence[SearchDocument]:
    return DOCUMENTS


async def _must_not_load() -> Sequence[SearchDocument]:
    raise AssertionError("the index was built again")


async def test_one_build_per_version() -> None:
    cache = SearchIndexCache()
    first = await cache.index_for(1, _documents)
    assert await cache.index_for(1, _must_not_load) is first
    assert [hit.text for hit in first.search("ensimag", limit=5)] == ["Ensimag"]


async def test_a_cancelled_request_does_not_throw_the_build_away() -> None:
    cache = SearchIndexCache()
    loaded = asyncio.Event()

    async def load_then_signal() -> Sequence[SearchDocument]:
        loaded.set()
        return DOCUMENTS

    request = asyncio.create_task(cache.index_for(7, load_then_signal))
    await loaded.wait()
    await asyncio.sleep(0)  # the build has started in its thread
    request.cancel()
    with pytest.raises(asyncio.CancelledError):
        await request
    index = await cache.index_for(7, _must_not_load)
    assert [hit.text for hit in index.search("ensimag", limit=5)] == ["Ensimag"]


async def test_an_older_version_never_replaces_a_newer_index() -> None:
    cache = SearchIndexCache()
    newer = await cache.index_for(5, _documents)
    await cache.index_for(4, _documents)
    assert await cache.index_for(5, _must_not_load) is newer
