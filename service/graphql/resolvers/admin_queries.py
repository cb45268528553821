"""Root fields for admins: the admin log, queued requests, the scheduler's state."""

from __future__ import annotations

from typing import Annotated

import strawberry

from service.db import JobStatus as DbJobStatus
from service.graphql.context import GraphQLInfo
from service.graphql.paging import DEFAULT_PAGE_SIZE
from service.graphql.resolvers.admin_access import admin_actor
from service.graphql.resolvers.catalogue import check_page_size
from service.graphql.types.admin import (
    AdminActionsResult,
    AdminRefused,
    JobRequestsResult,
    SchedulerStateResult,
)
from service.graphql.types.operations import (
    AdminAction,
    AdminActionList,
    JobRequest,
    JobRequestList,
    JobStatus,
    ScheduledJob,
    SchedulerStatus,
    SchoolBackoff,
)
from service.operations import (
    list_admin_actions,
    list_job_requests,
    list_school_backoffs,
    read_scheduler_states,
)

_FIRST = strawberry.argument(description="How many, newest first (up to the server's maximum).")


async def resolve_admin_actions(
    info: GraphQLInfo,
    first: Annotated[int, _FIRST] = DEFAULT_PAGE_SIZE,
    before: Annotated[
        int | None,
        strawberry.argument(description="Only entries older than this `id` (the next page)."),
    ] = None,
) -> AdminActionsResult:
    actor = admin_actor(info)
    if isinstance(actor, AdminRefused):
        return actor
    limit = check_page_size(info, first)
    rows = (
        await info.context.db.run(list_admin_actions, limit=limit, before_id=before)
        if limit
        else []
    )
    return AdminActionList(nodes=[AdminAction.from_model(row) for row in rows])


async def resolve_job_requests(
    info: GraphQLInfo,
    status: Annotated[
        JobStatus | None, strawberry.argument(description="Only requests in this status.")
    ] = None,
    first: Annotated[int, _FIRST] = DEFAULT_PAGE_SIZE,
) -> JobRequestsResult:
    actor = admin_actor(info)
    if isinstance(actor, AdminRefused):
        return actor
    limit = check_page_size(info, first)
    wanted = None if status is None else DbJobStatus[status.name]
    rows = await info.context.db.run(list_job_requests, status=wanted, limit=limit) if limit else []
    return JobRequestList(nodes=[JobRequest.from_model(row) for row in rows])


async def resolve_scheduler_state(info: GraphQLInfo) -> SchedulerStateResult:
    actor = admin_actor(info)
    if isinstance(actor, AdminRefused):
        return actor
    jobs = await info.context.db.run(read_scheduler_states)
    backoffs = await info.context.db.run(list_school_backoffs)
    return SchedulerStatus(
        jobs=[ScheduledJob.from_model(row) for row in jobs],
        backoffs=[SchoolBackoff.from_model(backoff) for _slug, backoff in backoffs],
    )
