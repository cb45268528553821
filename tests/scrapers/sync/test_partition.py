"""A run's plan is cut along hosts: no host in two partitions, sizes kept close."""

from __future__ import annotations

import pytest

from scrapers.sync.partition import link_host, split_plan
from scrapers.sync.plan import PlannedLink, PlannedSchool
from service.db.models import LinkRole


def _school(number: int, *urls: str) -> PlannedSchool:
    links = tuple(
        PlannedLink(number * 100 + i, url, LinkRole.EXCHANGE_PAGE, f"school:s{number}")
        for i, url in enumerate(urls)
    )
    return PlannedSchool(number, f"s{number:02d}", f"S{number}", links)


def _hosts(group: list[PlannedSchool]) -> set[str]:
    return {link_host(url) for school in group for url in school.urls}


def test_one_site_per_school_spreads_evenly_and_keeps_plan_order() -> None:
    plan = [_school(n, f"http://site{n}.test/a", f"http://site{n}.test/b") for n in range(10)]
    groups = split_plan(plan, 3)
    assert sorted(len(g) for g in groups) == [3, 3, 4]
    assert sorted(s.id for g in groups for s in g) == list(range(10))
    for group in groups:
        assert [s.id for s in group] == sorted(s.id for s in group)


def test_a_host_shared_by_schools_stays_in_one_partition_and_joins_their_hosts() -> None:
    plan = [
        _school(0, "http://a.test/", "http://shared.test/x"),
        _school(1, "http://b.test/"),
        _school(2, "http://SHARED.test:8080/y", "http://c.test/"),
        _school(3, "http://c.test/z"),
        _school(4, "http://d.test/"),
    ]
    groups = split_plan(plan, 4)
    owners: dict[str, int] = {}
    for index, group in enumerate(groups):
        for host in _hosts(group):
            assert owners.setdefault(host, index) == index, f"{host} in two partitions"
    joined = next(g for g in groups if 0 in {s.id for s in g})
    assert [s.id for s in joined] == [0, 2, 3]
    assert len(groups) == 3


def test_more_partitions_than_hosts_gives_one_per_component() -> None:
    plan = [_school(0, "http://a.test/"), _school(1, "http://a.test/b")]
    assert [[s.id for s in g] for g in split_plan(plan, 8)] == [[0, 1]]
    assert split_plan([], 4) == []
    with pytest.raises(ValueError, match="at least one partition"):
        split_plan(plan, 0)
