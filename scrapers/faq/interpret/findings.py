"""Data-quality findings of an import: what was corrected, what looks wrong, what was not read.

A finding is identified by its kind and its subject (the misspelt heading, the school and URL,
the unread text), never by its line, so observing it again in a later revision is the same
finding (:func:`scrapers.findings.fingerprint`, origin ``import``). The import's plan observes,
reopens and settles them as one more table it diffs against the last revision.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from scrapers import findings
from service.db import FindingSeverity

#: ``Finding.origin`` of the import's findings.
ORIGIN = findings.IMPORT_ORIGIN

#: Finding kinds, with the severity each is reported at.
SEVERITIES: dict[str, FindingSeverity] = {
    "country_name_corrected": FindingSeverity.WARNING,
    "unknown_country": FindingSeverity.WARNING,
    "country_conflict": FindingSeverity.WARNING,
    "name_corrected": FindingSeverity.WARNING,
    "control_characters": FindingSeverity.WARNING,
    "school_replaced": FindingSeverity.WARNING,
    "school_retired": FindingSeverity.INFO,
    "similar_names": FindingSeverity.INFO,
    "parent_conflict": FindingSeverity.WARNING,
    "campus_city": FindingSeverity.INFO,
    "link_to_other_school": FindingSeverity.ERROR,
    "duplicate_link": FindingSeverity.WARNING,
    "plain_http_link": FindingSeverity.INFO,
    "url_fragment": FindingSeverity.INFO,
    "non_ascii_url": FindingSeverity.INFO,
    "bad_link": FindingSeverity.WARNING,
    "item_without_link": FindingSeverity.WARNING,
    "unparsed_item": FindingSeverity.WARNING,
    "unparsed_count": FindingSeverity.WARNING,
    "unparsed_text": FindingSeverity.WARNING,
    "unknown_section": FindingSeverity.WARNING,
    "missing_track": FindingSeverity.WARNING,
    "duplicate_item": FindingSeverity.INFO,
    "offers_merged": FindingSeverity.INFO,
    "source_regression": FindingSeverity.ERROR,
}

#: Link natural key: (url, owning school slug, owning programme key); exactly one owner.
LinkKey = tuple[str, str | None, str | None]


def fingerprint(kind: str, subject: str) -> str:
    """The stable identity of an import observation (its origin keeps it apart from a sync's)."""
    return findings.fingerprint(ORIGIN, kind, (subject,))


@dataclass(frozen=True, slots=True)
class FindingSpec:
    """One observation, before it is stored."""

    kind: str
    message: str
    subject: str
    line: int | None = None
    school_slug: str | None = None
    link_key: LinkKey | None = None
    detail: dict[str, object] = field(default_factory=dict)
    severity: FindingSeverity | None = None

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.kind, self.subject)

    @property
    def level(self) -> FindingSeverity:
        return self.severity or SEVERITIES[self.kind]


class FindingLog:
    """Findings in page order, each fingerprint once (the first observation wins)."""

    def __init__(self) -> None:
        self._by_fingerprint: dict[str, FindingSpec] = {}

    def add(self, finding: FindingSpec) -> None:
        self._by_fingerprint.setdefault(finding.fingerprint, finding)

    def note(
        self,
        kind: str,
        message: str,
        subject: str,
        line: int | None,
        *,
        school_slug: str | None = None,
        detail: dict[str, object] | None = None,
    ) -> None:
        """Add a finding of ``kind`` about ``subject``."""
        self.add(
            FindingSpec(
                kind=kind,
                message=message,
                subject=subject,
                line=line,
                school_slug=school_slug,
                detail=detail or {},
            )
        )

    def __iter__(self) -> Iterator[FindingSpec]:
        return iter(self._by_fingerprint.values())

    def as_list(self) -> list[FindingSpec]:
        return list(self._by_fingerprint.values())
