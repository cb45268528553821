"""``School.info``: what the catalogue knows about a school beyond its offers, with sources.

Built from one ``service.catalogue.school_info.SchoolInfo`` (loaded for every school of a
level in one batch), so it costs no statement of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import strawberry

from service.catalogue import FactField, InfoValue
from service.catalogue import SchoolInfo as SchoolInfoRecord
from service.graphql.types.info_values import (
    Address,
    Credits,
    Deadline,
    Duration,
    EmailContact,
    InfoText,
    LanguageRequirement,
    PhoneContact,
)

T = TypeVar("T")


def _one(value: InfoValue | None, build: Callable[[InfoValue], T]) -> T | None:
    return None if value is None else build(value)


@strawberry.type(description="How to reach the partner's exchange office.")
class Contacts:
    emails: list[EmailContact] = strawberry.field(description="E-mail addresses.")
    phones: list[PhoneContact] = strawberry.field(description="Telephone numbers.")


@strawberry.type(
    description="What the catalogue knows about a school beyond its offers. Each value says "
    "where it comes from (an administrator's override, the FAQ page, the partner's pages) and, "
    "when scraped, which page, when it was fetched, when last confirmed and whether it is stale."
)
class SchoolInfo:
    name: InfoText | None = strawberry.field(
        description="The school's name: overridden, curated, or from its pages."
    )
    city: InfoText | None = strawberry.field(
        description="Its city: overridden, curated, or from the address on its pages."
    )
    country_code: InfoText | None = strawberry.field(
        description="Its country's ISO code: overridden, curated, or from its pages."
    )
    website: InfoText | None = strawberry.field(description="Its home page: overridden or curated.")
    description: InfoText | None = strawberry.field(
        description="How its pages describe it (their meta description)."
    )
    logo: InfoText | None = strawberry.field(description="The address of its logo.")
    address: Address | None = strawberry.field(description="Its postal address.")
    deadlines: list[Deadline] = strawberry.field(
        description="Application and nomination deadlines."
    )
    language_requirements: list[LanguageRequirement] = strawberry.field(
        description="Language levels and test scores asked for."
    )
    credits: list[Credits] = strawberry.field(
        description="ECTS credits to take, per semester or per year."
    )
    duration: Duration | None = strawberry.field(description="How long a stay may last.")
    contacts: Contacts = strawberry.field(description="E-mail addresses and phone numbers.")

    @classmethod
    def from_record(cls, record: SchoolInfoRecord) -> SchoolInfo:
        identity = InfoText.from_value
        return cls(
            name=_one(record.identity_of("name"), identity),
            city=_one(record.identity_of("city"), identity),
            country_code=_one(record.identity_of("country_code"), identity),
            website=_one(record.identity_of("website"), identity),
            description=_one(record.description, InfoText.from_value),
            logo=_one(record.one(FactField.LOGO), InfoText.from_value),
            address=_one(record.one(FactField.ADDRESS), Address.from_value),
            deadlines=[Deadline.from_value(value) for value in record.deadlines],
            language_requirements=[
                LanguageRequirement.from_value(value) for value in record.language_requirements
            ],
            credits=[Credits.from_value(value) for value in record.credits],
            duration=_one(record.one(FactField.DURATION), Duration.from_value),
            contacts=Contacts(
                emails=[EmailContact.from_value(value) for value in record.of(FactField.EMAIL)],
                phones=[PhoneContact.from_value(value) for value in record.of(FactField.PHONE)],
            ),
        )
