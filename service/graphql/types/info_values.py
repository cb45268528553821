"""The values served about a school (deadlines, contacts, …), each with its provenance.

Values come from ``service.catalogue.school_info`` with precedence already applied (override,
then curated, then scraped: docs/decisions/0040). Every value type implements
``SourcedValue``: where it comes from and how fresh it is. The typed fields read the stored
JSON object (shapes in ``service.catalogue.fields``); a part the value does not hold, or holds
in another shape (as an administrator's override might), is null rather than an error.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, TypeVar, cast

import strawberry

from service.catalogue import Address as AddressValue
from service.catalogue import Credits as CreditsValue
from service.catalogue import CuratedText as CuratedTextValue
from service.catalogue import Deadline as DeadlineValue
from service.catalogue import Duration as DurationValue
from service.catalogue import EmailContact as EmailContactValue
from service.catalogue import FactValue, InfoValue
from service.catalogue import LanguageRequirement as LanguageRequirementValue
from service.catalogue import Link as LinkValue
from service.catalogue import Name as NameValue
from service.catalogue import PageText as PageTextValue
from service.catalogue import PhoneContact as PhoneContactValue
from service.graphql.types.enums import (
    CefrLevel,
    CreditPeriod,
    DeadlineKind,
    LanguageTest,
    Semester,
    StayLength,
    ValueSource,
)

E = TypeVar("E", bound=enum.Enum)
V = TypeVar("V", bound=FactValue)


def _typed(value: InfoValue, kind: type[V]) -> V:
    """The value as ``kind``; an empty one (every part null) if it is of another type."""
    if isinstance(value.value, kind):
        return value.value
    return cast(V, kind.from_json({}, value.key))


def _member(enum_class: type[E], text: str | None) -> E | None:
    """The member named like ``text`` ("toefl iBT" → TOEFL_IBT), if there is one."""
    if text is None:
        return None
    return enum_class.__members__.get(text.strip().upper().replace(" ", "_").replace("-", "_"))


def _provenance(value: InfoValue) -> dict[str, Any]:
    return {
        "key": value.key,
        "source": ValueSource[value.source.upper()],
        "source_url": value.source_url,
        "fetched_at": value.fetched_at,
        "last_good_at": value.last_good_at,
        "stale": value.stale,
        "confidence": value.confidence,
        "needs_review": value.needs_review,
        "extractor": value.extractor,
        "snippet": value.snippet or None,
        "override_reason": value.override_reason or None,
        "overridden_at": value.overridden_at,
    }


@strawberry.interface(
    description="A value served about a school, with where it comes from and how fresh it is."
)
class SourcedValue:
    key: str = strawberry.field(
        description='Which item of a multi-valued field it is ("application/autumn" for a '
        "deadline, the address for an e-mail); empty for single values."
    )
    source: ValueSource = strawberry.field(description="Where the served value comes from.")
    source_url: str | None = strawberry.field(
        description="The page it was read from (scraped values)."
    )
    fetched_at: datetime | None = strawberry.field(
        description="When that page was fetched (scraped values)."
    )
    last_good_at: datetime | None = strawberry.field(
        description="The last fetch that confirmed it (scraped values)."
    )
    stale: bool = strawberry.field(
        description="The latest sync could not confirm it (the page failed, moved or no longer "
        "says it): shown as last known, not as current."
    )
    confidence: float | None = strawberry.field(
        description="The extractor's confidence, from 0 to 1 (scraped values)."
    )
    needs_review: bool = strawberry.field(
        description="A scraped value whose confidence is under the review threshold (0.8): "
        "shown as unsure until a person confirms it; false for overrides and curated values."
    )
    extractor: str | None = strawberry.field(
        description='What read it, with its version: "generic/deadlines v1" (scraped values).'
    )
    snippet: str | None = strawberry.field(
        description="The text of the page it was read from (scraped values)."
    )
    override_reason: str | None = strawberry.field(description="Why it was set (overrides only).")
    overridden_at: datetime | None = strawberry.field(
        description="When it was set (overrides only)."
    )


@strawberry.type(description="A date by which something must reach the partner.")
class Deadline(SourcedValue):
    kind: DeadlineKind | None = strawberry.field(description="What it closes.")
    semester: Semester | None = strawberry.field(
        description="The semester it is for; null when the page does not say (any semester)."
    )
    date: str | None = strawberry.field(
        description='ISO 8601 date, "2026-04-15"; "--04-15" when the page gives no year.'
    )
    opens: str | None = strawberry.field(
        description="When the period it closes opens, when the page says, in the same format."
    )

    @classmethod
    def from_value(cls, value: InfoValue) -> Deadline:
        deadline = _typed(value, DeadlineValue)
        return cls(
            **_provenance(value),
            kind=_member(DeadlineKind, deadline.kind),
            semester=_member(Semester, deadline.semester),
            date=deadline.date,
            opens=deadline.opens,
        )


@strawberry.type(description="A language level or test score the partner asks for.")
class LanguageRequirement(SourcedValue):
    language: str | None = strawberry.field(
        description='The language, as an ISO 639-1 code: "en", "fr".'
    )
    level: CefrLevel | None = strawberry.field(
        description="The CEFR level; null when a test score is asked instead."
    )
    test: LanguageTest | None = strawberry.field(
        description="The test whose score is asked; null for a CEFR level."
    )
    minimum_score: float | None = strawberry.field(
        description="The lowest score accepted in that test."
    )
    required: bool | None = strawberry.field(
        description="true: required; false: only recommended; null: the page does not say."
    )

    @classmethod
    def from_value(cls, value: InfoValue) -> LanguageRequirement:
        requirement = _typed(value, LanguageRequirementValue)
        score = requirement.score
        return cls(
            **_provenance(value),
            language=requirement.language,
            level=_member(CefrLevel, requirement.level),
            test=_member(LanguageTest, requirement.test),
            minimum_score=None if score is None else float(score),
            required=requirement.required,
        )


@strawberry.type(description="How many ECTS credits an exchange student takes.")
class Credits(SourcedValue):
    period: CreditPeriod | None = strawberry.field(description="What the numbers count over.")
    minimum: int | None = strawberry.field(description="The fewest credits allowed.")
    maximum: int | None = strawberry.field(description="The most credits allowed.")
    typical: int | None = strawberry.field(description="The usual full-time load.")

    @classmethod
    def from_value(cls, value: InfoValue) -> Credits:
        credits = _typed(value, CreditsValue)
        return cls(
            **_provenance(value),
            period=_member(CreditPeriod, credits.per),
            minimum=credits.minimum,
            maximum=credits.maximum,
            typical=credits.typical,
        )


@strawberry.type(description="How long an exchange stay may last.")
class Duration(SourcedValue):
    options: list[StayLength] = strawberry.field(description="The lengths the partner offers.")

    @classmethod
    def from_value(cls, value: InfoValue) -> Duration:
        options = _typed(value, DurationValue).options
        return cls(
            **_provenance(value),
            options=[member for text in options if (member := _member(StayLength, text))],
        )


@strawberry.type(description="An e-mail address given for exchange students.")
class EmailContact(SourcedValue):
    email: str | None = strawberry.field(description="The address, lower case.")
    label: str | None = strawberry.field(
        description='What the page calls it ("Incoming exchange coordinator"), when it does.'
    )

    @classmethod
    def from_value(cls, value: InfoValue) -> EmailContact:
        email = _typed(value, EmailContactValue)
        return cls(**_provenance(value), email=email.email, label=email.label)


@strawberry.type(description="A telephone number given for exchange students.")
class PhoneContact(SourcedValue):
    number: str | None = strawberry.field(description='The number in E.164 form: "+33476574500".')
    label: str | None = strawberry.field(description="What the page calls it, when it does.")

    @classmethod
    def from_value(cls, value: InfoValue) -> PhoneContact:
        phone = _typed(value, PhoneContactValue)
        return cls(**_provenance(value), number=phone.phone, label=phone.label)


@strawberry.type(description="A single text value: a name, a city, a description, an address.")
class InfoText(SourcedValue):
    value: str | None = strawberry.field(description="The text.")

    @classmethod
    def from_value(cls, value: InfoValue) -> InfoText:
        text = None
        match value.value:
            case (
                CuratedTextValue(value=found)
                | PageTextValue(text=found)
                | LinkValue(url=found)
                | NameValue(name=found)
            ):
                text = found
        return cls(**_provenance(value), value=text)


@strawberry.type(description="A postal address, as the partner's pages give it.")
class Address(SourcedValue):
    street: str | None = strawberry.field(description="Street and number.")
    postal_code: str | None = strawberry.field(description="Postal code.")
    locality: str | None = strawberry.field(description="City or town.")
    country_code: str | None = strawberry.field(description="ISO 3166-1 alpha-2 code.")

    @classmethod
    def from_value(cls, value: InfoValue) -> Address:
        address = _typed(value, AddressValue)
        return cls(
            **_provenance(value),
            street=address.street,
            postal_code=address.postal_code,
            locality=address.locality,
            country_code=address.country_code,
        )
