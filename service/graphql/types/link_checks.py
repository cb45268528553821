"""``Link.checksConnection``: a link's visits by sync runs, newest first, paged both ways.

A module of its own because connections (service.graphql.types.connection) import the
catalogue types, which import ``Link``: ``Link`` names this type lazily.
"""

from __future__ import annotations

import asyncio
from typing import Any

import strawberry

from service.catalogue import Page
from service.graphql.context import GraphQLInfo
from service.graphql.resolvers.catalogue import relay_page
from service.graphql.types.connection import (
    LINK_CHECK_CURSOR,
    Connection,
    build_connection,
    decode_time_cursor,
    encode_time_cursor,
)
from service.graphql.types.link_health import LinkCheck


@strawberry.type(description="A page of a link's visits, newest first, with the total.")
class LinkCheckConnection(Connection[LinkCheck]):
    pass


def page_checks(
    info: GraphQLInfo,
    link_id: int,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> asyncio.Future[LinkCheckConnection]:
    """One page of the link's checks: batched over the links of the request (one statement
    per distinct page request, one for the counts asked).

    Arguments are checked at once (their errors raised here); the page comes as a future, not
    a coroutine: when a sibling's error ends a list early, graphql-core drops the items left,
    and a dropped future, unlike a coroutine never awaited, is no error.
    """
    request = relay_page(
        info,
        first,
        after,
        last,
        before,
        lambda text, arg: decode_time_cursor(LINK_CHECK_CURSOR, text, arg),
    )

    async def count(info: GraphQLInfo) -> int:
        return await info.context.loaders.check_count_of_link.load(link_id)

    def cursor(row: Any) -> str:
        return encode_time_cursor(LINK_CHECK_CURSOR, row.checked_at, row.id)

    # DataLoader.load gives a future already (ensure_future returns it as it is).
    page = asyncio.ensure_future(info.context.loaders.check_page_of_link.load((link_id, request)))
    connection: asyncio.Future[LinkCheckConnection] = page.get_loop().create_future()

    def built(done: asyncio.Future[Page]) -> None:
        if done.cancelled():
            connection.cancel()
        elif (error := done.exception()) is not None:
            connection.set_exception(error)
        else:
            edges = build_connection(done.result(), LinkCheck.from_row, cursor, count)
            connection.set_result(
                LinkCheckConnection(count=count, edges=edges.edges, page_info=edges.page_info)
            )

    page.add_done_callback(built)
    return connection
