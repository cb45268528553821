"""search(text): accent-, case- and typo-tolerant, over schools, programmes, cities, countries."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of

SEARCH = """
query($text: String!, $first: Int = 10) {
  search(text: $text, first: $first) {
    kind field text score
    country { code } school { slug } programme { key }
  }
}
"""


def _targets(data: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(kind, target, matched field) of each hit, best first."""
    hits = []
    for hit in data["search"]:
        target = hit["country"] or hit["school"] or hit["programme"]
        hits.append((hit["kind"], next(iter(target.values())), hit["field"]))
    return hits


async def _search(execute: Execute, text: str) -> list[tuple[str, str, str]]:
    return _targets(await data_of(execute, SEARCH, {"text": text}))


@pytest.mark.parametrize("text", ["ensimag", "ENSIMAG", "ensim", "ensimga", "Énsimag"])
async def test_a_school_is_found_by_its_acronym_its_prefix_or_a_typo(
    session: AsyncSession, execute: Execute, text: str
) -> None:
    await build_sample_catalogue(session)
    assert (await _search(execute, text))[0][:2] == ("SCHOOL", "ensimag")


@pytest.mark.parametrize("text", ["Télécom", "telecom", "TELECOM saint", "télécom saint-ét"])
async def test_accents_and_case_do_not_matter(
    session: AsyncSession, execute: Execute, text: str
) -> None:
    await build_sample_catalogue(session)
    assert await _search(execute, text) == [("SCHOOL", "telecom-saint-etienne", "NAME")]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("finlande", "COUNTRY_NAME_FR"),
        ("Finland", "COUNTRY_NAME_EN"),
        ("finlnde", "COUNTRY_NAME_FR"),
    ],
)
async def test_a_country_is_found_by_its_french_or_english_name(
    session: AsyncSession, execute: Execute, text: str, field: str
) -> None:
    await build_sample_catalogue(session)
    assert await _search(execute, text) == [("COUNTRY", "FI", field)]


async def test_a_city_finds_the_schools_there_and_those_of_its_institutions(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    assert await _search(execute, "grenoble") == [
        ("SCHOOL", "phelma", "CITY"),
        ("SCHOOL", "ense3", "PARENT_NAME"),
        ("SCHOOL", "ensimag", "PARENT_NAME"),
    ]
    # Its name matches too, and a school's own name outweighs its city.
    assert await _search(execute, "saint-étienne") == [
        ("SCHOOL", "telecom-saint-etienne", "NAME"),
    ]
    assert await _search(execute, "espoo") == [("SCHOOL", "aalto-university", "CITY")]


async def test_programmes_are_found_by_name(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    assert await _search(execute, "multimedia") == [("PROGRAMME", "sicom-phelma-ense3", "NAME")]


async def test_scores_rank_exact_matches_first(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = await data_of(execute, SEARCH, {"text": "Finlande"})
    assert data["search"][0]["score"] == 1.0
    assert data["search"][0]["text"] == "Finlande"
    typo = await data_of(execute, SEARCH, {"text": "finlnde"})
    assert 0 < typo["search"][0]["score"] < 1.0


async def test_retired_schools_parents_and_nonsense_find_nothing(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    assert await _search(execute, "ensiie") == []
    assert await _search(execute, "Grenoble INP") == [
        ("SCHOOL", "ense3", "PARENT_NAME"),
        ("SCHOOL", "ensimag", "PARENT_NAME"),
        ("SCHOOL", "phelma", "PARENT_NAME"),
    ]
    assert await _search(execute, "zzzzqqq") == []
    assert await _search(execute, "e") == []


async def test_first_limits_the_hits_and_long_text_is_refused(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(execute, SEARCH, {"text": "grenoble", "first": 1})
    assert len(data["search"]) == 1
    result = await execute(SEARCH, {"text": "x" * 201})
    assert [error.message for error in result.errors or []] == [
        "`text` is longer than 200 characters."
    ]
