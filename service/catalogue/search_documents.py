"""What search looks through: the texts of current partner schools, programmes and countries."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from service.catalogue.countries import served_countries_of_partners
from service.catalogue.schools import is_current_partner
from service.catalogue.served_fields import served
from service.db import Country, Programme, School, school_programme


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
            served(School, "name").label("name"),
            served(School, "short_name").label("short_name"),
            served(School, "city").label("city"),
            served(parent, "name").label("parent_name"),
        )
        .outerjoin(parent, parent.id == School.parent_id)
        .where(is_current_partner())
    )
    documents: list[SearchDocument] = []
    for school in await session.execute(schools):
        for field, text in (
            (SearchField.NAME, school.name),
            (SearchField.SHORT_NAME, school.short_name),
            (SearchField.CITY, school.city),
            (SearchField.PARENT_NAME, school.parent_name),
        ):
            if text:
                documents.append(
                    SearchDocument(SearchTarget.SCHOOL, school.id, field, text, label=school.name)
                )
    taught = exists().where(
        school_programme.c.programme_id == Programme.id,
        school_programme.c.school_id == School.id,
        is_current_partner(),
    )
    programmes = select(Programme.id, Programme.name).where(Programme.retired_at.is_(None), taught)
    documents.extend(
        SearchDocument(
            SearchTarget.PROGRAMME,
            programme.id,
            SearchField.NAME,
            programme.name,
            label=programme.name,
        )
        for programme in await session.execute(programmes)
    )
    countries = select(Country.code, Country.name_fr, Country.name_en).where(
        Country.code.in_(served_countries_of_partners())
    )
    for country in await session.execute(countries):
        for field, text in (
            (SearchField.COUNTRY_NAME_FR, country.name_fr),
            (SearchField.COUNTRY_NAME_EN, country.name_en),
        ):
            documents.append(
                SearchDocument(
                    SearchTarget.COUNTRY, country.code, field, text, label=country.name_fr
                )
            )
    return documents
