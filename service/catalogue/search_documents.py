"""What search looks through: the texts of current partner schools, programmes and countries."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from service.catalogue.countries import served_countries_of_partners
from service.catalogue.schools import is_current_partner
from service.catalogue.served_school import served
from service.db.models import Country, Programme, School, school_programme


class SearchTarget(enum.StrEnum):
    """What a hit leads to."""

    COUNTRY = "COUNTRY"
    SCHOOL = "SCHOOL"
    PROGRAMME = "PROGRAMME"


class SearchField(enum.StrEnum):
    """Which text of the target matched."""

    NAME = "NAME"
    SHORT_NAME = "SHORT_NAME"
    CITY = "CITY"
    PARENT_NAME = "PARENT_NAME"
    COUNTRY_NAME_FR = "COUNTRY_NAME_FR"
    COUNTRY_NAME_EN = "COUNTRY_NAME_EN"


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One searchable text and the entity it leads to (a school id, programme id or code).

    ``label`` names the entity (a school's name for a hit on its city); it orders equal hits.
    """

    target: SearchTarget
    key: int | str
    field: SearchField
    text: str
    label: str


async def load_search_documents(session: AsyncSession) -> list[SearchDocument]:
    """Every text search matches, in three statements.

    A school is found by its name, its acronym, its city and its parent's name ("grenoble"
    finds the Grenoble INP schools even when their city is unknown).
    """
    parent = aliased(School)
    schools = (
        select(
            School.id,
            served(School, "name"),
            served(School, "short_name"),
            served(School, "city"),
            served(parent, "name"),
        )
        .outerjoin(parent, parent.id == School.parent_id)
        .where(is_current_partner())
    )
    documents: list[SearchDocument] = []
    for school_id, name, short_name, city, parent_name in await session.execute(schools):
        for field, text in (
            (SearchField.NAME, name),
            (SearchField.SHORT_NAME, short_name),
            (SearchField.CITY, city),
            (SearchField.PARENT_NAME, parent_name),
        ):
            if text:
                documents.append(
                    SearchDocument(SearchTarget.SCHOOL, school_id, field, text, label=name)
                )
    taught = exists().where(
        school_programme.c.programme_id == Programme.id,
        school_programme.c.school_id == School.id,
        is_current_partner(),
    )
    programmes = select(Programme.id, Programme.name).where(Programme.retired_at.is_(None), taught)
    documents.extend(
        SearchDocument(SearchTarget.PROGRAMME, programme_id, SearchField.NAME, name, label=name)
        for programme_id, name in await session.execute(programmes)
    )
    countries = select(Country.code, Country.name_fr, Country.name_en).where(
        Country.code.in_(served_countries_of_partners())
    )
    for code, name_fr, name_en in await session.execute(countries):
        for field, text in (
            (SearchField.COUNTRY_NAME_FR, name_fr),
            (SearchField.COUNTRY_NAME_EN, name_en),
        ):
            documents.append(SearchDocument(SearchTarget.COUNTRY, code, field, text, label=name_fr))
    return documents
