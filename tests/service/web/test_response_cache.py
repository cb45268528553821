"""The response cache: keyed on the data version, bounded in bytes, least recently used out."""

from __future__ import annotations

from service.web.response_cache import ResponseCache, cache_key


def test_variables_are_canonical_in_the_key() -> None:
    assert cache_key("q", {"b": 1, "a": [1, 2]}, None) == cache_key(
        "q", {"a": [1, 2], "b": 1}, None
    )
    assert cache_key("q", {}, None) == cache_key("q", None, None)
    assert cache_key("q", None, "A") != cache_key("q", None, None)


def test_an_entry_is_served_for_its_version_only() -> None:
    cache = ResponseCache(max_bytes=100_000)
    key = cache_key("{ countries { code } }", None, None)
    cache.put(7, key, b'{"data":1}')
    assert cache.get(7, key) == b'{"data":1}'
    assert cache.get(8, key) is None


def test_a_newer_version_empties_the_cache_and_an_older_one_is_ignored() -> None:
    cache = ResponseCache(max_bytes=100_000)
    old, new = cache_key("a", None, None), cache_key("b", None, None)
    cache.put(1, old, b"old")
    cache.put(2, new, b"new")
    assert len(cache) == 1
    assert cache.get(1, old) is None
    cache.put(1, old, b"stale")  # a request that read version 1 before the change
    assert cache.get(1, old) is None
    assert cache.get(2, new) == b"new"


def test_memory_is_bounded_and_the_least_recently_used_goes_first() -> None:
    cache = ResponseCache(max_bytes=4_000)
    keys = [cache_key(str(number), None, None) for number in range(5)]
    for key in keys[:4]:
        cache.put(1, key, b"x" * 700)
    assert len(cache) == 4
    assert cache.get(1, keys[0]) is not None  # keys[0] is now the most recent
    cache.put(1, keys[4], b"x" * 700)
    assert [cache.get(1, key) is not None for key in keys] == [True, False, True, True, True]


def test_an_entry_larger_than_a_quarter_of_the_cache_is_not_kept() -> None:
    cache = ResponseCache(max_bytes=4_000)
    key = cache_key("big", None, None)
    cache.put(1, key, b"x" * 1_000)
    assert cache.get(1, key) is None
    assert ResponseCache(max_bytes=0).get(1, key) is None
