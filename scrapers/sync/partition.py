"""A run's plan split into host partitions: every link of a host in one partition.

Politeness (one request at a time per host, the per-host delay, robots.txt) is kept by the fetcher
of one process. Several workers can share a run only if no host is ever visited by two of them:
so the plan is cut along hosts. A school whose links sit on two hosts joins them: hosts linked
by a school form one component (union-find), and a component is never split. Components are
then packed, largest first, into the partition with the fewest links so far, which keeps the
partitions' sizes close when there are many small components (one site per school, the usual
catalogue).

The split is deterministic (same plan, same partitions) so that a retried partition holds the
same schools.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from urllib.parse import urlsplit

from scrapers.sync.plan import PlannedSchool


def link_host(url: str) -> str:
    """The host a URL is fetched from (lower case, without port): the unit of politeness."""
    return (urlsplit(url).hostname or "").lower()


class _Components:
    """Union-find over host names."""

    def __init__(self) -> None:
        self._parent: dict[str, str] = {}

    def find(self, host: str) -> str:
        root = self._parent.setdefault(host, host)
        while root != self._parent[root]:
            root = self._parent[root]
        while host != root:  # path compression
            self._parent[host], host = root, self._parent[host]
        return root

    def join(self, first: str, second: str) -> None:
        a, b = self.find(first), self.find(second)
        if a != b:
            self._parent[max(a, b)] = min(a, b)


def split_plan(plan: Sequence[PlannedSchool], partitions: int) -> list[list[PlannedSchool]]:
    """At most ``partitions`` non-empty groups of schools; no host in two groups.

    Schools keep their plan order inside each group; groups are ordered by their first school.
    """
    if partitions < 1:
        raise ValueError("at least one partition")
    components = _Components()
    for school in plan:
        hosts = [link_host(url) for url in school.urls]
        for host in hosts[1:]:
            components.join(hosts[0], host)
    groups: dict[str, list[PlannedSchool]] = {}
    for school in plan:
        groups.setdefault(components.find(link_host(school.urls[0])), []).append(school)
    by_size = sorted(groups.values(), key=lambda g: (-sum(len(s.links) for s in g), g[0].slug))
    bins: list[list[PlannedSchool]] = [[] for _ in range(min(partitions, len(by_size)))]
    smallest = [(0, index) for index in range(len(bins))]
    for group in by_size:
        links, index = heapq.heappop(smallest)
        bins[index].extend(group)
        heapq.heappush(smallest, (links + sum(len(s.links) for s in group), index))
    order = {school.id: position for position, school in enumerate(plan)}
    for members in bins:
        members.sort(key=lambda s: order[s.id])
    return sorted(bins, key=lambda members: order[members[0].id])
