"""Home tracks, selection rules (which semesters count for a track) and findings."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_home_track
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of


async def test_home_tracks_with_the_rule_in_force_for_each(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    await make_home_track(session, "GL", name="Génie logiciel")
    data = await data_of(
        execute, "{ homeTracks { code name selectionRule { semesters homeTrack { code } } } }"
    )
    general = {"semesters": ["S1", "S2"], "homeTrack": None}
    assert data == {
        "homeTracks": [
            {"code": "GL", "name": "Génie logiciel", "selectionRule": general},
            {"code": "IEL", "name": None, "selectionRule": general},
            {
                "code": "ISEM",
                "name": None,
                "selectionRule": {"semesters": ["S1", "S2", "S3"], "homeTrack": {"code": "ISEM"}},
            },
        ]
    }


async def test_selection_rules_all_or_the_one_for_a_track(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ all: selectionRules { semesters criteria sourceText homeTrack { code } }
             isem: selectionRules(homeTrack: "isem") { semesters }
             iel: selectionRules(homeTrack: "IEL") { semesters }
             unknown: selectionRules(homeTrack: "XYZ") { semesters } }""",
    )
    assert data == {
        "all": [
            {
                "semesters": ["S1", "S2"],
                "criteria": ["grades", "motivation"],
                "sourceText": "S1 et S2",
                "homeTrack": None,
            },
            {
                "semesters": ["S1", "S2", "S3"],
                "criteria": ["grades", "motivation"],
                "sourceText": "ISEM: aussi S3",
                "homeTrack": {"code": "ISEM"},
            },
        ],
        "isem": [{"semesters": ["S1", "S2", "S3"]}],
        "iel": [{"semesters": ["S1", "S2"]}],
        # A track without its own rule follows the general one.
        "unknown": [{"semesters": ["S1", "S2"]}],
    }


async def test_findings_open_by_default_newest_first(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    query = """query($filter: FindingFilter) { findings(filter: $filter) {
        kind origin severity message detail sourceLine firstSeenAt resolvedAt school { slug } } }"""
    data = await data_of(execute, query)
    assert data == {
        "findings": [
            {
                "kind": "country_name_corrected",
                "origin": "import",
                "severity": "WARNING",
                "message": 'Country heading "Finalde" read as Finlande.',
                "detail": {"heading": "Finalde", "country": "FI"},
                "sourceLine": 17,
                "firstSeenAt": "2020-06-21T00:00:00+00:00",
                "resolvedAt": None,
                "school": {"slug": "aalto-university"},
            }
        ]
    }
    data = await data_of(execute, query, {"filter": {"includeResolved": True}})
    assert [finding["kind"] for finding in data["findings"]] == [
        "country_name_corrected",
        "link_to_other_school",
    ]
    data = await data_of(
        execute, query, {"filter": {"includeResolved": True, "severities": ["INFO"]}}
    )
    assert [finding["kind"] for finding in data["findings"]] == ["link_to_other_school"]
    data = await data_of(execute, query, {"filter": {"origin": "sync"}})
    assert data == {"findings": []}
    data = await data_of(execute, query, {"filter": {"kinds": ["country_name_corrected"]}})
    assert len(data["findings"]) == 1
