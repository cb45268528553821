"""robots.txt with RFC 9309 semantics, parsed by Protego, fetched once per origin and run.

- 2xx: the rules apply (the first 500 KiB are parsed).
- 4xx: "unavailable", everything is allowed; except 429, which is a request to slow down, so it
  is read as "unreachable" like a 5xx (what Google does, and the polite reading).
- 5xx, 429, or unreachable (timeout, connection, TLS, DNS, a redirect to a non-public address,
  too many redirects): everything is disallowed for this run.

A page of an origin whose robots.txt could not be reached is not fetched; it is recorded with the
status of the failure (timeout, TLS error, …) when the network failed, or as blocked by robots
when the server answered with an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from protego import Protego

from scrapers.fetch.results import FetchError
from service.db import LinkStatus


@dataclass(frozen=True, slots=True)
class RobotsRules:
    """What one origin's robots.txt allows."""

    parser: Protego | None = None
    disallow_all: bool = False
    #: Why the rules are what they are, for the record of a blocked page.
    note: str = ""
    #: The network failure that kept robots.txt out of reach, reported for the pages.
    failure: FetchError | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        if self.disallow_all:
            return False
        return True if self.parser is None else bool(self.parser.can_fetch(url, user_agent))

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None

    def page_failure(self, url: str) -> FetchError:
        """The verdict for a page these rules do not allow."""
        if self.failure is not None:
            return self.failure
        note = self.note or "disallowed by robots.txt"
        return FetchError(LinkStatus.BLOCKED_BY_ROBOTS, note)


def rules_from_answer(status: int, body: bytes) -> RobotsRules:
    """The rules a robots.txt answer gives (after redirects and retries)."""
    if 200 <= status < 300:
        text = body.decode("utf-8", errors="replace").lstrip("\ufeff")
        return RobotsRules(parser=Protego.parse(text), note="disallowed by robots.txt")
    if status == 429 or status >= 500:
        return RobotsRules(
            disallow_all=True,
            note=f"robots.txt answered {status}: the whole site is off limits for this run "
            "(RFC 9309)",
        )
    # 4xx (and anything else that is not an error of the server): no rules.
    return RobotsRules(note=f"robots.txt answered {status}: no rules")


def rules_from_failure(failure: FetchError) -> RobotsRules:
    """robots.txt was unreachable: nothing of the origin is fetched this run."""
    if failure.status is LinkStatus.SSRF_BLOCKED:
        page = FetchError(
            LinkStatus.BLOCKED_BY_ROBOTS,
            f"robots.txt unreachable ({failure.message}): the whole site is off limits",
        )
    else:
        page = FetchError(failure.status, f"robots.txt unreachable: {failure.message}")
    return RobotsRules(disallow_all=True, note=page.message, failure=page)


class RobotsCache:
    """robots.txt rules per origin for one run; each origin's file is fetched once while its
    host is in use (:meth:`forget` lets a host's rules go once the run is done with it)."""

    def __init__(self, load: Callable[[str], Awaitable[RobotsRules]]) -> None:
        self._load = load
        self._rules: dict[str, RobotsRules] = {}
        self._locks: dict[str, asyncio.Lock] = {}
        #: host → its origins here (``http://h:80``, ``https://h:443``…), for :meth:`forget`.
        self._origins: dict[str, set[str]] = {}

    @property
    def origins_held(self) -> int:
        return len(self._rules) + len(self._locks)

    async def rules_for(self, origin: str, host: str | None = None) -> RobotsRules:
        """The rules of ``origin`` (``scheme://host:port``, of ``host``), loading them on first
        use."""
        if host is not None:
            self._origins.setdefault(host, set()).add(origin)
        async with self._locks.setdefault(origin, asyncio.Lock()):
            if origin not in self._rules:
                self._rules[origin] = await self._load(origin)
            return self._rules[origin]

    def forget(self, host: str) -> None:
        """Let go of the rules of ``host``'s origins (none of them being loaded)."""
        origins = self._origins.get(host, set())
        if any(lock.locked() for origin in origins if (lock := self._locks.get(origin))):
            return
        self._origins.pop(host, None)
        for origin in origins:
            self._rules.pop(origin, None)
            self._locks.pop(origin, None)
