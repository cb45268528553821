"""Say which school replaced a retired one: an identity change never retires a school silently.

A school's identity is its slug, made from its name. When the page renames a school (or a stray
character changes its name) the import retires the old row and adds a new one. Each retired
partner gets a finding, on every import while it stays off the page: ``school_replaced`` naming
the school on the page that took its place (same website, or a nearly identical name), else
``school_retired`` saying that no school replaced it (decision 0035).
"""

from __future__ import annotations

from collections.abc import Mapping

from rapidfuzz import fuzz

from scrapers.faq.interpret import SIMILARITY, FindingSpec, SchoolSpec
from scrapers.faq.plan.snapshot import Row
from service.text import fold


def _successor(row: Row, added: Mapping[str, SchoolSpec]) -> tuple[str, str] | None:
    """The added school that takes ``row``'s place, and why it is taken for it."""
    website = row.values.get("website")
    for slug, school in added.items():
        if website and school.website == website:
            return slug, f"same website {website}"
    name = fold(str(row.values.get("name") or ""))
    for slug, school in added.items():
        if fuzz.ratio(name, fold(school.name)) >= SIMILARITY:
            return slug, "nearly the same name"
    return None


def replacement_findings(
    existing: Mapping[str, Row], desired: Mapping[str, SchoolSpec]
) -> list[FindingSpec]:
    """One finding per partner school in the database that the page no longer lists (retired now
    or by an earlier import; not one an admin retired). Observed again on every import, so that
    importing the same page twice changes nothing."""
    listed = {slug: school for slug, school in desired.items() if school.is_partner}
    retired = [
        key
        for key, row in existing.items()
        if key not in desired and row.values.get("is_partner") and not row.held
    ]
    findings: list[FindingSpec] = []
    for key in retired:
        row = existing[key]
        name = row.values.get("name")
        successor = _successor(row, listed)
        if successor is None:
            findings.append(
                FindingSpec(
                    kind="school_retired",
                    message=f"{name!r} ({key}) is no longer on the page: retired; "
                    "no school on the page replaces it",
                    subject=key,
                    detail={"retired": key},
                )
            )
            continue
        slug, reason = successor
        findings.append(
            FindingSpec(
                kind="school_replaced",
                message=f"{name!r} ({key}) retired, replaced by {listed[slug].name!r} "
                f"({slug}): {reason}",
                subject=f"{key}>{slug}",
                detail={"retired": key, "replaced_by": slug, "reason": reason},
            )
        )
    return findings
