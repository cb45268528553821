"""The root ``changes`` field: the history of scraped values since a time, a page at a time."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from service.catalogue import schools as school_queries
from service.catalogue.changes import MAX_CHANGES, load_changes
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.prefetch import prefetch
from service.graphql.resolvers.catalogue import DEFAULT_PAGE_SIZE, check_page_size
from service.graphql.types.history import (
    Change,
    ChangeConnection,
    decode_change_cursor,
    encode_change_cursor,
)
from service.graphql.types.pagination import PageInfo


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
    first: Annotated[
        int, strawberry.argument(description="Page size, from 0 to the server's maximum.")
    ] = DEFAULT_PAGE_SIZE,
    after: Annotated[
        str | None, strawberry.argument(description="Start after this cursor (`endCursor`).")
    ] = None,
) -> ChangeConnection:
    # One row more than asked tells whether a next page exists; load_changes caps its answer.
    limit = min(check_page_size(info, first), MAX_CHANGES - 1)
    if since.tzinfo is None:
        raise bad_input('`since` needs a time zone offset: "2026-03-01T00:00:00Z".')
    position = None if after is None else decode_change_cursor(after)
    school_ids = None
    if school is not None:
        record = await info.context.db.run(school_queries.school_by_slug, school)
        school_ids = [] if record is None else [record.id]
    entries = (
        []
        if school_ids == []
        else await info.context.db.run(
            load_changes, since=since, school_ids=school_ids, limit=limit + 1, after=position
        )
    )
    nodes = [Change.from_entry(entry) for entry in entries[:limit]]
    connection = ChangeConnection(
        nodes=nodes,
        page_info=PageInfo(
            has_next_page=len(entries) > limit,
            has_previous_page=position is not None,
            start_cursor=encode_change_cursor(nodes[0].position) if nodes else None,
            end_cursor=encode_change_cursor(nodes[-1].position) if nodes else None,
        ),
    )
    return await prefetch(info, connection)
