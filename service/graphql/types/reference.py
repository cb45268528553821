"""Home tracks, the selection rules that apply to them, and links."""

from __future__ import annotations

import dataclasses

import strawberry

from service.catalogue.records import HomeTrackRecord, LinkRecord, SelectionRuleRecord
from service.graphql.context import GraphQLInfo
from service.graphql.prefetch import (
    Prefetched,
    Relation,
    build_one,
    register_relations,
    relation_value,
)
from service.graphql.types.enums import LinkRole


@strawberry.type(description='A track ("filière") of the home school: ISEM, IEL, …')
class HomeTrack:
    code: str = strawberry.field(description='Upper-case code: "ISEM".')
    name: str | None = strawberry.field(description="Full name, when known.")
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @strawberry.field(
        description="The selection rule in force for this track: its own, else the general one."
    )
    def selection_rule(self, info: GraphQLInfo) -> SelectionRule | None:
        return relation_value(self, info, "selectionRule")

    @classmethod
    def from_record(cls, record: HomeTrackRecord) -> HomeTrack:
        return cls(code=record.code, name=record.name)


@strawberry.type(description="How students are selected, for every track or for one.")
class SelectionRule:
    home_track_code: strawberry.Private[str | None]
    semesters: list[str] = strawberry.field(
        description='Semesters whose grades count, in order: ["S1", "S2"].'
    )
    criteria: list[str] = strawberry.field(
        description='What is assessed besides grades, e.g. ["grades", "motivation"].'
    )
    source_text: str = strawberry.field(description="The sentence of the source it was read from.")
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @strawberry.field(description="The track this rule is specific to; null: every track.")
    def home_track(self, info: GraphQLInfo) -> HomeTrack | None:
        return relation_value(self, info, "homeTrack")

    @classmethod
    def from_record(cls, record: SelectionRuleRecord) -> SelectionRule:
        return cls(
            home_track_code=record.home_track_code,
            semesters=list(record.semesters),
            criteria=list(record.criteria),
            source_text=record.source_text,
        )


@strawberry.type(description="A web page the curated catalogue gives for a school or programme.")
class Link:
    id: strawberry.Private[int]
    url: str = strawberry.field(description="The address, as curated.")
    role: LinkRole = strawberry.field(description="What the page is for.")
    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @classmethod
    def from_record(cls, record: LinkRecord) -> Link:
        return cls(id=record.id, url=record.url, role=LinkRole[record.role.name])


register_relations(
    HomeTrack,
    {
        "selectionRule": Relation(
            loader=lambda loaders: loaders.selection_rule_of_track,
            key=lambda track, _: track.code,
            build=build_one(SelectionRule.from_record),
        )
    },
)
register_relations(
    SelectionRule,
    {
        "homeTrack": Relation(
            loader=lambda loaders: loaders.home_track,
            key=lambda rule, _: rule.home_track_code,
            build=build_one(HomeTrack.from_record),
        )
    },
)
