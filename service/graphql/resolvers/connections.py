"""Root connections over the operational lists: findings and sync runs, newest first."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import strawberry

from service.catalogue import (
    Page,
    PageRequest,
    count_findings,
    count_sync_runs,
    page_findings,
    page_sync_runs,
    school_by_slug,
)
from service.graphql.context import GraphQLInfo
from service.graphql.resolvers.catalogue import After, Before, First, Last, relay_page
from service.graphql.types.connection import (
    FINDING_CURSOR,
    SYNC_RUN_CURSOR,
    Connection,
    build_connection,
    decode_time_cursor,
    encode_time_cursor,
)
from service.graphql.types.curation import Finding
from service.graphql.types.inputs import FindingFilter
from service.graphql.types.link_health import SyncRun


def _request(
    info: GraphQLInfo,
    prefix: str,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> PageRequest:
    return relay_page(
        info,
        first,
        after,
        last,
        before,
        lambda text, arg: decode_time_cursor(prefix, text, arg),
    )


async def resolve_findings_connection(
    info: GraphQLInfo,
    filter: Annotated[
        FindingFilter | None, strawberry.argument(description="Which findings; default: open.")
    ] = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[Finding]:
    request = _request(info, FINDING_CURSOR, first, after, last, before)
    filter = filter or FindingFilter()
    criteria = filter.to_criteria()
    if filter.school is not None:
        school = await info.context.db.run(school_by_slug, filter.school)
        criteria = dataclasses.replace(criteria, school_ids=[] if school is None else [school.id])
    page = await info.context.db.run(page_findings, criteria, request)

    async def count(info: GraphQLInfo) -> int:
        return await info.context.db.run(count_findings, criteria)

    def cursor(record: Any) -> str:
        return encode_time_cursor(FINDING_CURSOR, record.first_seen_at, record.id)

    return build_connection(page, Finding.from_record, cursor, count)


async def resolve_sync_runs_connection(
    info: GraphQLInfo,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
) -> Connection[SyncRun]:
    request = _request(info, SYNC_RUN_CURSOR, first, after, last, before)
    page: Page = await info.context.db.run(page_sync_runs, request)

    async def count(info: GraphQLInfo) -> int:
        return await info.context.db.run(count_sync_runs)

    def cursor(row: Any) -> str:
        return encode_time_cursor(SYNC_RUN_CURSOR, row.started_at, row.id)

    return build_connection(page, SyncRun.from_row, cursor, count)
