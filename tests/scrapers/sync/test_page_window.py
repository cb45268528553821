"""A slow reader holds fetching back: the pages fetched and not read never exceed the window.

The schools in flight used to fetch all their pages whatever the reader's pace (the budget only
stopped new schools), so that with extraction slower than fetching the pages waiting for it
were as many as the schools in flight had (decision 0400). Here the reader reads only when the
test lets it, and the test counts, at the fixture server, the pages asked for and not yet read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import replace
from itertools import pairwise

from scrapers.fetch import Fetcher, FetchResult, MappingResolver
from scrapers.reconcile import PageOutcome, PageUnchanged
from scrapers.sync.health import UrlOutcome
from scrapers.sync.plan import PlannedLink, PlannedSchool
from scrapers.sync.visit import NoProgress, SchoolBudget, SchoolReport, Visit
from service.db.models import LinkRole
from tests.scrapers.conftest import LOOPBACK_POLICY
from tests.scrapers.faults import healthy_html
from tests.scrapers.fixture_server import FixtureServer

WINDOW = 3
#: Eight schools of four pages, and one whose ten pages on one host exceed the window.
SCHOOL_PAGES = [4] * 8 + [10]
HOST_DELAY = 0.02


class HeldReader:
    """Reads a page only once the driver lets it (each read waits on a future of its own)."""

    def __init__(self) -> None:
        self.waiting: list[asyncio.Future[None]] = []
        self.read = 0
        self.changed = asyncio.Event()

    async def __call__(self, result: FetchResult) -> PageOutcome:
        gate = asyncio.get_running_loop().create_future()
        self.waiting.append(gate)
        self.changed.set()
        await gate
        self.read += 1
        self.changed.set()
        return PageUnchanged(result.url, result.checked_at)


def page_requests(web: FixtureServer) -> int:
    return sum(1 for request in web.requests if request.path != "/robots.txt")


async def drive(reader: HeldReader, web: FixtureServer, total: int) -> int:
    """Let the reader read one page each time ``WINDOW`` pages wait for it (the fetcher can
    then send nothing more), and every page once all are asked for. Returns the most pages
    asked for and not read seen at any change."""
    most = 0
    while reader.read < total:
        await reader.changed.wait()
        reader.changed.clear()
        most = max(most, page_requests(web) - reader.read)
        waiting = [gate for gate in reader.waiting if not gate.done()]
        if page_requests(web) == total:
            for gate in waiting:
                gate.set_result(None)
        elif len(waiting) >= WINDOW:
            waiting[0].set_result(None)
    return most


async def test_the_pages_a_slow_reader_has_not_read_never_exceed_the_window(
    web: FixtureServer,
) -> None:
    plan = []
    hosts = []
    for n, pages in enumerate(SCHOOL_PAGES):
        host = f"s{n}.test"
        hosts.append(host)
        links = []
        for p in range(pages):
            web.site(host).page(f"/{p}", healthy_html(f"S{n} {p}"))
            links.append(PlannedLink(n * 100 + p, web.url(host, f"/{p}"), LinkRole.HOMEPAGE, host))
        plan.append(PlannedSchool(n, f"s{n}", f"S{n}", tuple(links)))
    total = sum(SCHOOL_PAGES)
    reader = HeldReader()
    recorded: dict[str, Mapping[str, UrlOutcome]] = {}

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        recorded[planned.slug] = visited or {}

    # Every school in flight at once: only the window may hold their pages back.
    budget = SchoolBudget(len(plan), reading=WINDOW)
    policy = replace(LOOPBACK_POLICY, host_delay=HOST_DELAY)
    resolver = MappingResolver({host: ["127.0.0.1"] for host in hosts})
    async with Fetcher(policy, resolver=resolver) as fetcher:
        visit = Visit(
            fetcher, {}, progress=NoProgress(), schools_in_flight=budget, read_page=reader
        )
        driver = asyncio.create_task(drive(reader, web, total))
        await asyncio.wait_for(visit.run(plan, record), 60)
        most_unread = await asyncio.wait_for(driver, 60)
    assert most_unread == WINDOW  # 10 before decision 0400
    assert budget.window is not None
    assert (budget.window.held, budget.window.most_held) == (0, WINDOW)
    # The run's record says so (sync_run.stats).
    assert fetcher.stats.as_record()["pages_held_most"] == WINDOW
    assert sorted(recorded) == sorted(school.slug for school in plan)
    assert all(
        o.read is not None and o.result.page is None for v in recorded.values() for o in v.values()
    )
    # Politeness as before: each host's requests one after the other, its delay apart.
    for host in hosts:
        arrivals = [r.received_at for r in web.requests_for(host)]
        assert all(later - earlier >= HOST_DELAY for earlier, later in pairwise(arrivals))
