"""Whole-response cache keyed on the catalogue's data version.

The catalogue changes only when an import, a sync or an admin writes, and every such write
bumps the data version (service.db.versioning). A query's response is a function of (data
version, document, variables, operation name), so successful query responses are kept as
encoded bytes and served again until the version moves; entries of older versions are
dropped as soon as a newer version is seen. Memory is bounded in bytes, least recently used
first out. See docs/decisions/0021-response-cache-keyed-on-data-version.md.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import orjson

#: (query text, canonical variables, operation name)
CacheKey = tuple[str, bytes, str | None]


def cache_key(query: str, variables: dict[str, Any] | None, operation_name: str | None) -> CacheKey:
    """The key for a request; variables are canonicalized (sorted keys, no spaces)."""
    encoded = b"" if not variables else orjson.dumps(variables, option=orjson.OPT_SORT_KEYS)
    return (query, encoded, operation_name)


def _cost(key: CacheKey, body: bytes) -> int:
    return len(body) + len(key[0]) + len(key[1]) + 200


class ResponseCache:
    """Encoded responses of one data version, at most ``max_bytes`` of them."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._version = -1
        self._entries: OrderedDict[CacheKey, bytes] = OrderedDict()
        self._size = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, version: int, key: CacheKey) -> bytes | None:
        """The cached body for ``key`` at ``version``, if any."""
        if version != self._version:
            return None
        body = self._entries.get(key)
        if body is not None:
            self._entries.move_to_end(key)
        return body

    def put(self, version: int, key: CacheKey, body: bytes) -> None:
        """Keep ``body``; a newer ``version`` empties the cache, an older one is ignored."""
        cost = _cost(key, body)
        # One entry may not take more than a quarter of the cache: it would evict all others.
        if cost > self.max_bytes // 4 or version < self._version:
            return
        if version > self._version:
            self._entries.clear()
            self._size = 0
            self._version = version
        previous = self._entries.pop(key, None)
        if previous is not None:
            self._size -= _cost(key, previous)
        self._entries[key] = body
        self._size += cost
        while self._size > self.max_bytes:
            old_key, old_body = self._entries.popitem(last=False)
            self._size -= _cost(old_key, old_body)
