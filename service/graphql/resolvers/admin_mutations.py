"""Root fields of ``Mutation``: the admin actions, each answered by a typed result.

Each resolver checks the token (nothing is read or written without it), then runs one admin
action of :mod:`service.admin` in the request's transaction, which the HTTP layer commits when
the operation ran without errors. Input errors come back as ``InvalidInput``, not as GraphQL
errors, so that a client handles them like any other outcome: the action's edge
(``service.admin.audit.admin_action``) has logged the rejection already.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from service.admin import FindingResolved as FindingResolvedRecord
from service.admin import InvalidInput as InvalidInputRecord
from service.admin import (
    InvalidInputError,
    accept_scraped_value,
    admin_action,
    clear_override,
    override_school_field,
    request_faq_import,
    request_sync,
    resolve_finding,
    restore_school,
    retire_school,
    with_receivers,
)
from service.graphql.context import GraphQLInfo
from service.graphql.global_id import parse_global_id, parse_int_key
from service.graphql.loaders import Loaders
from service.graphql.resolvers.admin_access import admin_actor
from service.graphql.types.admin import (
    AcceptScrapedValueResult,
    AdminRefused,
    ClearOverrideResult,
    FaqImportRequested,
    FindingResolved,
    ImportFaqResult,
    InvalidInput,
    OverrideCleared,
    OverrideSchoolFieldResult,
    RequestSyncResult,
    ResolveFindingResult,
    RestoreSchoolResult,
    RetireSchoolResult,
    SchoolFieldOverridden,
    SchoolRestored,
    SchoolRetired,
    ScrapedValueAccepted,
    SyncRequested,
)
from service.operations import AdminActionKind

R = TypeVar("R")
T = TypeVar("T")

_SLUG = strawberry.argument(description='The school\'s slug: "phelma".')
_REASON = strawberry.argument(description="Why (required; kept in the admin log, 500 characters).")
_OPTIONAL_REASON = strawberry.argument(description="Why (kept in the admin log, 500 characters).")
_FIELD = strawberry.argument(
    description="name, shortName, city, website, countryCode, description or logo."
)


def _forget_loaded(loaders: Loaders) -> None:
    """Drop what this request's loaders hold: a write may have changed it."""
    for field in dataclasses.fields(loaders):
        getattr(loaders, field.name).clear_all()


async def _run(
    info: GraphQLInfo,
    action: Callable[..., Awaitable[R | InvalidInputRecord]],
    convert: Callable[[R], T],
    **arguments: Any,
) -> T | AdminRefused | InvalidInput:
    actor = admin_actor(info)
    if isinstance(actor, AdminRefused):
        return actor
    arguments = with_receivers(action, arguments, info.context.webhook_urls)
    result = await info.context.db.run(action, actor=actor, **arguments)
    if isinstance(result, InvalidInputRecord):
        info.context.notes.invalid_input = True
        return InvalidInput.from_record(result)
    _forget_loaded(info.context.loaders)
    return convert(result)


async def resolve_request_sync(
    info: GraphQLInfo,
    schools: Annotated[
        list[str] | None,
        strawberry.argument(description="Slugs of the schools to visit; absent or []: all."),
    ] = None,
    reason: Annotated[str | None, _OPTIONAL_REASON] = None,
) -> RequestSyncResult:
    return await _run(
        info, request_sync, SyncRequested.from_result, schools=schools or [], reason=reason
    )


async def resolve_import_faq(
    info: GraphQLInfo,
    url: Annotated[
        str | None,
        strawberry.argument(
            description="The page to import (http or https); absent: the configured FAQ_SOURCE."
        ),
    ] = None,
    reason: Annotated[str | None, _OPTIONAL_REASON] = None,
) -> ImportFaqResult:
    return await _run(
        info,
        request_faq_import,
        FaqImportRequested.from_result,
        url=url,
        reason=reason,
        resolver=info.context.resolver,
    )


async def resolve_override_school_field(
    info: GraphQLInfo,
    slug: Annotated[str, _SLUG],
    field: Annotated[str, _FIELD],
    value: Annotated[str, strawberry.argument(description="The value to serve.")],
    reason: Annotated[str, _REASON],
) -> OverrideSchoolFieldResult:
    return await _run(
        info,
        override_school_field,
        SchoolFieldOverridden.from_result,
        slug=slug,
        field=field,
        value=value,
        reason=reason,
    )


async def resolve_clear_override(
    info: GraphQLInfo,
    slug: Annotated[str, _SLUG],
    field: Annotated[str, _FIELD],
    reason: Annotated[str, _REASON],
) -> ClearOverrideResult:
    return await _run(
        info, clear_override, OverrideCleared.from_result, slug=slug, field=field, reason=reason
    )


async def resolve_retire_school(
    info: GraphQLInfo, slug: Annotated[str, _SLUG], reason: Annotated[str, _REASON]
) -> RetireSchoolResult:
    return await _run(info, retire_school, SchoolRetired.from_result, slug=slug, reason=reason)


async def resolve_restore_school(
    info: GraphQLInfo, slug: Annotated[str, _SLUG], reason: Annotated[str, _REASON]
) -> RestoreSchoolResult:
    return await _run(info, restore_school, SchoolRestored.from_result, slug=slug, reason=reason)


def _finding_number(finding: str) -> int | None:
    """The number in a finding's global id (``Finding:12``); None when it is not one."""
    parsed = parse_global_id(finding)
    if parsed is None or parsed.type_name != "Finding":
        return None
    return parse_int_key(parsed.parts)


@admin_action(
    AdminActionKind.RESOLVE_FINDING,
    target=lambda arguments: f"finding {str(arguments['finding'])[:80]}",
)
async def _refuse_finding_id(
    session: AsyncSession, *, actor: str, finding: str, reason: str | None
) -> FindingResolvedRecord:
    """An id that names no finding: refused and logged like any other rejected input."""
    raise InvalidInputError("finding", f"{finding[:80]!r} is not a finding's id")


async def resolve_resolve_finding(
    info: GraphQLInfo,
    finding: Annotated[
        strawberry.ID,
        strawberry.argument(
            description='The finding\'s id, as `Finding.id` gives it: "Finding:12".'
        ),
    ],
    reason: Annotated[str | None, _OPTIONAL_REASON] = None,
) -> ResolveFindingResult:
    number = _finding_number(finding)
    if number is None:
        return await _run(
            info, _refuse_finding_id, FindingResolved.from_result, finding=finding, reason=reason
        )
    return await _run(
        info, resolve_finding, FindingResolved.from_result, finding_id=number, reason=reason
    )


async def resolve_accept_scraped_value(
    info: GraphQLInfo,
    slug: Annotated[str, _SLUG],
    field: Annotated[
        str, strawberry.argument(description='The scraped fact\'s field: "deadline".')
    ],
    key: Annotated[
        str, strawberry.argument(description='The scraped fact\'s key: "application/autumn".')
    ],
    reason: Annotated[str, _REASON],
) -> AcceptScrapedValueResult:
    return await _run(
        info,
        accept_scraped_value,
        ScrapedValueAccepted.from_result,
        slug=slug,
        field=field,
        key=key,
        reason=reason,
    )
