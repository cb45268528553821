"""The fetcher: the one way the scrapers reach the web.

One :class:`Fetcher` per run owns one ``httpx.AsyncClient`` and everything that makes a request
polite and safe; nothing else in the code base builds a client (an import contract forbids
``httpx`` outside ``scrapers.fetch``). For each URL it:

1. refuses anything but http(s), resolves the host once per run and refuses non-public addresses
   (:mod:`~scrapers.fetch.resolve`); the transport dials only that validated address;
2. asks the origin's robots.txt (:mod:`~scrapers.fetch.robots`), fetched once per run;
3. waits its turn for the host, for a place in the caller's page window if it gave one
   (:mod:`~scrapers.fetch.window`), and for a global slot (:mod:`~scrapers.fetch.politeness`);
4. sends a GET (conditional when validators are known) with a total deadline for the page;
5. retries connection errors, 408, 429 and 5xx with backoff or Retry-After (:mod:`~.retry`);
6. follows at most ``max_redirects`` redirects by hand, each hop going through steps 1 to 5 again;
7. reads HTML only, within a decoded size cap (:mod:`~.body`), and decodes it (:mod:`~.decode`).

It never raises for what the web does: every outcome is a :class:`FetchResult`.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from types import TracebackType

import certifi
import httpx

from scrapers.fetch.body import ACCEPT_ENCODING
from scrapers.fetch.exchange import Reading, RetryableError, Trip, exchange
from scrapers.fetch.policy import ROBOTS_MAX_BYTES, FetchPolicy
from scrapers.fetch.politeness import HostDeferredError, HostScheduler
from scrapers.fetch.resolve import AddressBook, ResolutionError, Resolver, resolve_with_system
from scrapers.fetch.results import FetchError, FetchResult, Hop, Validators
from scrapers.fetch.retry import backoff_delay, is_retryable_status, parse_retry_after
from scrapers.fetch.robots import RobotsCache, RobotsRules, rules_from_answer, rules_from_failure
from scrapers.fetch.stats import FetchStats
from scrapers.fetch.targets import Target, UnsupportedUrlError, parse_target
from scrapers.fetch.transport import PinnedTransport
from scrapers.fetch.verdict import Answer, judge_answer
from scrapers.fetch.window import PageWindow
from service.addresses import AddressGuard, AddressRefusedError
from service.db import LinkStatus, utcnow


class Fetcher:
    """Polite and safe page fetching for one run (an async context manager)."""

    def __init__(
        self,
        policy: FetchPolicy,
        *,
        resolver: Resolver = resolve_with_system,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.policy = policy
        self._resolver = resolver
        self._ssl_context = ssl_context
        self._client: httpx.AsyncClient | None = None
        #: What this fetcher sent and got, for the run's record (:mod:`.stats`).
        self.stats = FetchStats()
        self._page = Reading(
            accept="text/html,application/xhtml+xml;q=0.9,*/*;q=0.1",
            limit=policy.max_body_bytes,
            html_only=True,
            truncate=False,
        )
        self._robots_reading = Reading(
            accept="text/plain,*/*;q=0.1", limit=ROBOTS_MAX_BYTES, html_only=False, truncate=True
        )

    async def __aenter__(self) -> Fetcher:
        policy = self.policy
        self._addresses = AddressBook(self._resolver, AddressGuard(policy.allowed_networks))
        self.scheduler = HostScheduler(
            host_delay=policy.host_delay,
            crawl_delay_cap=policy.crawl_delay_cap,
            concurrency=policy.concurrency,
        )
        self._robots = RobotsCache(self._load_robots)
        context = self._ssl_context or ssl.create_default_context(cafile=certifi.where())
        self._client = httpx.AsyncClient(
            transport=PinnedTransport(
                self._addresses.pins, ssl_context=context, max_connections=policy.concurrency * 2
            ),
            follow_redirects=False,
            trust_env=False,  # no proxies from the environment: they would bypass the guard
            timeout=httpx.Timeout(policy.page_timeout),
            # A crawler keeps no cookies: they would leak between sites sharing an address.
            cookies=CookieJar(policy=DefaultCookiePolicy(allowed_domains=[])),
            headers={"User-Agent": policy.user_agent, "Accept-Encoding": ACCEPT_ENCODING},
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def forget_host(self, host: str) -> None:
        """Let go of what this fetcher keeps about ``host`` (its address, robots.txt rules and
        spacing) once the caller is done with it, so that a run's memory does not grow with its
        hosts. Its spacing (or deferral) still holds while it runs; a later request to the host
        resolves it and reads its robots.txt again. Its statistics stay (the run's record)."""
        host = host.lower()
        self.scheduler.forget(host)
        self._robots.forget(host)
        self._addresses.forget(host)

    @property
    def hosts_held(self) -> int:
        """Entries of per-host state held (addresses, robots.txt origins, scheduler)."""
        held = self.scheduler.hosts_held + self._robots.origins_held
        return held + self._addresses.hosts_held

    async def fetch(
        self, url: str, validators: Validators | None = None, *, window: PageWindow | None = None
    ) -> FetchResult:
        """Visit ``url`` and say what it is; ``validators`` make the request conditional.

        With ``window`` each request waits for a place in it once its host's turn has come, and
        a result that carries a page (``result.page``) keeps its place: the caller gives it
        back (``window.give()``) once it has read the page. Any other result has given its
        place back already (:mod:`.window`).
        """
        checked_at = utcnow()
        trip = Trip(self.policy.page_timeout, window)
        trip.current = url
        try:
            start = _start_url(url)
            answer = await self._follow(start, trip, self._page, validators, check_robots=True)
            result = judge_answer(
                url,
                answer,
                redirects=tuple(trip.hops),
                checked_at=checked_at,
                response_ms=trip.response_ms,
                retries=trip.retries,
            )
        except FetchError as failure:
            trip.give_place()
            return FetchResult(
                url=url,
                status=failure.status,
                checked_at=checked_at,
                http_status=failure.http_status,
                final_url=trip.current,
                redirects=tuple(trip.hops),
                response_ms=trip.response_ms,
                error=failure.message,
            )
        except BaseException:  # cancelled (a run that stops): no body is kept
            trip.give_place()
            raise
        if result.page is None:  # a 304, an error status, a body that is not an HTML page
            trip.give_place()
        return result

    async def fetch_named(self, url: str, *, accept: str, max_bytes: int) -> Answer:
        """GET a page an operator named (the FAQ page), not a crawled one: the address guard at
        every hop and the size and time caps apply, robots.txt does not (nobody crawls it), and
        any content type is read. Raises :class:`FetchError` unless the answer is a 2xx."""
        trip = Trip(self.policy.page_timeout)
        trip.current = url
        reading = Reading(accept=accept, limit=max_bytes, html_only=False, truncate=False)
        answer = await self._follow(_start_url(url), trip, reading, None, check_robots=False)
        if not 200 <= answer.status < 300:
            raise FetchError(
                LinkStatus.BROKEN, f"answered HTTP {answer.status}", http_status=answer.status
            )
        return answer

    async def _follow(
        self,
        url: httpx.URL,
        trip: Trip,
        reading: Reading,
        validators: Validators | None,
        *,
        check_robots: bool,
    ) -> Answer:
        current = url
        seen = {str(url)}
        while True:
            trip.current = str(current)
            target = _target(current)
            await self._admit(target, str(current), check_robots=check_robots)
            conditional = validators.headers_for(str(current)) if validators else {}
            answer, location = await self._request(
                _Ask(target, current, trip, reading, conditional)
            )
            if location is None:
                return answer
            trip.hops.append(Hop(str(current), answer.status))
            if len(trip.hops) > self.policy.max_redirects:
                raise FetchError(
                    LinkStatus.BROKEN, f"more than {self.policy.max_redirects} redirects"
                )
            if str(location) in seen:
                raise FetchError(LinkStatus.BROKEN, f"redirect loop back to {location}")
            seen.add(str(location))
            current = location

    async def _admit(self, target: Target, url: str, *, check_robots: bool) -> None:
        try:
            await self._addresses.pin(target)
        except ResolutionError as exc:
            self.stats.count_unsent(LinkStatus.DNS_ERROR.value)
            raise FetchError(LinkStatus.DNS_ERROR, str(exc)) from None
        except AddressRefusedError as exc:
            self.stats.count_unsent(LinkStatus.SSRF_BLOCKED.value)
            refusal = f"{exc}: nothing sent"
            if target.literal is None:
                refusal = (
                    f"{target.host} resolves to {exc.address}, which is not a public address "
                    f"({exc.reason}): nothing sent"
                )
            raise FetchError(LinkStatus.SSRF_BLOCKED, refusal) from None
        if not check_robots:
            return
        rules = await self._robots.rules_for(target.origin, target.host)
        if not rules.allows(url, self.policy.user_agent):
            self.stats.count_robots_refusal()
            raise rules.page_failure(url)
        self.scheduler.set_crawl_delay(target.host, rules.crawl_delay(self.policy.user_agent))

    async def _request(self, ask: _Ask) -> tuple[Answer, httpx.URL | None]:
        """One request, retried while it fails in a way that may pass."""
        attempt = 0
        while True:
            failure: FetchError | None = None
            try:
                answer, location = await self._exchange(ask)
            except RetryableError as exc:
                failure = FetchError(LinkStatus.BROKEN, str(exc))
                retry_after = None
            else:
                if not is_retryable_status(answer.status):
                    return answer, location
                retry_after = parse_retry_after(answer.headers.get("retry-after"))
            status = None if failure else answer.status
            if retry_after is not None and retry_after > self.policy.retry_after_cap:
                self.scheduler.defer(ask.target.host, retry_after)
                raise FetchError(
                    LinkStatus.DEFERRED,
                    f"{status} with Retry-After of {retry_after:.0f} s, more than the "
                    f"{self.policy.retry_after_cap:.0f} s we wait: deferred to the next run",
                    http_status=status,
                )
            if attempt >= self.policy.retries:
                if failure is not None:
                    raise FetchError(failure.status, f"{failure.message} ({attempt} retries)")
                if answer.status == 429:
                    self.scheduler.defer(ask.target.host, self.policy.retry_after_cap)
                return answer, location
            if retry_after is None:
                retry_after = backoff_delay(attempt, self.policy.backoff_base)
            self.scheduler.hold(ask.target.host, retry_after)
            attempt += 1
            ask.trip.retries = attempt
            self.stats.count_retry()

    async def _exchange(self, ask: _Ask) -> tuple[Answer, httpx.URL | None]:
        trip = ask.trip
        try:
            # A trip holds no place here: its earlier exchanges (hops, retries) gave theirs back.
            async with self.scheduler.slot(ask.target.host, window=trip.window):
                if trip.window is not None:
                    trip.holds_place = True
                    self.stats.count_window(trip.window)
                if self._client is None:
                    raise RuntimeError("the fetcher is used outside its `async with` block")
                answer, location = await self._counted(self._client, ask)
        except HostDeferredError as exc:
            raise FetchError(
                LinkStatus.DEFERRED,
                f"{exc.host} asked for {exc.seconds:.0f} s of quiet earlier in this run: "
                "deferred to the next run",
            ) from None
        except BaseException:  # a failure, retried or not: no body to keep
            trip.give_place()
            raise
        if answer.body is None:  # a redirect, a retry, an error status: nothing to read
            trip.give_place()
        return answer, location

    async def _counted(
        self, client: httpx.AsyncClient, ask: _Ask
    ) -> tuple[Answer, httpx.URL | None]:
        """One exchange, counted in :attr:`stats` whatever it ends with."""
        loop = asyncio.get_running_loop()
        started = loop.time()
        outcome, size = "CONNECTION_ERROR", 0
        try:
            answer, location = await exchange(
                client, ask.url, ask.trip, ask.reading, ask.conditional
            )
            outcome, size = str(answer.status), len(answer.body or b"")
            return answer, location
        except FetchError as failure:
            outcome = str(failure.http_status or failure.status.value)
            raise
        finally:
            ms = (loop.time() - started) * 1000
            self.stats.count_exchange(ask.target.host, outcome, ms=ms, body_bytes=size)

    async def _load_robots(self, origin: str) -> RobotsRules:
        trip = Trip(self.policy.page_timeout)
        url = httpx.URL(f"{origin}/robots.txt")
        try:
            answer = await self._follow(url, trip, self._robots_reading, None, check_robots=False)
        except FetchError as failure:
            return rules_from_failure(failure)
        return rules_from_answer(answer.status, answer.body or b"")


def _start_url(url: str) -> httpx.URL:
    try:
        return httpx.URL(url).copy_with(fragment=None)
    except httpx.InvalidURL as exc:
        raise FetchError(LinkStatus.BROKEN, f"not a valid URL: {exc}") from None


def _target(url: httpx.URL) -> Target:
    try:
        return parse_target(url)
    except UnsupportedUrlError as exc:
        raise FetchError(LinkStatus.BROKEN, str(exc)) from None


@dataclass(frozen=True)
class _Ask:
    """One request of a trip, as it is sent (and retried, and counted)."""

    target: Target
    url: httpx.URL
    trip: Trip
    reading: Reading
    #: Validator headers that make the request conditional; empty for a plain GET.
    conditional: dict[str, str]
