"""A run is judged on the partner sites it reached (decision 0053)."""

from __future__ import annotations

from scrapers.sync.tally import measure_reach
from scrapers.sync.visit import SchoolReport
from service.db.models import LinkStatus, SyncRunStatus


def _school(
    slug: str,
    *verdicts: tuple[int, LinkStatus, bool],
    error: str | None = None,
    shared: frozenset[int] = frozenset(),
) -> SchoolReport:
    """A recorded school's report; ``shared``: its links that are a programme's."""
    report = SchoolReport(slug, slug.title(), len(verdicts), recorded=True, shared_links=shared)
    for link_id, status, answered in verdicts:
        report.counts[status] += 1
        report.verdicts[link_id] = (status, answered)
        report.reached += answered and status.is_checked
        report.site_answered |= answered
    report.unreached_error = error
    return report


def test_no_site_reached_fails_the_run_with_the_first_error() -> None:
    reports = [
        _school(
            "a", (1, LinkStatus.DNS_ERROR, False), error="https://a.test/: a.test does not resolve"
        ),
        _school("b", (2, LinkStatus.TIMEOUT, False), error="https://b.test/: no answer"),
    ]
    reach = measure_reach(reports)
    message = (
        "0 of 2 partner sites reached: is this machine online? first error: "
        "https://a.test/: a.test does not resolve"
    )
    assert reach.judge(SyncRunStatus.OK) == (SyncRunStatus.FAILED, message)


def test_fewer_than_half_the_sites_reached_degrades_the_run() -> None:
    reports = [_school("a", (1, LinkStatus.BROKEN, True))]
    reports += [
        _school(slug, (n, LinkStatus.DNS_ERROR, False), error=f"https://{slug}.test/: gone")
        for n, slug in enumerate("bcd", start=2)
    ]
    reach = measure_reach(reports)
    assert (reach.sites, reach.sites_reached, reach.links_reached) == (4, 1, 1)
    assert reach.judge(SyncRunStatus.OK) == (
        SyncRunStatus.DEGRADED,
        "1 of 4 partner sites reached; first error: https://b.test/: gone",
    )


def test_half_the_sites_reached_keeps_the_verdict_and_a_shared_link_counts_once() -> None:
    shared = (9, LinkStatus.OK, True)
    reports = [
        _school(
            "a",
            (1, LinkStatus.DNS_ERROR, False),
            shared,
            error="https://a.test/: gone",
            shared=frozenset({9}),
        ),
        _school("b", shared, shared=frozenset({9})),
        _school("c", (3, LinkStatus.DNS_ERROR, False)),
        _school("d", (4, LinkStatus.DNS_ERROR, False)),
    ]
    reach = measure_reach(reports)
    assert (reach.sites, reach.sites_reached, reach.links_reached) == (4, 2, 1)
    assert reach.judge(SyncRunStatus.PARTIAL) == (SyncRunStatus.PARTIAL, None)


def test_a_deferred_site_was_reached_and_an_empty_plan_is_left_alone() -> None:
    reach = measure_reach([_school("a", (1, LinkStatus.DEFERRED, True))])
    assert (reach.sites_reached, reach.links_reached) == (1, 0)
    assert reach.judge(SyncRunStatus.PARTIAL) == (SyncRunStatus.PARTIAL, None)
    assert measure_reach([]).judge(SyncRunStatus.OK) == (SyncRunStatus.OK, None)
