"""Deterministic synthetic catalogues of any size, written with bulk inserts (seconds for 10,000).

For tests that need volume (the statement-count test) and for benchmarks: the same size
always gives the same rows. Every school is a partner in one of twenty countries, with one
programme (every fourth shared with the next school), an exchange open to every track, a
double degree reserved to ISEM or IEL, and a home page; every fiftieth school (the first
included) has a parent institution. ``tests/sync_results.py`` adds what syncs leave.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from service.countries import country_name
from service.db.models import (
    Country,
    HomeTrack,
    Link,
    LinkRole,
    Offer,
    OfferKind,
    Programme,
    School,
    offer_home_track,
    school_programme,
)

COUNTRIES = (
    "FR", "DE", "ES", "IT", "FI", "CA", "BE", "CH", "PT", "SE",
    "NO", "DK", "NL", "PL", "CZ", "AT", "IE", "GB", "US", "JP",
)  # fmt: skip
CITIES = (
    "Lyon",
    "Tampere",
    "Porto",
    "Delft",
    "Gdańsk",
    "Zürich",
    "Québec",
    "Graz",
    "Cork",
    "Kyoto",
)
WORDS = ("Institute", "University", "École", "Polytechnic", "Academy", "Technische Hochschule")
TRACKS = ("ISEM", "IEL")
#: Ids far above what factories produce, so both can share a database.
FIRST_ID = 1_000_000


@dataclass(frozen=True, slots=True)
class SyntheticCatalogue:
    """How many rows of each kind were written."""

    countries: int
    schools: int
    parents: int
    programmes: int
    offers: int


async def insert_rows(session: AsyncSession, target: Any, rows: list[dict[str, Any]]) -> None:
    """One bulk INSERT of ``rows`` into ``target`` (a model or a table); none when empty."""
    if rows:
        await session.execute(insert(target), rows)


async def build_synthetic_catalogue(session: AsyncSession, size: int) -> SyntheticCatalogue:
    """Write ``size`` partner schools and everything around them (flushed, not committed)."""
    countries = COUNTRIES[: min(len(COUNTRIES), size)]
    await insert_rows(
        session,
        Country,
        [
            {"code": code, "name_fr": country_name(code, "fr"), "name_en": country_name(code, "en")}
            for code in countries
        ],
    )
    await insert_rows(session, HomeTrack, [{"code": code} for code in TRACKS])
    parents = [
        {
            "id": FIRST_ID + size + number,
            "slug": f"parent-{number:05d}",
            "name": f"{CITIES[number % len(CITIES)]} Institute of Technology {number}",
            "country_code": countries[number % len(countries)],
            "city": CITIES[number % len(CITIES)],
            "is_partner": False,
        }
        for number in range((size + 49) // 50)
    ]
    await insert_rows(session, School, parents)
    schools, programmes, teaching, offers, reserved, links = [], [], [], [], [], []
    for number in range(size):
        school_id = FIRST_ID + number
        city = CITIES[number % len(CITIES)]
        schools.append(
            {
                "id": school_id,
                "slug": f"partner-{number:05d}",
                "name": f"{WORDS[number % len(WORDS)]} of {city} {number}",
                "short_name": f"P{number}",
                "country_code": countries[number % len(countries)],
                "city": city,
                "parent_id": parents[number // 50]["id"] if number % 50 == 0 else None,
                "is_partner": True,
            }
        )
        programmes.append(
            {"id": school_id, "key": f"programme-{number:05d}", "name": f"Programme {number}"}
        )
        teaching.append({"school_id": school_id, "programme_id": school_id})
        if number % 4 == 0 and number + 1 < size:
            teaching.append({"school_id": school_id + 1, "programme_id": school_id})
        track = TRACKS[number % 2]
        offers.append(
            {
                "id": 2 * school_id,
                "school_id": school_id,
                "programme_id": school_id,
                "kind": OfferKind.EXCHANGE,
                "places": 2,
                "academic_year": "2019/2020",
                "scope": "",
            }
        )
        offers.append(
            {
                "id": 2 * school_id + 1,
                "school_id": school_id,
                "programme_id": school_id,
                "kind": OfferKind.DOUBLE_DEGREE,
                "places": number % 3,
                "academic_year": "2019/2020",
                "scope": track,
            }
        )
        reserved.append({"offer_id": 2 * school_id + 1, "home_track_code": track})
        links.append(
            {
                "id": school_id,
                "url": f"https://partner-{number:05d}.example.org/",
                "role": LinkRole.HOMEPAGE,
                "school_id": school_id,
            }
        )
    await insert_rows(session, School, schools)
    await insert_rows(session, Programme, programmes)
    await insert_rows(session, school_programme, teaching)
    await insert_rows(session, Offer, offers)
    await insert_rows(session, offer_home_track, reserved)
    await insert_rows(session, Link, links)
    return SyntheticCatalogue(
        countries=len(countries),
        schools=size,
        parents=len(parents),
        programmes=len(programmes),
        offers=len(offers),
    )
