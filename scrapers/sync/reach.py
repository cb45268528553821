"""Whether a run reached the partner sites, and the verdict that follows (decision 0053).

A run that judged every link but heard from no site (this machine is offline, its DNS is
broken, a firewall drops everything) is not a success: it would mark every page of the
catalogue stale and report OK. A link is *reached* when its site answered over HTTP, whatever
the answer (:func:`scrapers.sync.visit.answered`); a partner site is reached when one of its
school's links is. Then:

- no partner site reached: FAILED, "0 of 16 partner sites reached: is this machine online?";
- fewer than :data:`MIN_REACHED_SHARE` of them: DEGRADED, "3 of 16 partner sites reached";

and the first link that was not reached, with its error, ends the message.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from scrapers.sync.visit import SchoolReport
from service.db import LinkStatus, SyncRunStatus

#: Below this share of partner sites reached, a run is DEGRADED: a catalogue whose sites are
#: mostly down at once says more about this machine's network than about the partners.
MIN_REACHED_SHARE = 0.5


@dataclass(frozen=True, slots=True)
class Reach:
    """How many partner sites (schools with links) and links a run reached."""

    sites: int
    sites_reached: int
    links_reached: int
    first_error: str | None

    def message(self) -> str:
        line = f"{self.sites_reached} of {self.sites} partner sites reached"
        if self.sites_reached == 0:
            line += ": is this machine online?"
        if self.first_error:
            line += f"{';' if self.sites_reached else ''} first error: {self.first_error}"
        return line

    def judge(self, status: SyncRunStatus) -> tuple[SyncRunStatus, str | None]:
        """The run's status given how much it reached, and the message when that lowered it."""
        if self.sites == 0 or status is SyncRunStatus.FAILED:
            return status, None
        if self.sites_reached == 0:
            return SyncRunStatus.FAILED, self.message()
        if self.sites_reached < math.ceil(self.sites * MIN_REACHED_SHARE):
            return SyncRunStatus.DEGRADED, self.message()
        return status, None


def done_reports(reports: Sequence[SchoolReport], *, dry_run: bool) -> list[SchoolReport]:
    """The schools whose visit counts: recorded ones (or, dry, those visited)."""
    return [r for r in reports if r.recorded or (dry_run and r.verdicts)]


def distinct_verdicts(reports: Sequence[SchoolReport]) -> dict[int, tuple[LinkStatus, bool]]:
    """Verdict and reach per link, a link shared by several schools counted once."""
    verdicts: dict[int, tuple[LinkStatus, bool]] = {}
    for report in reports:
        verdicts.update(report.verdicts)
    return verdicts


def count_statuses(reports: Sequence[SchoolReport]) -> Counter[LinkStatus]:
    """Links per status over ``reports``, a shared link counted once."""
    return Counter(status for status, _ in distinct_verdicts(reports).values())


def measure_reach(reports: Sequence[SchoolReport]) -> Reach:
    """The reach of the schools visited (recorded or not: their visit says what answered)."""
    visited = [r for r in reports if r.verdicts]
    verdicts = distinct_verdicts(visited)
    first_error = next((r.unreached_error for r in visited if r.unreached_error), None)
    return Reach(
        sites=len(visited),
        sites_reached=sum(1 for r in visited if r.site_answered),
        links_reached=sum(
            1 for status, reached in verdicts.values() if reached and status.is_checked
        ),
        first_error=first_error,
    )
