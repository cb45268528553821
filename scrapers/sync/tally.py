"""What a run keeps of its schools: running totals, and one small line per school.

A school's :class:`~scrapers.sync.visit.SchoolReport` (its line, the verdict of each link)
lives while the school is in flight. Once it is recorded, :meth:`RunTally.add` folds it into the
run's totals (links per status, links and partner sites reached, what was done to the facts,
findings, the run's verdict) and keeps of it only its
:class:`~scrapers.sync.visit.SchoolLine`, the row of the run's table and its error: a run holds
a few scalars per school, not its reports.

A link of a programme shared by several schools ("commune avec") is in the report of each of
them: its verdict counts once in the totals. Only those links (their ids) are remembered to tell;
a school's own links belong to it alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from scrapers.sync.handler import FactCounts
from scrapers.sync.reach import Reach
from scrapers.sync.visit import SchoolLine, SchoolReport
from service.db import LinkStatus, SyncRunStatus


@dataclass(slots=True)
class RunTally:
    """The totals of a run's schools, folded in as each is done (:meth:`add`)."""

    dry_run: bool = False
    lines: list[SchoolLine] = field(default_factory=list)
    #: Links per status over the schools whose visit counts (recorded; dry: visited).
    counts: Counter[LinkStatus] = field(default_factory=Counter)
    facts: FactCounts = field(default_factory=FactCounts)
    findings: int = 0
    #: Schools visited (their verdicts known), and those of them whose site answered.
    sites: int = 0
    sites_reached: int = 0
    links_reached: int = 0
    #: The first link not reached, of the first such school by slug, with why.
    first_error: tuple[str, str] | None = None
    #: Schools added, those done (recorded; dry: visited without error), and whether every
    #: added school was done with every link checked.
    schools: int = 0
    done: int = 0
    complete: bool = True
    #: Shared (programme) links already counted, per total.
    _counted: set[int] = field(default_factory=set)
    _reached: set[int] = field(default_factory=set)

    def add(self, report: SchoolReport) -> None:
        """Fold in a school the run is done with (recorded or not)."""
        self.lines.append(report.line())
        self.schools += 1
        done = report.recorded or (self.dry_run and report.error is None)
        self.done += done
        self.complete &= done and report.error is None and report.checked == report.links
        shared = report.shared_links
        if report.verdicts:
            self.sites += 1
            self.sites_reached += report.site_answered
            if report.unreached_error and (
                self.first_error is None or report.slug < self.first_error[0]
            ):
                self.first_error = (report.slug, report.unreached_error)
            for link_id, (status, reached) in report.verdicts.items():
                if link_id in shared:
                    if link_id in self._reached:
                        continue
                    self._reached.add(link_id)
                self.links_reached += reached and status.is_checked
        if report.recorded or (self.dry_run and report.verdicts):
            for link_id, (status, _) in report.verdicts.items():
                if link_id in shared:
                    if link_id in self._counted:
                        continue
                    self._counted.add(link_id)
                self.counts[status] += 1
        if report.recorded or self.dry_run:
            self.facts += report.facts or FactCounts()
            self.findings += report.findings

    def add_all(self, reports: Iterable[SchoolReport]) -> RunTally:
        for report in reports:
            self.add(report)
        return self

    def skip(self, line: SchoolLine) -> None:
        """A school of the plan the run did not visit ("no links"): a line, nothing else."""
        self.lines.append(line)

    @property
    def reach(self) -> Reach:
        first_error = self.first_error[1] if self.first_error else None
        return Reach(self.sites, self.sites_reached, self.links_reached, first_error)

    @property
    def links_checked(self) -> int:
        return sum(n for status, n in self.counts.items() if status.is_checked)

    @property
    def errors(self) -> dict[str, str]:
        return {line.slug: line.error for line in self.lines if line.error}

    def verdict(self) -> SyncRunStatus:
        """OK when every link was checked and recorded; PARTIAL when some were; FAILED when
        none (:func:`scrapers.sync.run.judge_run`)."""
        if self.schools == 0:
            return SyncRunStatus.OK
        if self.done == 0:
            return SyncRunStatus.FAILED
        return SyncRunStatus.OK if self.complete else SyncRunStatus.PARTIAL

    def sorted_lines(self) -> list[SchoolLine]:
        """Every school added or skipped, by slug."""
        return sorted(self.lines, key=lambda line: line.slug)


def measure_reach(reports: Iterable[SchoolReport]) -> Reach:
    """The reach of the schools visited (recorded or not: their visit says what answered)."""
    return RunTally().add_all(reports).reach
