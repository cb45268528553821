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
