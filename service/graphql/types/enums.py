"""GraphQL enums; their values mirror the database enums they are converted from."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(description="A language names can be given in.")
class Lang(enum.Enum):
    FR = strawberry.enum_value("fr", description="French.")
    EN = strawberry.enum_value("en", description="English.")


@strawberry.enum(description="What a place at a partner gives the student.")
class OfferKind(enum.Enum):
    EXCHANGE = strawberry.enum_value(
        "EXCHANGE", description="An exchange: courses at the partner, the home degree only."
    )
    DOUBLE_DEGREE = strawberry.enum_value(
        "DOUBLE_DEGREE", description="A double degree: the partner's degree as well."
    )
    EXCHANGE_OR_DOUBLE_DEGREE = strawberry.enum_value(
        "EXCHANGE_OR_DOUBLE_DEGREE",
        description="One pool of places usable for either an exchange or a double degree.",
    )


@strawberry.enum(description="What a link is for, seen from its owner.")
class LinkRole(enum.Enum):
    HOMEPAGE = strawberry.enum_value("HOMEPAGE", description="The owner's home page.")
    EXCHANGE_PAGE = strawberry.enum_value(
        "EXCHANGE_PAGE", description="The page for incoming exchange students."
    )
    PROGRAMME_PAGE = strawberry.enum_value(
        "PROGRAMME_PAGE", description="The page describing a programme."
    )
    OTHER = strawberry.enum_value("OTHER", description="Any other page.")


@strawberry.enum(description="How serious a data-quality finding is.")
class FindingSeverity(enum.Enum):
    INFO = strawberry.enum_value("INFO", description="Worth knowing; nothing is wrong.")
    WARNING = strawberry.enum_value(
        "WARNING", description="Probably wrong; the data was kept or corrected."
    )
    ERROR = strawberry.enum_value("ERROR", description="Wrong; someone should look.")


@strawberry.enum(description="What a search hit leads to.")
class SearchHitKind(enum.Enum):
    COUNTRY = strawberry.enum_value("COUNTRY", description="A country with partner schools.")
    SCHOOL = strawberry.enum_value("SCHOOL", description="A current partner school.")
    PROGRAMME = strawberry.enum_value(
        "PROGRAMME", description="A programme taught by a current partner school."
    )


@strawberry.enum(description="Which text of the hit matched the search.")
class SearchField(enum.Enum):
    NAME = strawberry.enum_value("NAME", description="The school's or programme's name.")
    SHORT_NAME = strawberry.enum_value(
        "SHORT_NAME", description="The school's acronym or short name."
    )
    CITY = strawberry.enum_value("CITY", description="The school's city.")
    PARENT_NAME = strawberry.enum_value(
        "PARENT_NAME", description="The name of the school's parent institution."
    )
    COUNTRY_NAME_FR = strawberry.enum_value(
        "COUNTRY_NAME_FR", description="The country's French name."
    )
    COUNTRY_NAME_EN = strawberry.enum_value(
        "COUNTRY_NAME_EN", description="The country's English name."
    )


@strawberry.enum(description="What visiting a link's address found.")
class LinkStatus(enum.Enum):
    OK = strawberry.enum_value("OK", description="An HTML page answered.")
    REDIRECTED = strawberry.enum_value(
        "REDIRECTED", description="An HTML page answered after one or more redirects."
    )
    BROKEN = strawberry.enum_value(
        "BROKEN",
        description="A 4xx (but 410), a 5xx after retries, a redirect loop, or a truncated, "
        "empty or oversized body.",
    )
    GONE = strawberry.enum_value("GONE", description="410 Gone: the page will not come back.")
    BLOCKED_BY_ROBOTS = strawberry.enum_value(
        "BLOCKED_BY_ROBOTS", description="The site's robots.txt does not let us visit it."
    )
    TIMEOUT = strawberry.enum_value("TIMEOUT", description="No complete answer in time.")
    DNS_ERROR = strawberry.enum_value("DNS_ERROR", description="The host name does not resolve.")
    TLS_ERROR = strawberry.enum_value(
        "TLS_ERROR", description="The secure connection failed (certificate, protocol)."
    )
    SSRF_BLOCKED = strawberry.enum_value(
        "SSRF_BLOCKED",
        description="The address, or a redirect, leads to a non-public network; nothing was sent.",
    )
    UNSUPPORTED_CONTENT = strawberry.enum_value(
        "UNSUPPORTED_CONTENT", description="It answered with something else than HTML (a PDF)."
    )
    DEFERRED = strawberry.enum_value(
        "DEFERRED", description="The site asked us to come back later; checked next run."
    )


@strawberry.enum(description="How a sync run went.")
class SyncRunStatus(enum.Enum):
    RUNNING = strawberry.enum_value("RUNNING", description="Still visiting.")
    OK = strawberry.enum_value("OK", description="Every link checked, every school recorded.")
    PARTIAL = strawberry.enum_value(
        "PARTIAL", description="Some links deferred or some schools not recorded; the rest is."
    )
    DEGRADED = strawberry.enum_value(
        "DEGRADED",
        description="Recorded, but fewer than half the partner sites answered: see `error`.",
    )
    FAILED = strawberry.enum_value(
        "FAILED",
        description="Nothing could be recorded, no partner site answered (see `error`), or the "
        "run was interrupted.",
    )
    ABORTED = strawberry.enum_value(
        "ABORTED",
        description="Lost its run lock and stopped before its next school; what it committed "
        "stays.",
    )


@strawberry.enum(description="Where a served value comes from; the first one present wins.")
class ValueSource(enum.Enum):
    OVERRIDE = strawberry.enum_value(
        "OVERRIDE", description="An administrator's correction: beats everything else."
    )
    CURATED = strawberry.enum_value(
        "CURATED", description="The home school's FAQ page: beats what partner pages say."
    )
    SCRAPED = strawberry.enum_value("SCRAPED", description="Read from the partner's own pages.")


@strawberry.enum(description="What a deadline closes.")
class DeadlineKind(enum.Enum):
    APPLICATION = strawberry.enum_value(
        "APPLICATION", description="The student's application to the partner."
    )
    NOMINATION = strawberry.enum_value(
        "NOMINATION", description="The home school's nomination of its students to the partner."
    )


@strawberry.enum(description="The part of the academic year a value is for.")
class Semester(enum.Enum):
    AUTUMN = strawberry.enum_value(
        "AUTUMN", description="The autumn (first, or German winter) semester."
    )
    SPRING = strawberry.enum_value(
        "SPRING", description="The spring (second, or German summer) semester."
    )
    YEAR = strawberry.enum_value("YEAR", description="The full academic year.")


@strawberry.enum(description="A level of the Common European Framework of Reference.")
class CefrLevel(enum.Enum):
    A1 = strawberry.enum_value("A1", description="Breakthrough.")
    A2 = strawberry.enum_value("A2", description="Waystage.")
    B1 = strawberry.enum_value("B1", description="Threshold.")
    B2 = strawberry.enum_value("B2", description="Vantage.")
    C1 = strawberry.enum_value("C1", description="Effective operational proficiency.")
    C2 = strawberry.enum_value("C2", description="Mastery.")


@strawberry.enum(description="A standardised language test with a minimum score.")
class LanguageTest(enum.Enum):
    TOEFL_IBT = strawberry.enum_value("TOEFL_IBT", description="TOEFL, internet-based (0-120).")
    TOEFL_PBT = strawberry.enum_value("TOEFL_PBT", description="TOEFL, paper-based (310-677).")
    TOEFL_ITP = strawberry.enum_value(
        "TOEFL_ITP", description="TOEFL ITP, institutional (310-677)."
    )
    IELTS = strawberry.enum_value("IELTS", description="IELTS (1-9, in half bands).")
    TOEIC = strawberry.enum_value("TOEIC", description="TOEIC (10-990).")
    DUOLINGO = strawberry.enum_value("DUOLINGO", description="Duolingo English Test (10-160).")


@strawberry.enum(description="What a number of credits is counted over.")
class CreditPeriod(enum.Enum):
    SEMESTER = strawberry.enum_value("SEMESTER", description="Per semester.")
    YEAR = strawberry.enum_value("YEAR", description="Per academic year.")


@strawberry.enum(description="How long a stay may last.")
class StayLength(enum.Enum):
    SEMESTER = strawberry.enum_value("SEMESTER", description="One semester.")
    YEAR = strawberry.enum_value("YEAR", description="A full academic year.")


@strawberry.enum(
    name="SchoolOrder", description="How a page of schools is ordered; the slug breaks ties."
)
class SchoolOrderField(enum.Enum):
    SLUG = strawberry.enum_value("slug", description="By slug (the default).")
    NAME = strawberry.enum_value("name", description="By name, as served.")
    COUNTRY = strawberry.enum_value("country", description="By country code, then slug.")


@strawberry.enum(name="OfferOrder", description="How a page of offers is ordered.")
class OfferOrderField(enum.Enum):
    ACADEMIC_YEAR = strawberry.enum_value(
        "academic_year", description="Newest academic year first, then by id (the default)."
    )
    PLACES = strawberry.enum_value(
        "places", description="Most places first; offers with an unknown number last."
    )
    DEADLINE = strawberry.enum_value(
        "deadline",
        description=(
            "By the school's application deadline, soonest first (the earliest dated one it "
            "serves, overrides first); offers of schools with none, or only dates without a "
            "year, last; then by id."
        ),
    )


@strawberry.enum(description="Which end of the history a page of changes starts from.")
class ChangeOrder(enum.Enum):
    OLDEST_FIRST = strawberry.enum_value("oldest_first", description="By time, oldest first.")
    NEWEST_FIRST = strawberry.enum_value("newest_first", description="By time, newest first.")


@strawberry.enum(
    description="A criterion of an offer filter, by the fact about the school it reads."
)
class OfferFact(enum.Enum):
    LANGUAGE_REQUIREMENT = strawberry.enum_value(
        "language_requirement", description="`languageAtMost`: the levels the school asks."
    )
    APPLICATION_DEADLINE = strawberry.enum_value(
        "application_deadline", description="`deadlineOnOrAfter`: the school's deadline."
    )
    SEMESTER = strawberry.enum_value(
        "semester", description="`semester`: the semesters the school takes applications for."
    )
