"""``Link.checksConnection``: a link's visits by sync runs, newest first, paged both ways.

A module of its own because connections (service.graphql.types.connection) import the
catalogue types, which import ``Link``: ``Link`` names this type lazily.
"""

from __future__ import annotations

from typing import Any

import strawberry

from service.catalogue.keyset import PageRequest
from service.graphql.context import GraphQLInfo
from service.graphql.resolvers.catalogue import page_request
from service.graphql.types.connection import (
    Connection,
    build_connection,
    decode_time_cursor,
    encode_time_cursor,
)
from service.graphql.types.link_health import LinkCheck

#: The prefix of the cursors.
_CHECK = "link-check:"


@strawberry.type(description="A page of a link's visits, newest first, with the total.")
class LinkCheckConnection(Connection[LinkCheck]):
    pass


async def page_checks(
    info: GraphQLInfo,
    link_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> LinkCheckConnection:
    """One page of the link's checks: batched over the links of the request (one statement
    per distinct page request, one for the counts asked)."""
    limit, from_end = page_request(info, first, last)
    request = PageRequest(
        limit=limit,
        after=None if after is None else decode_time_cursor(_CHECK, after, "after"),
        before=None if before is None else decode_time_cursor(_CHECK, before, "before"),
        from_end=from_end,
    )
    page = await info.context.loaders.check_page_of_link.load((link_id, request))

    async def count(info: GraphQLInfo) -> int:
        return await info.context.loaders.check_count_of_link.load(link_id)

    def cursor(row: Any) -> str:
        return encode_time_cursor(_CHECK, row.checked_at, row.id)

    built = build_connection(page, LinkCheck.from_row, cursor, count)
    return LinkCheckConnection(count=count, edges=built.edges, page_info=built.page_info)
