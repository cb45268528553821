"""The school connection (Relay-style cursors, paged in SQL), and opaque cursors."""

from __future__ import annotations

import base64
import binascii

import strawberry

from service.catalogue.schools import SchoolCriteria, count_schools
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.prefetch import Through, register_relations
from service.graphql.types.catalogue import School

_CURSOR_PREFIX = "school:"


def encode_opaque(prefix: str, text: str) -> str:
    """``text`` behind ``prefix``, as an opaque cursor."""
    return base64.urlsafe_b64encode(f"{prefix}{text}".encode()).decode().rstrip("=")


def decode_opaque(prefix: str, cursor: str) -> str:
    """The text of a cursor made with ``prefix``; a readable GraphQL error for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(prefix) or len(text) == len(prefix):
        raise bad_input("`after` is not a cursor given by this API.")
    return text.removeprefix(prefix)


def encode_cursor(slug: str) -> str:
    """An opaque cursor for the school with ``slug``."""
    return encode_opaque(_CURSOR_PREFIX, slug)


def decode_cursor(cursor: str) -> str:
    """The slug inside ``cursor``; a readable GraphQL error for anything else."""
    return decode_opaque(_CURSOR_PREFIX, cursor)


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item here.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item here: pass it as `after` for the next page."
    )


@strawberry.type(description="A school and its cursor.")
class SchoolEdge:
    cursor: str = strawberry.field(description="Pass it as `after` to continue after this school.")
    node: School = strawberry.field(description="The school.")


@strawberry.type(description="A page of schools, ordered by slug.")
class SchoolConnection:
    criteria: strawberry.Private[SchoolCriteria]
    edges: list[SchoolEdge] = strawberry.field(
        description="The schools of this page, with cursors."
    )
    page_info: PageInfo = strawberry.field(description="Where this page stands.")

    @strawberry.field(description="The schools of this page (the edges' nodes).")
    def nodes(self) -> list[School]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many schools match the filter, over all pages.")
    async def total_count(self, info: GraphQLInfo) -> int:
        return await info.context.db.run(count_schools, self.criteria)


register_relations(
    SchoolConnection,
    {
        "edges": Through(lambda connection: connection.edges),
        "nodes": Through(lambda connection: [edge.node for edge in connection.edges]),
    },
)
register_relations(SchoolEdge, {"node": Through(lambda edge: edge.node)})
