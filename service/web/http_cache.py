"""HTTP caching of query answers: ETag, Cache-Control, Vary and 304 Not Modified.

An answer is a function of (data version, document, variables, operation name), the key of
the response cache (service.web.response_cache, decision 0021); its ETag is made of the same
things, so a browser or CDN revalidating with ``If-None-Match`` gets 304 without the query
being run, for as long as the data version has not moved. ETags are weak (``W/``): the bytes
differ by media type and content encoding, the meaning does not. See
docs/decisions/0096-http-caching-of-query-answers.md.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache

from service.web.plain_http import Answer
from service.web.response_cache import CacheKey

#: What an answer's bytes depend on besides the URL or body (Origin is added by service.web.cors).
VARY = "Accept, Accept-Encoding, Authorization"
#: Answers that depend on the caller's token, or that changed something.
PRIVATE = "private, no-store"


#: Keys up to this many characters keep their digest (a request and its repeats hash it once).
DIGEST_MEMO_CHARS = 4096


def etag_of(version: int, key: CacheKey) -> str:
    """The entity tag of a successful answer to ``key`` at data ``version``."""
    query, variables, operation = key
    small = len(query) + len(variables) + len(operation or "") <= DIGEST_MEMO_CHARS
    return f'W/"{version}-{_remembered_digest(key) if small else _digest(key)}"'


def _digest(key: CacheKey) -> str:
    query, variables, operation = key
    digest = hashlib.sha256()
    for part in (query.encode("utf-8"), variables, (operation or "").encode("utf-8")):
        digest.update(len(part).to_bytes(8, "big"))  # lengths first: no two keys collide
        digest.update(part)
    return digest.hexdigest()[:32]


_remembered_digest = lru_cache(maxsize=1024)(_digest)


def public_cache_control(max_age: int) -> str:
    """Cache-Control of an anonymous query answer; max-age 0 still lets caches revalidate."""
    if max_age == 0:
        return "public, no-cache"
    return f"public, max-age={max_age}"


def _opaque(tag: str) -> str:
    tag = tag.strip()
    return tag[2:] if tag.startswith("W/") else tag


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether ``If-None-Match`` names ``etag`` (weak comparison, RFC 9110 §13.1.2)."""
    if not if_none_match:
        return False
    wanted = _opaque(etag)
    return any(
        candidate.strip() == "*" or _opaque(candidate) == wanted
        for candidate in if_none_match.split(",")
    )


def mark_public(answer: Answer, etag: str, max_age: int) -> Answer:
    """Label an anonymous successful query answer as cacheable by anyone until it changes."""
    answer.set("ETag", etag)
    answer.set("Cache-Control", public_cache_control(max_age))
    answer.set("Vary", VARY)
    return answer


def mark_private(answer: Answer, etag: str | None = None) -> Answer:
    """Label an answer no cache may keep (it depends on the token, or it wrote something)."""
    if etag is not None:
        answer.set("ETag", etag)
    answer.set("Cache-Control", PRIVATE)
    answer.set("Vary", VARY)
    return answer


def not_modified(etag: str, max_age: int) -> Answer:
    """The 304 for a client that already holds the answer tagged ``etag``."""
    return Answer.build(
        b"",
        status=304,
        headers={"ETag": etag, "Cache-Control": public_cache_control(max_age), "Vary": VARY},
    )
