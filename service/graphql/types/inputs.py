"""Filters the root fields take; every field is optional."""

from __future__ import annotations

from datetime import date

import strawberry

from service.catalogue import FindingCriteria, OfferCriteria, Requirements, SchoolCriteria
from service.db import FindingSeverity as DbFindingSeverity
from service.db import OfferKind as DbOfferKind
from service.graphql.types.enums import CefrLevel, FindingSeverity, OfferKind, Semester


def _db_kinds(kinds: list[OfferKind] | None) -> list[DbOfferKind] | None:
    return None if kinds is None else [DbOfferKind[kind.name] for kind in kinds]


@strawberry.input(description="Which countries to list.")
class CountryFilter:
    codes: list[str] | None = strawberry.field(
        default=None, description='Only these ISO codes: ["FI", "CA"].'
    )
    with_partners: bool = strawberry.field(
        default=False, description="Only countries with at least one current partner school."
    )


@strawberry.input(description="Which schools to list.")
class SchoolFilter:
    country_codes: list[str] | None = strawberry.field(
        default=None, description="Only schools in these countries (ISO codes)."
    )
    partners_only: bool = strawberry.field(
        default=True, description="Leave out parent institutions that are not partners."
    )
    include_retired: bool = strawberry.field(
        default=False, description="Also list schools the curated page no longer lists."
    )
    home_track: str | None = strawberry.field(
        default=None, description="Only schools with a current offer open to this home track."
    )
    offer_kinds: list[OfferKind] | None = strawberry.field(
        default=None, description="Only schools with a current offer of one of these kinds."
    )

    def to_criteria(self) -> SchoolCriteria:
        return SchoolCriteria(
            country_codes=self.country_codes,
            partners_only=self.partners_only,
            include_retired=self.include_retired,
            home_track=self.home_track,
            offer_kinds=_db_kinds(self.offer_kinds),
        )


@strawberry.input(description="A language and the student's CEFR level in it.")
class LanguageLevelInput:
    language: str = strawberry.field(description='ISO 639-1 code: "en", "fr".')
    level: CefrLevel = strawberry.field(
        description="The highest level the partner may ask in this language."
    )


@strawberry.input(description="Which offers to list.")
class OfferFilter:
    kinds: list[OfferKind] | None = strawberry.field(
        default=None, description="Only offers of these kinds."
    )
    academic_year: str | None = strawberry.field(
        default=None, description='Only offers for this academic year: "2019/2020".'
    )
    country_code: str | None = strawberry.field(
        default=None, description="Only offers of schools in this country (ISO code)."
    )
    home_track: str | None = strawberry.field(
        default=None,
        description="Only offers a student of this home track can take: those open to every "
        "track, plus those reserved to this one.",
    )
    has_places: bool | None = strawberry.field(
        default=None,
        description="true: a known number of places above zero; false: known to be zero. "
        "Offers with an unknown number match neither.",
    )
    include_retired: bool = strawberry.field(
        default=False, description="Also list offers the curated page no longer gives."
    )
    language_at_most: list[LanguageLevelInput] | None = strawberry.field(
        default=None,
        description="Only offers whose school asks, in each of these languages, at most this "
        "CEFR level (required levels; languages not listed are not checked). A school with no "
        "CEFR level known for a language matches, flagged in `matchedOnUnknown`.",
    )
    deadline_on_or_after: date | None = strawberry.field(
        default=None,
        description="Only offers whose school's application deadline (for `semester`, when "
        "given) is on or after this date. Unknown or yearless deadlines match, flagged.",
    )
    semester: Semester | None = strawberry.field(
        default=None,
        description="Only offers whose school takes applications for this semester (a "
        "deadline for it, for the year or for any semester). No deadline known: matches, "
        "flagged.",
    )

    def to_requirements(self) -> Requirements:
        return Requirements(
            levels={
                entry.language.strip().lower(): entry.level.name
                for entry in self.language_at_most or ()
            },
            deadline_on_or_after=self.deadline_on_or_after,
            semester=None if self.semester is None else self.semester.name.lower(),
        )

    def to_criteria(self) -> OfferCriteria:
        return OfferCriteria(
            kinds=_db_kinds(self.kinds),
            academic_year=self.academic_year,
            country_code=self.country_code,
            home_track=self.home_track,
            has_places=self.has_places,
            include_retired=self.include_retired,
        )


@strawberry.input(description="Which findings to list.")
class FindingFilter:
    school: str | None = strawberry.field(
        default=None, description="Only findings about the school with this slug."
    )
    origin: str | None = strawberry.field(
        default=None, description='Only findings from "import" or from "sync".'
    )
    kinds: list[str] | None = strawberry.field(default=None, description="Only these kinds.")
    severities: list[FindingSeverity] | None = strawberry.field(
        default=None, description="Only these severities."
    )
    include_resolved: bool = strawberry.field(
        default=False, description="Also list findings that were resolved."
    )

    def to_criteria(self) -> FindingCriteria:
        return FindingCriteria(
            origin=self.origin,
            kinds=self.kinds,
            severities=None
            if self.severities is None
            else [DbFindingSeverity[severity.name] for severity in self.severities],
            include_resolved=self.include_resolved,
        )
