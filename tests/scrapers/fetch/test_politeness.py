"""Host scheduling: one request per host at a time, a global limit, crawl delays, deferrals."""

from __future__ import annotations

import asyncio

import pytest

from scrapers.fetch.politeness import HostDeferredError, HostScheduler


def scheduler(concurrency: int = 4) -> HostScheduler:
    return HostScheduler(host_delay=0.0, crawl_delay_cap=10.0, concurrency=concurrency)


async def test_one_request_per_host_and_a_global_limit_across_hosts() -> None:
    hosts = scheduler(concurrency=2)
    in_flight: dict[str, int] = {}
    peak = {"global": 0, "per_host": 0}

    async def request(host: str) -> None:
        async with hosts.slot(host):
            in_flight[host] = in_flight.get(host, 0) + 1
            peak["global"] = max(peak["global"], sum(in_flight.values()))
            peak["per_host"] = max(peak["per_host"], in_flight[host])
            await asyncio.sleep(0.01)
            in_flight[host] -= 1

    await asyncio.gather(*(request(f"h{n % 3}.test") for n in range(12)))
    assert peak == {"global": 2, "per_host": 1}
    assert [hosts.requests_sent(f"h{n}.test") for n in range(3)] == [4, 4, 4]


async def test_a_freed_place_goes_to_the_host_met_first_not_to_the_longest_waiter() -> None:
    hosts = scheduler(concurrency=1)
    order: list[str] = []
    holding, release = asyncio.Event(), asyncio.Event()

    async def ask(host: str, asking: asyncio.Event) -> None:
        asking.set()  # nothing yields between here and its place in the queue
        async with hosts.slot(host):
            order.append(host)

    async def hold(host: str) -> None:
        async with hosts.slot(host):
            holding.set()
            await release.wait()

    async with hosts.slot("older.test"):  # met first
        pass
    holder = asyncio.create_task(hold("holder.test"))
    await holding.wait()
    young_asks, older_asks = asyncio.Event(), asyncio.Event()
    young = asyncio.create_task(ask("young.test", young_asks))
    await young_asks.wait()
    older = asyncio.create_task(ask("older.test", older_asks))  # waits less, met earlier
    await older_asks.wait()
    release.set()
    await asyncio.gather(holder, young, older)
    assert order == ["older.test", "young.test"]


async def test_a_waiter_cancelled_in_the_queue_gives_its_place_on() -> None:
    hosts = scheduler(concurrency=1)
    holding, release = asyncio.Event(), asyncio.Event()

    async def hold() -> None:
        async with hosts.slot("holder.test"):
            holding.set()
            await release.wait()

    async def ask(host: str, asking: asyncio.Event) -> str:
        asking.set()
        async with hosts.slot(host):
            return host

    holder = asyncio.create_task(hold())
    await holding.wait()
    first_asks, second_asks = asyncio.Event(), asyncio.Event()
    cancelled = asyncio.create_task(ask("first.test", first_asks))
    await first_asks.wait()
    second = asyncio.create_task(ask("second.test", second_asks))
    await second_asks.wait()
    cancelled.cancel()
    release.set()
    assert await second == "second.test"
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    await holder
    async with hosts.slot("third.test"):  # the place came back
        pass


def test_the_delay_is_the_larger_of_the_minimum_and_the_capped_crawl_delay() -> None:
    hosts = HostScheduler(host_delay=1.0, crawl_delay_cap=10.0, concurrency=1, clock=lambda: 0.0)
    assert hosts.delay_for("a.test") == 1.0
    hosts.set_crawl_delay("a.test", 0.5)
    assert hosts.delay_for("a.test") == 1.0
    hosts.set_crawl_delay("a.test", 5.0)
    assert hosts.delay_for("a.test") == 5.0
    hosts.set_crawl_delay("a.test", 86_400.0)
    assert hosts.delay_for("a.test") == 10.0
    assert hosts.delay_for("b.test") == 1.0


async def test_a_deferred_host_gets_no_more_requests_in_the_run() -> None:
    hosts = scheduler()
    hosts.defer("busy.test", 3600)
    with pytest.raises(HostDeferredError, match=r"busy\.test asked to wait"):
        async with hosts.slot("busy.test"):
            pytest.fail("a deferred host must not get a slot")
    async with hosts.slot("calm.test"):
        pass
    assert hosts.requests_sent("busy.test") == 0


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_a_forgotten_host_keeps_its_spacing_while_it_runs_and_its_deferral(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Let go of once its last school is done, a host keeps only what still holds: the rest of
    its delay (a request coming back early still waits it) and a deferral (for the run)."""
    clock = _Clock()
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(asyncio, "sleep", no_sleep)
    hosts = HostScheduler(host_delay=1.0, crawl_delay_cap=10.0, concurrency=1, clock=clock)
    async with hosts.slot("a.test"):
        pass
    hosts.defer("busy.test", 3600)
    clock.now = 0.25
    hosts.forget("a.test")
    hosts.forget("busy.test")
    assert hosts.hosts_held == 2  # resting: a.test until 1.0, busy.test deferred
    async with hosts.slot("a.test"):  # back early (a redirect from another site)
        pass
    assert waits == [0.75]
    with pytest.raises(HostDeferredError):
        async with hosts.slot("busy.test"):
            pytest.fail("a deferred host stays deferred")
    clock.now = 5.0
    hosts.forget("a.test")
    hosts.forget("busy.test")
    assert hosts.hosts_held == 1  # a.test's delay has run out: nothing kept; busy.test stays
