"""The history of values read from partner pages: every change, oldest first, by cursor."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from service.catalogue import ChangeEntry, ChangePosition, count_changes
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.global_id import format_global_id
from service.graphql.types.catalogue import School, existing_school
from service.graphql.types.node import Node
from service.graphql.types.pagination import PageInfo, decode_opaque, encode_opaque

_CURSOR_PREFIX = "change:"


def encode_change_cursor(position: ChangePosition) -> str:
    """An opaque cursor for the change at ``position``."""
    changed_at, change_id = position
    return encode_opaque(_CURSOR_PREFIX, f"{changed_at.isoformat()}|{change_id}")


def decode_change_cursor(cursor: str, argument: str = "after") -> ChangePosition:
    """The position inside ``cursor``; a readable GraphQL error for anything else."""
    text = decode_opaque(_CURSOR_PREFIX, cursor, argument)
    changed_at, _, change_id = text.partition("|")
    try:
        position = (datetime.fromisoformat(changed_at), int(change_id))
    except ValueError:
        raise bad_input(f"`{argument}` is not a cursor given by this API.") from None
    if position[0].tzinfo is None:
        raise bad_input(f"`{argument}` is not a cursor given by this API.")
    return position


@strawberry.type(
    description="One change of a value read from a partner's pages: it appeared (no old "
    "value) or it was replaced. Overrides and the FAQ page are not part of this history."
)
class Change(Node):
    school_id: strawberry.Private[int]
    position: strawberry.Private[ChangePosition]
    field: str = strawberry.field(
        description='What changed: "deadline", "language_requirement", "credits", "duration", '
        '"email", "phone", "description", "logo", "address" or "name".'
    )
    key: str = strawberry.field(
        description='Which item of the field ("application/autumn"); empty for single values.'
    )
    old_value: JSON | None = strawberry.field(
        description="The value before, as stored (shape depends on the field); null when it "
        "appeared."
    )
    new_value: JSON | None = strawberry.field(
        description="The value after, as stored; null when it was removed."
    )
    changed_at: datetime = strawberry.field(description="When the sync recorded it.")
    source_url: str | None = strawberry.field(description="The page the new value was read from.")

    @strawberry.field(name="id", description="Stable, opaque global id.")
    def global_id(self) -> strawberry.ID:
        return strawberry.ID(format_global_id("Change", self.position[1]))

    @strawberry.field(description="The school whose value changed.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_entry(cls, entry: ChangeEntry) -> Change:
        return cls(
            school_id=entry.school_id,
            position=(entry.changed_at, entry.id),
            field=entry.field,
            key=entry.key,
            old_value=None if entry.old is None else JSON(entry.old),
            new_value=None if entry.new is None else JSON(entry.new),
            changed_at=entry.changed_at,
            source_url=entry.source_url,
        )


@strawberry.type(description="A change and its cursor.")
class ChangeEdge:
    cursor: str = strawberry.field(
        description="Pass it as `after` (or `before`) to continue after (or before) this change."
    )
    node: Change = strawberry.field(description="The change.")


@strawberry.type(description="A page of changes, oldest first unless asked otherwise.")
class ChangeConnection:
    since: strawberry.Private[datetime]
    school_ids: strawberry.Private[list[int] | None]
    edges: list[ChangeEdge] = strawberry.field(
        description="The changes of this page, with cursors."
    )
    page_info: PageInfo = strawberry.field(
        description="Where this page stands; pass `endCursor` as `after` for the next one."
    )

    @strawberry.field(description="The changes of this page (the edges' nodes).")
    def nodes(self) -> list[Change]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many changes match, over all pages.")
    async def total_count(self, info: GraphQLInfo) -> int:
        if self.school_ids == []:
            return 0
        return await info.context.db.run(
            count_changes, since=self.since, school_ids=self.school_ids
        )
