"""Visiting a plan: the https version of an http link, looked for once; the school budget."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import cast

import pytest

from scrapers.fetch import FetchedPage, Fetcher, FetchResult, PageWindow, Validators
from scrapers.reconcile import PageOutcome, PageUnchanged
from scrapers.sync.health import KnownUrl, UrlOutcome
from scrapers.sync.plan import PlannedLink, PlannedSchool
from scrapers.sync.visit import NoProgress, SchoolBudget, SchoolReport, Visit
from service.db.models import LinkRole, LinkStatus
from tests.scrapers.conftest import LOOPBACK_POLICY

NOW = datetime(2026, 3, 2, tzinfo=UTC)


class ScriptedFetcher:
    """Answers from a table, and remembers what it was asked."""

    policy = LOOPBACK_POLICY

    def __init__(self, statuses: Mapping[str, LinkStatus]) -> None:
        self._statuses = statuses
        self.asked: list[str] = []
        self.forgotten: list[str] = []

    def forget_host(self, host: str) -> None:
        self.forgotten.append(host)

    async def fetch(
        self, url: str, validators: Validators | None = None, *, window: PageWindow | None = None
    ) -> FetchResult:
        self.asked.append(url)
        return FetchResult(url=url, status=self._statuses[url], checked_at=NOW, final_url=url)


async def visit_one(
    url: str, statuses: Mapping[str, LinkStatus], known: Mapping[str, KnownUrl] | None = None
) -> tuple[UrlOutcome, list[str]]:
    fetcher = ScriptedFetcher(statuses)
    school = PlannedSchool(
        1, "ensim", "ENSIM", (PlannedLink(1, url, LinkRole.HOMEPAGE, "school:ensim"),)
    )
    outcomes: dict[str, UrlOutcome] = {}

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        outcomes.update(visited or {})

    visit = Visit(cast(Fetcher, fetcher), known or {}, progress=NoProgress(), schools_in_flight=1)
    await visit.run([school], record)
    return outcomes[url], fetcher.asked


async def test_an_http_link_gets_its_https_twin_probed() -> None:
    url, twin = "http://ensim.test/fr/", "https://ensim.test/fr/"
    outcome, asked = await visit_one(url, {url: LinkStatus.OK, twin: LinkStatus.OK})
    assert (outcome.https_url, asked) == (twin, [url, twin])


async def test_a_twin_that_does_not_work_is_not_recorded() -> None:
    url, twin = "http://ensim.test/fr/", "https://ensim.test/fr/"
    outcome, _ = await visit_one(url, {url: LinkStatus.OK, twin: LinkStatus.TLS_ERROR})
    assert outcome.https_url is None


@pytest.mark.parametrize(
    ("url", "status", "known"),
    [
        ("https://ensim.test/fr/", LinkStatus.OK, None),
        ("http://ensim.test:8080/fr/", LinkStatus.OK, None),
        ("http://ensim.test/fr/", LinkStatus.DNS_ERROR, None),
        ("http://ensim.test/fr/", LinkStatus.BLOCKED_BY_ROBOTS, None),
        ("http://ensim.test/fr/", LinkStatus.OK, KnownUrl(None, "https://ensim.test/fr/")),
    ],
)
async def test_no_probe_when_it_cannot_or_need_not_help(
    url: str, status: LinkStatus, known: KnownUrl | None
) -> None:
    outcome, asked = await visit_one(url, {url: status}, {url: known} if known else None)
    assert (outcome.https_url, asked) == (None, [url])


async def test_a_pages_outcome_is_let_go_once_every_school_needing_it_is_recorded() -> None:
    shared, own_a, own_b = "https://a.test/shared", "https://a.test/a", "https://b.test/b"
    fetcher = ScriptedFetcher(dict.fromkeys((shared, own_a, own_b), LinkStatus.OK))
    plan = [
        PlannedSchool(
            1,
            "a",
            "A",
            (
                PlannedLink(1, own_a, LinkRole.HOMEPAGE, "school:a"),
                PlannedLink(3, shared, LinkRole.EXCHANGE_PAGE, "programme:p"),
            ),
        ),
        PlannedSchool(
            2,
            "b",
            "B",
            (
                PlannedLink(2, own_b, LinkRole.HOMEPAGE, "school:b"),
                PlannedLink(3, shared, LinkRole.EXCHANGE_PAGE, "programme:p"),
            ),
        ),
    ]
    visit = Visit(cast(Fetcher, fetcher), {}, progress=NoProgress(), schools_in_flight=1)
    held: dict[str, set[str]] = {}

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        held[planned.slug] = visit.held_urls

    await visit.run(plan, record)
    # While B is recorded, A's own page is gone; the shared one is still B's.
    assert {own_a, shared} <= held["a"]
    assert held["b"] == {own_b, shared}
    assert visit.held_urls == set()
    assert sorted(fetcher.asked) == sorted([own_a, shared, own_b])


async def test_no_school_starts_while_the_reader_has_its_fill() -> None:
    budget = SchoolBudget(4, reading=1)
    await budget.start()
    with budget.reading():
        second = asyncio.create_task(budget.start())
        await asyncio.sleep(0)  # one turn of the loop: it has its place, and waits for room
        assert not second.done()
    await asyncio.wait_for(second, 30)  # room again: it starts
    with budget.reading():
        cancelled = asyncio.create_task(budget.start())
        await asyncio.sleep(0)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
    # Two of four places are taken: the cancelled start gave its own back.
    await asyncio.wait_for(budget.start(), 30)
    await asyncio.wait_for(budget.start(), 30)
    budget.end()


class PagingFetcher(ScriptedFetcher):
    """Answers every URL with a page of its own."""

    async def fetch(
        self, url: str, validators: Validators | None = None, *, window: PageWindow | None = None
    ) -> FetchResult:
        self.asked.append(url)
        page = FetchedPage(url, url, 200, {}, f"<p>{url}</p>", "utf-8", "header", NOW)
        return FetchResult(url=url, status=LinkStatus.OK, checked_at=NOW, final_url=url, page=page)


def _pages_alive(urls: set[str]) -> set[str]:
    gc.collect()
    return {
        thing.url for thing in gc.get_objects() if type(thing) is FetchedPage and thing.url in urls
    }


async def test_a_school_waiting_for_the_recorder_holds_no_page_it_has_read() -> None:
    """While the recorder is busy, a school already read waits in its queue: it held its pages
    (the fetch's results, kept by its visit's frame) although only their verdicts wait to be
    recorded."""
    plan = [
        PlannedSchool(
            n, f"s{n}", f"S{n}", (PlannedLink(n, url, LinkRole.HOMEPAGE, f"school:s{n}"),)
        )
        for n, url in enumerate(f"https://s{n}.test/" for n in range(2))
    ]
    last = plan[-1]
    fetcher = PagingFetcher({})
    last_read = asyncio.Event()
    alive: list[set[str]] = []

    async def read(school: PlannedSchool, outcomes: Mapping[str, UrlOutcome]) -> None:
        if school is last:
            last_read.set()  # it goes on to the recorder's queue, which is full

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        if planned is plan[0]:
            await last_read.wait()  # the second school is read and queued meanwhile
            alive.append(_pages_alive(set(last.urls)))

    # Two schools in flight: the first is being recorded, the second read and queued.
    visit = Visit(cast(Fetcher, fetcher), {}, progress=NoProgress(), schools_in_flight=2, read=read)
    await visit.run(plan, record)
    assert alive == [set()]


async def test_a_page_is_read_and_let_go_before_its_schools_next_page_is_fetched() -> None:
    """Each URL is read as soon as it is fetched, not once its school's last page is: a page
    waited for three more requests on its host, a second apart, then for the reader, and with
    256 schools in flight those were most of the pages a run held (decision 0366). A URL of
    two schools is read once, and both schools get what it read."""
    shared = "https://a.test/shared"
    own = [f"https://a.test/{n}" for n in range(3)]
    programme = PlannedLink(9, shared, LinkRole.EXCHANGE_PAGE, "programme:p")
    links = [PlannedLink(n, url, LinkRole.HOMEPAGE, "school:a") for n, url in enumerate(own)]
    plan = [
        PlannedSchool(1, "a", "A", (*links, programme)),
        PlannedSchool(2, "b", "B", (programme,)),
    ]
    reads: list[str] = []
    read_done = {url: asyncio.Event() for url in [*own, shared]}
    alive_at_fetch: dict[str, set[str]] = {}

    class HostFetcher(PagingFetcher):
        """A host's pages one after the other, each once the one before it is read (the
        host's delay, a second, is longer than a read)."""

        async def fetch(
            self,
            url: str,
            validators: Validators | None = None,
            *,
            window: PageWindow | None = None,
        ) -> FetchResult:
            if url in own[1:]:
                before = own[: own.index(url)]
                await read_done[before[-1]].wait()
                alive_at_fetch[url] = _pages_alive(set(before))
            return await super().fetch(url, validators, window=window)

    async def read_page(result: FetchResult) -> PageOutcome:
        reads.append(result.url)
        read_done[result.url].set()
        return PageUnchanged(result.url, result.checked_at)

    recorded: dict[str, Mapping[str, UrlOutcome]] = {}

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        recorded[planned.slug] = visited or {}

    fetcher = HostFetcher({})
    visit = Visit(
        cast(Fetcher, fetcher),
        {},
        progress=NoProgress(),
        schools_in_flight=2,
        read_page=read_page,
    )
    await visit.run(plan, record)
    assert sorted(reads) == sorted([*own, shared])
    # As each page is asked for, the school's pages before it are read and their text gone.
    assert alive_at_fetch == {url: set() for url in own[1:]}
    a, b = recorded["a"], recorded["b"]
    assert all(o.result.page is None and o.read is not None for o in a.values())
    assert b[shared].read is a[shared].read == PageUnchanged(shared, NOW)


async def test_a_school_keeps_its_place_in_flight_until_it_is_recorded() -> None:
    """A school queued for the recorder gave its place back: while the recorder fell behind,
    new schools kept starting, and every school waiting for it held its outcomes (up to the
    queue's length beyond the schools in flight, per partition; decision 0366). Now at most
    ``in_flight`` schools are started and not yet recorded, however slow the recorder."""
    urls = [f"https://s{n}.test/" for n in range(8)]
    plan = [
        PlannedSchool(
            n, f"s{n}", f"S{n}", (PlannedLink(n, url, LinkRole.HOMEPAGE, f"school:s{n}"),)
        )
        for n, url in enumerate(urls)
    ]
    fetcher = ScriptedFetcher(dict.fromkeys(urls, LinkStatus.OK))
    recorded: list[str] = []
    ahead: list[int] = []

    async def record(
        planned: PlannedSchool, visited: Mapping[str, UrlOutcome] | None, report: SchoolReport
    ) -> None:
        for _ in range(20):  # a slow recorder: the visits get many turns of the loop meanwhile
            await asyncio.sleep(0)
        ahead.append(len(fetcher.asked) - len(recorded))
        recorded.append(planned.slug)

    visit = Visit(cast(Fetcher, fetcher), {}, progress=NoProgress(), schools_in_flight=2)
    await visit.run(plan, record)
    assert recorded == [school.slug for school in plan]
    # Started and not recorded, the one being recorded included (before: 5).
    assert max(ahead) == 2
