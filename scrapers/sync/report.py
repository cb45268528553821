"""What the commands print: the summary table of a sync, the anatomy of one fetched page."""

from __future__ import annotations

from collections import Counter

from bs4 import BeautifulSoup

from scrapers.fetch import FetchResult, format_stats
from scrapers.sync.handler import FactCounts
from scrapers.sync.run import SyncReport
from service.db import LinkStatus, SyncRunStatus
from service.text import collapse_spaces


def format_counts(counts: Counter[LinkStatus]) -> str:
    """``OK 3, BROKEN 1`` in the order of :class:`LinkStatus`."""
    return ", ".join(f"{status.value} {counts[status]}" for status in LinkStatus if counts[status])


#: Columns of the summary after the school: right-aligned figures, then the statuses.
_HEADER = (
    "school",
    "checked",
    "reached",
    "time",
    "changed",
    "confirmed",
    "stale",
    "findings",
    "statuses",
)


def _fact_cells(facts: FactCounts | None, findings: int | None) -> list[str]:
    """Values changed, confirmed, marked stale, findings raised; ``-`` for what is unknown."""
    figures: tuple[int | None, ...] = (None, None, None)
    if facts is not None:
        figures = (facts.changed, facts.confirmed, facts.marked_stale)
    return ["-" if n is None else str(n) for n in (*figures, findings)]


def format_summary(report: SyncReport) -> str:
    """A table per school, a total line, the fetcher's statistics, the run's verdict.

    Every school of the plan has a row, a programme's links under each school sharing it (the
    total counts them once); a partner with no link has one too, "skipped: no links". Per
    school: links checked, links whose site answered, time, what was done to its facts (values
    changed, confirmed, marked stale), the findings raised about its links and pages, and the
    link statuses found.
    """
    rows: list[tuple[str, ...]] = [_HEADER]
    for school in report.schools:
        if school.skipped:
            rows.append(
                (school.slug, "0/0", "-", "-", "-", "-", "-", "-", f"skipped: {school.skipped}")
            )
            continue
        done = school.recorded or report.dry_run
        checked = school.checked if done else 0
        statuses = format_counts(school.counts) or "-"
        if school.error:
            statuses += f" ({school.error})"
        facts = _fact_cells(school.facts, school.findings) if done else _fact_cells(None, None)
        reached = str(school.reached) if school.visited else "-"
        rows.append(
            (
                school.slug,
                f"{checked}/{school.links}",
                reached,
                f"{school.seconds:.1f} s",
                *facts,
                statuses,
            )
        )
    total = f"{report.links_checked}/{report.links_total}"
    statuses = format_counts(report.counts) or "-"
    facts = _fact_cells(report.facts, report.findings)
    reached = str(report.links_reached)
    rows.append(("total", total, reached, f"{report.seconds:.1f} s", *facts, statuses))
    widths = [max(len(row[column]) for row in rows) for column in range(len(_HEADER) - 1)]
    lines = [
        "  ".join(
            [f"{row[0]:<{widths[0]}}"]
            + [f"{cell:>{width}}" for cell, width in zip(row[1:-1], widths[1:], strict=True)]
            + [row[-1]]
        ).rstrip()
        for row in rows
    ]
    lines.insert(len(lines) - 1, "-" * max(len(line) for line in lines))
    if report.stats:
        lines.append(format_stats(report.stats))
    lines.append(_verdict(report))
    return "\n".join(lines)


def _verdict(report: SyncReport) -> str:
    name = "dry run (nothing written)" if report.dry_run else f"run {report.run_id}"
    checked = f"{report.links_checked} of {report.links_total} links checked"
    checked += f", {report.links_reached} reached"
    changed = report.facts.changed
    verb = "would change" if report.dry_run else "changed"
    facts = f"{changed} fact{'' if changed == 1 else 's'} {verb}"
    line = f"{name}: {report.status.value}, {checked}, {facts}"
    if report.error:
        line += f"; {report.error}"
    elif report.status is not SyncRunStatus.OK:
        deferred = report.counts[LinkStatus.DEFERRED]
        failed = sum(1 for school in report.schools if school.error)
        reasons = [f"{deferred} deferred to the next run"] if deferred else []
        reasons += [f"{failed} school(s) not fully recorded"] if failed else []
        line += f" ({', '.join(reasons)})" if reasons else ""
    return line


def page_title(html: str) -> str | None:
    title = BeautifulSoup(html, "html.parser").title
    if title is None:
        return None
    return collapse_spaces(title.get_text()) or None


def format_fetch(result: FetchResult) -> str:
    """Everything ``mobility try`` learnt about a URL, one fact per line."""
    status = result.status.value
    if result.http_status is not None:
        status += f" (HTTP {result.http_status})"
    lines = [("url", result.url), ("status", status)]
    if result.error:
        lines.append(("error", result.error))
    if result.final_url and result.final_url != result.url:
        lines.append(("final url", result.final_url))
    for hop in result.redirects:
        lines.append(("redirect", f"{hop.status} from {hop.url}"))
    if result.response_ms is not None:
        lines.append(("time", f"{result.response_ms} ms"))
    if result.not_modified:
        lines.append(("body", "not modified (304)"))
    for name, value in result.headers.items():
        lines.append(("header", f"{name}: {value}"))
    page = result.page
    if page is not None:
        lines.append(("encoding", f"{page.encoding} (from {page.encoding_source})"))
        lines.append(("size", f"{page.size:,} bytes"))
        lines.append(("title", page_title(page.text) or "(none)"))
    width = max(len(label) for label, _ in lines)
    return "\n".join(f"{label:<{width}}  {value}" for label, value in lines)
