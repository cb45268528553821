"""Search hits: what matched, how well, and the country, school or programme it leads to."""

from __future__ import annotations

import dataclasses
from typing import Any

import strawberry

from service.catalogue.search_index import SearchHitRecord
from service.graphql.context import GraphQLInfo
from service.graphql.prefetch import (
    Prefetched,
    Relation,
    build_one,
    register_relations,
    relation_value,
)
from service.graphql.types.catalogue import Country, Programme, School
from service.graphql.types.enums import SearchField, SearchHitKind


@strawberry.type(description="One search result; exactly one of country, school, programme is set.")
class SearchHit:
    key: strawberry.Private[int | str]
    kind: SearchHitKind = strawberry.field(description="What the hit leads to.")
    field: SearchField = strawberry.field(description="Which of its texts matched.")
    text: str = strawberry.field(description='The text that matched, as displayed: "Finlande".')
    score: float = strawberry.field(
        description="How well it matched, in (0, 1]; 1 is the whole text, exactly."
    )

    prefetched: strawberry.Private[Prefetched] = dataclasses.field(default_factory=dict)

    @strawberry.field(description="The country, for a COUNTRY hit.")
    def country(self, info: GraphQLInfo) -> Country | None:
        return relation_value(self, info, "country")

    @strawberry.field(description="The school, for a SCHOOL hit.")
    def school(self, info: GraphQLInfo) -> School | None:
        return relation_value(self, info, "school")

    @strawberry.field(description="The programme, for a PROGRAMME hit.")
    def programme(self, info: GraphQLInfo) -> Programme | None:
        return relation_value(self, info, "programme")

    @classmethod
    def from_record(cls, record: SearchHitRecord) -> SearchHit:
        return cls(
            key=record.key,
            kind=SearchHitKind[record.target.name],
            field=SearchField[record.field.name],
            text=record.text,
            score=record.score,
        )


def _key_if(kind: SearchHitKind) -> Any:
    return lambda hit, _: hit.key if hit.kind is kind else None


register_relations(
    SearchHit,
    {
        "country": Relation(
            loader=lambda loaders: loaders.country,
            key=_key_if(SearchHitKind.COUNTRY),
            build=build_one(Country.from_record),
        ),
        "school": Relation(
            loader=lambda loaders: loaders.school,
            key=_key_if(SearchHitKind.SCHOOL),
            build=build_one(School.from_record),
        ),
        "programme": Relation(
            loader=lambda loaders: loaders.programme,
            key=_key_if(SearchHitKind.PROGRAMME),
            build=build_one(Programme.from_record),
        ),
    },
)
