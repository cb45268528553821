"""Search hits: what matched, how well, and the country, school or programme it leads to."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import strawberry

from service.catalogue import SearchHitRecord
from service.graphql.context import GraphQLInfo
from service.graphql.types.catalogue import Country, Programme, School
from service.graphql.types.enums import SearchField, SearchHitKind

T = TypeVar("T")


@strawberry.type(description="One search result; exactly one of country, school, programme is set.")
class SearchHit:
    key: strawberry.Private[int | str]
    kind: SearchHitKind = strawberry.field(description="What the hit leads to.")
    field: SearchField = strawberry.field(description="Which of its texts matched.")
    text: str = strawberry.field(description='The text that matched, as displayed: "Finlande".')
    score: float = strawberry.field(
        description="How well it matched, in (0, 1]; 1 is the whole text, exactly."
    )

    @strawberry.field(description="The country, for a COUNTRY hit.")
    async def country(self, info: GraphQLInfo) -> Country | None:
        return await self._target(info, SearchHitKind.COUNTRY, "Country", Country.from_row)

    @strawberry.field(description="The school, for a SCHOOL hit.")
    async def school(self, info: GraphQLInfo) -> School | None:
        return await self._target(info, SearchHitKind.SCHOOL, "School", School.from_row)

    @strawberry.field(description="The programme, for a PROGRAMME hit.")
    async def programme(self, info: GraphQLInfo) -> Programme | None:
        return await self._target(info, SearchHitKind.PROGRAMME, "Programme", Programme.from_row)

    async def _target(
        self,
        info: GraphQLInfo,
        kind: SearchHitKind,
        type_name: str,
        build: Callable[[Mapping[Any, Any]], T],
    ) -> T | None:
        if self.kind is not kind:
            return None
        row = await info.context.relations.by_key(type_name, self.key)
        return None if row is None else build(row)

    @classmethod
    def from_record(cls, record: SearchHitRecord) -> SearchHit:
        return cls(
            key=record.key,
            kind=SearchHitKind[record.target.name],
            field=SearchField[record.field.name],
            text=record.text,
            score=record.score,
        )
