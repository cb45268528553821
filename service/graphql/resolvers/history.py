"""The root ``changes`` field: the history of scraped values since a time, a page at a time."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated

import strawberry

from service.catalogue import MAX_CHANGES, Page, page_changes, school_by_slug
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.resolvers.catalogue import After, Before, First, Last, relay_page
from service.graphql.types.enums import ChangeOrder
from service.graphql.types.history import (
    Change,
    ChangeConnection,
    ChangeEdge,
    decode_change_cursor,
    encode_change_cursor,
)
from service.graphql.types.pagination import page_info_of


async def resolve_changes(
    info: GraphQLInfo,
    since: Annotated[
        datetime,
        strawberry.argument(
            description="Changes recorded at or after this time, with its offset: "
            '"2026-03-01T00:00:00Z".'
        ),
    ],
    school: Annotated[
        str | None,
        strawberry.argument(description="Only the changes of the school with this slug."),
    ] = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    order_by: Annotated[
        ChangeOrder, strawberry.argument(description="Oldest first (default) or newest first.")
    ] = ChangeOrder.OLDEST_FIRST,
) -> ChangeConnection:
    request = relay_page(info, first, after, last, before, decode_change_cursor)
    if since.tzinfo is None:
        raise bad_input('`since` needs a time zone offset: "2026-03-01T00:00:00Z".')
    # The history is long: a page never exceeds what load_changes would give at once.
    request = dataclasses.replace(request, limit=min(request.limit, MAX_CHANGES - 1))
    school_ids = None
    if school is not None:
        record = await info.context.db.run(school_by_slug, school)
        school_ids = [] if record is None else [record.id]
    page = (
        Page([], has_next=False, has_previous=False)
        if school_ids == []
        else await info.context.db.run(
            page_changes,
            since=since,
            school_ids=school_ids,
            newest_first=order_by is ChangeOrder.NEWEST_FIRST,
            request=request,
        )
    )
    edges = [
        ChangeEdge(cursor=encode_change_cursor((entry.changed_at, entry.id)), node=change)
        for entry in page.rows
        for change in [Change.from_entry(entry)]
    ]
    return ChangeConnection(
        since=since,
        school_ids=school_ids,
        edges=edges,
        page_info=page_info_of(page, [edge.cursor for edge in edges]),
    )
