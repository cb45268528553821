"""Whether a run reached the partner sites, and the verdict that follows (decision 0053).

A run that judged every link but heard from no site (this machine is offline, its DNS is
broken, a firewall drops everything) is not a success: it would mark every page of the
catalogue stale and report OK. A link is *reached* when its site answered over HTTP, whatever
the answer (:func:`scrapers.sync.visit.answered`); a partner site is reached when one of its
school's links is. Then:

- no partner site reached: FAILED, "0 of 16 partner sites reached: is this machine online?";
- fewer than :data:`MIN_REACHED_SHARE` of them: DEGRADED, "3 of 16 partner sites reached";

and the first link that was not reached, with its error, ends the message. A run counts its
reach as its schools are done (:class:`scrapers.sync.tally.RunTally`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from service.db import SyncRunStatus

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
