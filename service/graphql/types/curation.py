"""Data-quality findings from imports and syncs."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from service.catalogue import FindingRecord
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import format_global_id
from service.graphql.types.catalogue import School, school_of
from service.graphql.types.enums import FindingSeverity
from service.graphql.types.node import Node


@strawberry.type(
    description="A data-quality observation: a corrected typo, a link to another school's "
    "site, a dead link. Kept until resolved."
)
class Finding(Node):
    id: strawberry.Private[int]
    school_id: strawberry.Private[int | None]
    kind: str = strawberry.field(description='Machine-readable code: "country_name_corrected".')
    origin: str = strawberry.field(description='Where it was observed: "import" or "sync".')
    severity: FindingSeverity = strawberry.field(description="How serious it is.")
    message: str = strawberry.field(description="What was observed, in one sentence.")
    detail: JSON = strawberry.field(description="Structured details, depending on the kind.")
    source_line: int | None = strawberry.field(
        description="The line of the source it is about, when there is one."
    )
    first_seen_at: datetime = strawberry.field(description="When it was first observed.")
    resolved_at: datetime | None = strawberry.field(
        description="When it was resolved; null while open."
    )

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("Finding", self.id))

    @strawberry.field(description="The school it is about, when it is about one.")
    async def school(self, info: GraphQLInfo) -> School | None:
        return await school_of(info, self.school_id)

    @classmethod
    def from_record(cls, record: FindingRecord) -> Finding:
        return cls(
            id=record.id,
            school_id=record.school_id,
            kind=record.kind,
            origin=record.origin,
            severity=FindingSeverity[record.severity.name],
            message=record.message,
            detail=JSON(record.detail),
            source_line=record.source_line,
            first_seen_at=record.first_seen_at,
            resolved_at=record.resolved_at,
        )
