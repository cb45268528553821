"""The student's question in one query: what the partner asks and when, and `eligibleFor`.

Facts never known never exclude: such offers match and say so in `matchedOnUnknown`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_school_fact
from tests.sample_catalogue import SampleCatalogue, build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of

QUESTION = """query Question($filter: OfferFilter) {
  offersConnection(filter: $filter, first: 50, orderBy: PLACES) {
    totalCount
    nodes { school { slug } matchedOnUnknown isem: eligibleFor(homeTrack: "ISEM") } } }"""


async def _facts(session: AsyncSession, sample: SampleCatalogue) -> None:
    await make_school_fact(
        session,
        school=sample.aalto,
        field="language_requirement",
        key="en/cefr/required",
        value={"language": "en", "level": "B2", "test": None, "score": None, "required": True},
    )
    await make_school_fact(
        session,
        school=sample.aalto,
        field="deadline",
        key="application/autumn",
        value={"kind": "application", "semester": "autumn", "date": "2026-04-15"},
    )
    await make_school_fact(
        session,
        school=sample.phelma,
        field="deadline",
        key="application/spring",
        value={"kind": "application", "semester": "spring", "date": "--03-31"},
    )
    await make_school_fact(
        session,
        school=sample.phelma,
        field="language_requirement",
        key="en/toefl_ibt/required",
        value={"language": "en", "level": None, "test": "TOEFL_IBT", "score": 90, "required": True},
    )


async def _ask(execute: Execute, filter: dict[str, Any]) -> list[tuple[str, list[str], bool]]:
    data = await data_of(execute, QUESTION, {"filter": filter})
    nodes = data["offersConnection"]["nodes"]
    assert data["offersConnection"]["totalCount"] == len(nodes)
    return [(node["school"]["slug"], node["matchedOnUnknown"], node["isem"]) for node in nodes]


async def test_a_language_level_excludes_only_schools_known_to_ask_more(
    session: AsyncSession, execute: Execute
) -> None:
    await _facts(session, await build_sample_catalogue(session))
    b1 = await _ask(execute, {"languageAtMost": [{"language": "en", "level": "B1"}]})
    # Aalto asks B2: out. Phelma asks a TOEFL score, the others say nothing: unknown, kept.
    assert b1 == [
        ("ensimag", ["LANGUAGE_REQUIREMENT"], False),
        ("phelma", ["LANGUAGE_REQUIREMENT"], True),
        ("telecom-saint-etienne", ["LANGUAGE_REQUIREMENT"], True),
        ("ense3", ["LANGUAGE_REQUIREMENT"], True),
        ("universite-de-sherbrooke", ["LANGUAGE_REQUIREMENT"], True),
    ]
    c1 = await _ask(execute, {"languageAtMost": [{"language": "EN", "level": "C1"}]})
    assert c1[:2] == [("ensimag", ["LANGUAGE_REQUIREMENT"], False), ("aalto-university", [], True)]
    assert len(c1) == 6


async def test_a_deadline_and_a_semester_keep_what_is_open_or_unknown(
    session: AsyncSession, execute: Execute
) -> None:
    await _facts(session, await build_sample_catalogue(session))
    april = await _ask(execute, {"deadlineOnOrAfter": "2026-04-01"})
    unknown = ["APPLICATION_DEADLINE"]
    assert april == [
        ("ensimag", unknown, False),
        ("aalto-university", [], True),
        ("phelma", unknown, True),  # "--03-31": no year on the page
        ("telecom-saint-etienne", unknown, True),
        ("ense3", unknown, True),
        ("universite-de-sherbrooke", unknown, True),
    ]
    may = await _ask(execute, {"deadlineOnOrAfter": "2026-05-01"})
    assert "aalto-university" not in [slug for slug, _, _ in may]
    assert len(may) == 5
    spring = await _ask(execute, {"semester": "SPRING", "homeTrack": "ISEM"})
    # Aalto takes autumn applications only; Phelma's spring deadline decides it; ISEM only.
    assert spring == [
        ("phelma", [], True),
        ("telecom-saint-etienne", ["SEMESTER"], True),
        ("ense3", ["SEMESTER"], True),
        ("universite-de-sherbrooke", ["SEMESTER"], True),
    ]


async def test_without_fact_criteria_nothing_is_flagged(
    session: AsyncSession, execute: Execute
) -> None:
    await _facts(session, await build_sample_catalogue(session))
    answer = await _ask(execute, {})
    assert [unknown for _, unknown, _ in answer] == [[]] * 6
    assert [(slug, isem) for slug, _, isem in answer if not isem] == [("ensimag", False)]
    old = await data_of(
        execute,
        """{ offers(filter: {semester: SPRING}) { school { slug } matchedOnUnknown
               iel: eligibleFor(homeTrack: "iel") } }""",
    )
    phelma = [offer for offer in old["offers"] if offer["school"]["slug"] == "phelma"]
    assert phelma == [{"school": {"slug": "phelma"}, "matchedOnUnknown": [], "iel": False}]
    assert len(old["offers"]) == 5
