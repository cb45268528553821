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
