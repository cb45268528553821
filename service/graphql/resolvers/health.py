"""The root ``syncRuns`` field: what the latest sync runs did."""

from __future__ import annotations

from typing import Annotated

import strawberry

from service.catalogue import list_sync_runs
from service.graphql.context import GraphQLInfo
from service.graphql.resolvers.catalogue import check_page_size
from service.graphql.types.link_health import SyncRun

DEFAULT_SYNC_RUNS = 10


async def resolve_sync_runs(
    info: GraphQLInfo,
    last: Annotated[
        int, strawberry.argument(description="How many, from 0 to the server's page maximum.")
    ] = DEFAULT_SYNC_RUNS,
) -> list[SyncRun]:
    limit = check_page_size(info, last, argument="last")
    rows = await info.context.db.run(list_sync_runs, last=limit)
    return [SyncRun.from_row(row) for row in rows]
