"""Generic Relay connections (``FindingConnection``, ``SyncRunConnection``) and time cursors.

Strawberry names each specialisation after its node type: ``Connection[Finding]`` is
``FindingConnection`` in the schema, ``Edge[Finding]`` is ``FindingEdge``. The rows are paged
in SQL by the resolver (service.catalogue.keyset); the connection only carries the page and
how to count the whole list.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, Generic, TypeVar

import strawberry

from service.catalogue import Page, Position
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.types.pagination import (
    PageInfo,
    decode_position,
    encode_position,
    page_info_of,
)

T = TypeVar("T")


@strawberry.type(description="An item and its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(
        description="Pass it as `after` (or `before`) to continue after (or before) this item."
    )
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of items, with where it stands and the total.")
class Connection(Generic[T]):
    count: strawberry.Private[Callable[[GraphQLInfo], Awaitable[int]]]
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, with cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")

    @strawberry.field(description="The items of this page (the edges' nodes).")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many items match, over all pages.")
    async def total_count(self, info: GraphQLInfo) -> int:
        return await self.count(info)


def build_connection(
    page: Page,
    node: Callable[[Any], T],
    cursor: Callable[[Any], str],
    count: Callable[[GraphQLInfo], Awaitable[int]],
) -> Connection[T]:
    """The connection of ``page``: each row becomes ``node(row)`` behind ``cursor(row)``."""
    edges = [Edge(cursor=cursor(row), node=node(row)) for row in page.rows]
    return Connection(
        count=count, edges=edges, page_info=page_info_of(page, [edge.cursor for edge in edges])
    )


#: The prefix of a finding's cursor (the resolvers' and the compiled path's).
FINDING_CURSOR = "finding:"
#: The prefix of a sync run's cursor (``syncRunsConnection``).
SYNC_RUN_CURSOR = "sync-run:"
#: The prefix of a link check's cursor (``Link.checksConnection``).
LINK_CHECK_CURSOR = "link-check:"


def encode_time_cursor(prefix: str, at: datetime, row_id: int) -> str:
    """A cursor for a row ordered by (time, id)."""
    return encode_position(prefix, (at.isoformat(), row_id))


def decode_time_cursor(prefix: str, cursor: str, argument: str) -> Position:
    """The (time, id) inside a cursor made by ``encode_time_cursor``."""
    text, row_id = decode_position(prefix, cursor, (str, int), argument)
    try:
        at = datetime.fromisoformat(text)
    except ValueError:
        at = None
    # The API writes every time with its zone; a time without one is no cursor of ours.
    if at is None or at.tzinfo is None:
        raise bad_input(f"`{argument}` is not a cursor given by this API.")
    return (at, row_id)
