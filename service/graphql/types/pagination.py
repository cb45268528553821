"""The school connection (Relay cursors, paged in SQL both ways), and opaque cursors."""

from __future__ import annotations

import base64
import binascii
import json

import strawberry

from service.catalogue import (
    Page,
    Position,
    SchoolCriteria,
    SchoolOrder,
    SchoolRecord,
    count_schools,
    school_position,
)
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.types.catalogue import School

#: The prefix of a school cursor by slug (the compiled read writes it in SQL too).
SCHOOL_CURSOR = "school:"


def encode_opaque(prefix: str, text: str) -> str:
    """``text`` behind ``prefix``, as an opaque cursor."""
    return base64.urlsafe_b64encode(f"{prefix}{text}".encode()).decode().rstrip("=")


def decode_opaque(prefix: str, cursor: str, argument: str = "after") -> str:
    """The text of a cursor made with ``prefix``; a readable GraphQL error for anything else."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        text = ""
    if not text.startswith(prefix) or len(text) == len(prefix):
        raise bad_input(f"`{argument}` is not a cursor given by this API.")
    return text.removeprefix(prefix)


def encode_position(prefix: str, position: Position) -> str:
    """An opaque cursor holding a keyset position (strings and integers)."""
    return encode_opaque(prefix, json.dumps(list(position), ensure_ascii=False))


def decode_position(
    prefix: str, cursor: str, types: tuple[type, ...], argument: str = "after"
) -> Position:
    """The position of a cursor made by ``encode_position`` whose values have ``types``."""
    text = decode_opaque(prefix, cursor, argument)
    try:
        values = json.loads(text)
    except ValueError:
        values = None
    if not (
        isinstance(values, list)
        and len(values) == len(types)
        and all(type(value) is kind for value, kind in zip(values, types, strict=True))
    ):
        raise bad_input(f"`{argument}` is not a cursor given by this API.")
    return tuple(values)


def encode_cursor(slug: str) -> str:
    """An opaque cursor for the school with ``slug``."""
    return encode_opaque(SCHOOL_CURSOR, slug)


def decode_cursor(cursor: str, argument: str = "after") -> str:
    """The slug inside ``cursor``; a readable GraphQL error for anything else."""
    return decode_opaque(SCHOOL_CURSOR, cursor, argument)


def encode_school_cursor(record: SchoolRecord, order: SchoolOrder) -> str:
    """The cursor of ``record`` in a page ordered by ``order`` (by slug: ``encode_cursor``)."""
    if order is SchoolOrder.SLUG:
        return encode_cursor(record.slug)
    return encode_position(f"school-by-{order.value}:", school_position(record, order))


def decode_school_cursor(cursor: str, order: SchoolOrder, argument: str) -> Position:
    """The position inside a cursor of a page ordered by ``order``."""
    if order is SchoolOrder.SLUG:
        return (decode_cursor(cursor, argument),)
    return decode_position(f"school-by-{order.value}:", cursor, (str, str), argument)


@strawberry.type(description="Where a page stands in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item here.")
    end_cursor: str | None = strawberry.field(
        description="Cursor of the last item here: pass it as `after` for the next page."
    )


def page_info_of(page: Page, cursors: list[str]) -> PageInfo:
    """The ``PageInfo`` of a keyset ``page`` whose rows got ``cursors``."""
    return PageInfo(
        has_next_page=page.has_next,
        has_previous_page=page.has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


@strawberry.type(description="A school and its cursor.")
class SchoolEdge:
    cursor: str = strawberry.field(
        description="Pass it as `after` (or `before`) to continue after (or before) this school."
    )
    node: School = strawberry.field(description="The school.")


@strawberry.type(description="A page of schools, in the order asked for (by slug by default).")
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
