"""Global object identification: every cacheable object's `id`, `node(id:)` and `nodes(ids:)`."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import (
    make_change,
    make_link,
    make_link_check,
    make_sync_run,
    make_url_health,
)
from tests.sample_catalogue import build_sample_catalogue
from tests.service.graphql.conftest import Execute, data_of


async def test_objects_carry_type_and_key_ids(session: AsyncSession, execute: Execute) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ school(slug: "phelma") { id country { id }
               programmes { id } offers { id homeTracks { id selectionRule { id } } } }
             homeTracks { id } }""",
    )
    school = data["school"]
    assert school["id"] == "School:phelma"
    assert school["country"] == {"id": "Country:FR"}
    assert school["programmes"] == [{"id": "Programme:phelma:sicom-phelma-ense3"}]
    [offer] = school["offers"]
    assert offer["id"].startswith("Offer:")
    assert offer["homeTracks"][0]["id"] == "HomeTrack:ISEM"
    assert offer["homeTracks"][0]["selectionRule"]["id"].startswith("SelectionRule:")
    assert data["homeTracks"] == [{"id": "HomeTrack:IEL"}, {"id": "HomeTrack:ISEM"}]


async def test_a_shared_programme_has_one_id_per_school_it_is_reached_from(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ ense3: school(slug: "ense3") { programmes { id offers { kind places } } }
             phelma: school(slug: "phelma") { programmes { id offers { kind places } } }
             offers(filter: {kinds: [DOUBLE_DEGREE]}) { programme { id } } }""",
    )
    assert data["ense3"]["programmes"] == [
        {
            "id": "Programme:ense3:sicom-phelma-ense3",
            "offers": [{"kind": "EXCHANGE", "places": 0}],
        }
    ]
    assert data["phelma"]["programmes"] == [
        {
            "id": "Programme:phelma:sicom-phelma-ense3",
            "offers": [{"kind": "DOUBLE_DEGREE", "places": 1}],
        }
    ]
    # Reached from Phelma's offer, the programme is Phelma's, with the same id as from Phelma.
    assert data["offers"] == [{"programme": {"id": "Programme:phelma:sicom-phelma-ense3"}}]


async def test_node_fetches_each_kind_again_by_the_id_it_gave(
    session: AsyncSession, execute: Execute
) -> None:
    sample = await build_sample_catalogue(session)
    link = await make_link(session, url="https://www.aalto.fi/exchange", school=sample.aalto)
    await make_url_health(session, url=link.url)
    run = await make_sync_run(session)
    await make_link_check(session, run=run, link=link)
    await make_change(session, school=sample.aalto, field="email", new_value={"v": "x@aalto.fi"})
    listed = await data_of(
        execute,
        """{ countries(filter: {codes: ["FI"]}) { id
               schools { id programmes { id } offers { id }
                 links { id health { id } checks { id run { id } } } findings { id } } }
             homeTracks { id } selectionRules { id }
             changes(since: "2026-01-01T00:00:00+00:00") { nodes { id } }
             search(text: "SICOM") { programme { id } } }""",
    )
    [country] = listed["countries"]
    [aalto] = country["schools"]
    exchange_link = aalto["links"][1]
    [check] = exchange_link["checks"]
    ids = [
        country["id"],
        aalto["id"],
        aalto["programmes"][0]["id"],
        aalto["offers"][0]["id"],
        exchange_link["id"],
        exchange_link["health"]["id"],
        check["id"],
        check["run"]["id"],
        aalto["findings"][0]["id"],
        listed["homeTracks"][0]["id"],
        listed["selectionRules"][0]["id"],
        listed["changes"]["nodes"][0]["id"],
        listed["search"][0]["programme"]["id"],
    ]
    assert len(set(ids)) == len(ids)
    assert [identity.split(":")[0] for identity in ids] == [
        "Country",
        "School",
        "Programme",
        "Offer",
        "Link",
        "LinkHealth",
        "LinkCheck",
        "SyncRun",
        "Finding",
        "HomeTrack",
        "SelectionRule",
        "Change",
        "Programme",
    ]
    fetched = await data_of(
        execute,
        "query Again($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }",
        {"ids": ids},
    )
    assert [node["id"] for node in fetched["nodes"]] == ids
    assert [node["__typename"] for node in fetched["nodes"]] == [
        identity.split(":")[0] for identity in ids
    ]


async def test_node_answers_the_same_fields_as_the_list_it_came_from(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    data = await data_of(
        execute,
        """{ ense3: node(id: "Programme:ense3:sicom-phelma-ense3") {
               ... on Programme { id key offers { kind school { slug } } } }
             shared: node(id: "Programme:sicom-phelma-ense3") {
               ... on Programme { offers { school { slug } } } }
             school: node(id: "School:phelma") { ... on School { name parent { id } } } }""",
    )
    assert data == {
        "ense3": {
            "id": "Programme:ense3:sicom-phelma-ense3",
            "key": "sicom-phelma-ense3",
            "offers": [{"kind": "EXCHANGE", "school": {"slug": "ense3"}}],
        },
        # Not seen from a school: the offers of every school teaching it.
        "shared": {"offers": [{"school": {"slug": "phelma"}}, {"school": {"slug": "ense3"}}]},
        "school": {"name": "Phelma", "parent": {"id": "School:grenoble-inp"}},
    }


async def test_unknown_and_malformed_ids_are_null_not_errors(
    session: AsyncSession, execute: Execute
) -> None:
    await build_sample_catalogue(session)
    ids = [
        "School:nowhere",
        "School",
        "School:",
        "Offer:abc",
        "Offer:999999",
        "Offer:1:2",
        "Spaceship:1",
        "",
        "Programme:ense3:no-such-programme",
        # A real programme seen from a school that does not teach it.
        "Programme:aalto-university:sicom-phelma-ense3",
        "Country:ZZ",
        "SyncRun:-1",
        "School:phelma",
    ]
    data = await data_of(execute, "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ids})
    assert data["nodes"] == [None] * (len(ids) - 1) + [{"id": "School:phelma"}]
    single = await data_of(execute, '{ node(id: "Offer:abc") { id } }')
    assert single == {"node": None}


async def test_nodes_refuses_more_ids_than_a_page(session: AsyncSession, execute: Execute) -> None:
    result = await execute(
        "query N($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": [f"School:s{number}" for number in range(101)]},
    )
    assert result.errors is not None
    assert result.errors[0].message == "`ids` must be between 0 and 100."
    assert result.errors[0].extensions == {"code": "BAD_USER_INPUT"}


async def test_sync_runs_keep_their_number_beside_their_id(
    session: AsyncSession, execute: Execute
) -> None:
    run = await make_sync_run(session, started_at=datetime(2026, 3, 2, tzinfo=UTC))
    data = await data_of(execute, "{ syncRuns { id number } }")
    assert data == {"syncRuns": [{"id": f"SyncRun:{run.id}", "number": run.id}]}
