"""Root fields over reference data: home tracks, selection rules, findings."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import strawberry

from service.catalogue import list_findings, list_home_tracks, list_selection_rules, school_by_slug
from service.graphql.context import GraphQLInfo
from service.graphql.types.curation import Finding
from service.graphql.types.inputs import FindingFilter
from service.graphql.types.reference import HomeTrack, SelectionRule


async def resolve_home_tracks(info: GraphQLInfo) -> list[HomeTrack]:
    records = await info.context.db.run(list_home_tracks)
    return [HomeTrack.from_record(record) for record in records]


async def resolve_selection_rules(
    info: GraphQLInfo,
    home_track: Annotated[
        str | None,
        strawberry.argument(
            description="Only the rule in force for this track: its own, else the general one."
        ),
    ] = None,
) -> list[SelectionRule]:
    records = await info.context.db.run(list_selection_rules)
    if home_track is not None:
        # The track may be unknown to the catalogue: its own rule, else the general one.
        code = home_track.strip().upper()
        rules = {record.home_track_code: record for record in records}
        chosen = rules.get(code, rules.get(None))
        records = [] if chosen is None else [chosen]
    return [SelectionRule.from_record(record) for record in records]


async def resolve_findings(
    info: GraphQLInfo,
    filter: Annotated[
        FindingFilter | None, strawberry.argument(description="Which findings; default: open.")
    ] = None,
) -> list[Finding]:
    filter = filter or FindingFilter()
    criteria = filter.to_criteria()
    if filter.school is not None:
        school = await info.context.db.run(school_by_slug, filter.school)
        if school is None:
            return []
        criteria = dataclasses.replace(criteria, school_ids=[school.id])
    records = await info.context.db.run(list_findings, criteria)
    return [Finding.from_record(record) for record in records]
