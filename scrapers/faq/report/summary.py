"""What an import found and did, and its printed summary (the same for ``--dry-run``)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import chain, islice

from scrapers.faq.interpret import Catalogue, FindingSpec
from scrapers.faq.plan import LABELLED_ADDED, Change, Plan, TablePlan
from scrapers.faq.read import RevisionMeta

#: Change lines printed before "… and N more" (no more than a plan can label).
MAX_CHANGE_LINES = LABELLED_ADDED


@dataclass(frozen=True, slots=True)
class PageCounts:
    """What the page lists."""

    partners_by_country: dict[str, int]
    parents: int
    programmes: int
    offers: int
    tracks: int
    rules: int

    @property
    def partners(self) -> int:
        return sum(self.partners_by_country.values())

    @classmethod
    def of(cls, catalogue: Catalogue) -> PageCounts:
        by_country = Counter(
            school.country_code for school in catalogue.schools.values() if school.is_partner
        )
        return cls(
            partners_by_country=dict(sorted(by_country.items())),
            parents=sum(not school.is_partner for school in catalogue.schools.values()),
            programmes=len(catalogue.programmes),
            offers=len(catalogue.offers),
            tracks=len(catalogue.tracks),
            rules=len(catalogue.rules or ()),
        )


@dataclass(slots=True)
class ImportReport:
    """The outcome of :func:`scrapers.faq.importer.import_faq`."""

    source: str
    content_hash: str
    meta: RevisionMeta
    academic_year: str | None
    counts: PageCounts
    plan: Plan
    #: Everything observed on this page (a refused page: the regression only).
    findings: list[FindingSpec]
    dry_run: bool = False
    forced: bool = False
    #: The page was a source regression and was not imported (its finding is in the plan).
    refused: bool = False
    regression: FindingSpec | None = None

    @property
    def changed(self) -> bool:
        return not self.plan.is_empty


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def _table_summary(name: str, table: TablePlan, *, retired: str = "retired") -> str | None:
    parts = []
    if table.added:
        parts.append(f"{len(table.added)} added")
    if changed := len(table.changed) - table.restored:
        parts.append(f"{changed} changed")
    if table.restored:
        parts.append(f"{table.restored} restored")
    if table.retired:
        parts.append(f"{len(table.retired)} {retired}")
    return f"{name} {', '.join(parts)}" if parts else None


def _change_line(entity: str, change: Change) -> str:
    if change.restores:
        return f"  restored {entity} {change.label}"
    if change.fields.get("retired") == (False, True):
        return f"  retired {entity} {change.label}"
    values = "; ".join(
        f"{name} {old!r} -> {new!r}"
        for name, (old, new) in change.fields.items()
        if name != "retired"
    )
    return f"  changed {entity} {change.label}: {values}"


def format_report(report: ImportReport) -> list[str]:
    """The lines the CLI prints."""
    meta = report.meta
    about = ", ".join(
        part
        for part in (
            meta.published_at.date().isoformat() if meta.published_at else None,
            meta.contributor,
        )
        if part
    )
    title = f'"{meta.title}"' if meta.title else "untitled page"
    lines = [
        (
            f"{report.source}: {title}{f' ({about})' if about else ''}, revision "
            f"{report.content_hash[:12]}, academic year {report.academic_year or 'not given'}"
        )
    ]
    counts = report.counts
    countries = ", ".join(f"{code} {n}" for code, n in counts.partners_by_country.items())
    lines.append(
        f"page: {_plural(len(counts.partners_by_country), 'country', 'countries')}"
        f"{f' ({countries})' if countries else ''}, {_plural(counts.partners, 'partner school')}"
        f" (+{_plural(counts.parents, 'parent institution')}), "
        f"{_plural(counts.programmes, 'programme')}, {_plural(counts.offers, 'offer')}, "
        f"{_plural(counts.tracks, 'track')}, {_plural(counts.rules, 'selection rule')}, "
        f"{_plural(len(report.findings), 'finding')}"
    )
    plan = report.plan
    tables = [
        ("schools", plan.schools, "retired"),
        ("programmes", plan.programmes, "retired"),
        ("offers", plan.offers, "retired"),
        ("links", plan.links, "retired"),
        ("selection rules", plan.rules, "removed"),
        ("findings", plan.findings, "resolved"),
    ]
    summary = [
        text for name, table, word in tables if (text := _table_summary(name, table, retired=word))
    ]
    if plan.countries:
        summary.insert(0, f"countries {len(plan.countries)} added")
    if plan.tracks:
        summary.insert(1 if plan.countries else 0, f"tracks {len(plan.tracks)} added")
    if plan.new_revision:
        summary.append("revision recorded")
    if report.refused:
        lines.append("changes: none (refused)" + (f"; {summary[0]}" if summary else ""))
    elif summary:
        lines.append("changes: " + "; ".join(summary))
    else:
        lines.append("changes: none, the catalogue already matches this page")
    entities = (
        ("school", plan.schools),
        ("programme", plan.programmes),
        ("offer", plan.offers),
        ("link", plan.links),
        ("selection rule", plan.rules),
    )
    # What was added, what changed (places included), what was retired: an admin checks all three.
    # Only the lines printed are written (a first import adds tens of thousands of rows).
    added = (
        f"  added {entity} {label}" for entity, table in entities for label in table.added_labels
    )
    changes = (
        _change_line(entity, change)
        for entity, table in entities
        for change in (*table.changed, *table.retired)
    )
    lines.extend(islice(chain(added, changes), MAX_CHANGE_LINES))
    total = sum(len(table.added) + len(table.changed) + len(table.retired) for _, table in entities)
    if total > MAX_CHANGE_LINES:
        lines.append(f"  … and {total - MAX_CHANGE_LINES} more changes")
    if report.findings:
        lines.append("findings:")
        for finding in sorted(report.findings, key=lambda f: (f.line is None, f.line or 0)):
            where = f"line {finding.line}" if finding.line else "page"
            lines.append(f"  {finding.level:<7} {where:<9} {finding.kind}: {finding.message}")
    if report.dry_run:
        lines.append("dry run: nothing was written")
    return lines
