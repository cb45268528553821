"""What the admin fields answer: a typed result, a refusal, or an input error, never a throw.

Every admin mutation and query returns a union. ``AdminRefused`` says why the token was not
accepted (admin access disabled, no token, a wrong one) and means nothing was read or written;
``InvalidInput`` names the argument to fix (the attempt is kept in the admin log).
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.scalars import JSON

from service.admin import AdminAuth, JobQueued, OverrideApplied, ValueAccepted
from service.admin import FindingResolved as ResolvedRecord
from service.admin import InvalidInput as InvalidInputRecord
from service.admin import OverrideCleared as ClearedRecord
from service.admin import SchoolRestored as RestoredRecord
from service.admin import SchoolRetired as RetiredRecord
from service.catalogue import FindingRecord
from service.graphql.context import GraphQLInfo
from service.graphql.types.catalogue import School, existing_school
from service.graphql.types.curation import Finding
from service.graphql.types.operations import (
    AdminActionList,
    JobRequest,
    JobRequestList,
    SchedulerStatus,
)


@strawberry.enum(description="Why the admin token was not accepted.")
class AdminRefusal(enum.Enum):
    DISABLED = strawberry.enum_value(
        "disabled", description="The server has no ADMIN_TOKEN: admin access is disabled."
    )
    MISSING = strawberry.enum_value(
        "missing", description="No `Authorization: Bearer <token>` header was sent."
    )
    WRONG = strawberry.enum_value("wrong", description="The token sent is not the admin token.")


@strawberry.type(description="The admin token was not accepted: nothing was read or written.")
class AdminRefused:
    outcome: AdminRefusal = strawberry.field(description="Why.")
    message: str = strawberry.field(description="What to do about it, in a sentence.")

    @classmethod
    def from_auth(cls, auth: AdminAuth) -> AdminRefused:
        return cls(outcome=AdminRefusal(auth.outcome.value), message=auth.message)


@strawberry.type(
    description="An argument was not acceptable: nothing was changed (the attempt is logged)."
)
class InvalidInput:
    field: str = strawberry.field(description="The argument to fix, as named in the operation.")
    message: str = strawberry.field(description="What is wrong with it.")

    @classmethod
    def from_record(cls, invalid: InvalidInputRecord) -> InvalidInput:
        return cls(field=invalid.field, message=invalid.message)


@strawberry.type(description="The sync is queued; the scheduler runs it.")
class SyncRequested:
    request: JobRequest = strawberry.field(description="The queued request.")
    created: bool = strawberry.field(
        description="False when the same sync was already waiting: that request is returned."
    )

    @classmethod
    def from_result(cls, queued: JobQueued) -> SyncRequested:
        return cls(request=JobRequest.from_model(queued.request), created=queued.created)


@strawberry.type(description="The FAQ import is queued; the scheduler runs it.")
class FaqImportRequested:
    request: JobRequest = strawberry.field(description="The queued request.")
    created: bool = strawberry.field(
        description="False when the same import was already waiting: that request is returned."
    )

    @classmethod
    def from_result(cls, queued: JobQueued) -> FaqImportRequested:
        return cls(request=JobRequest.from_model(queued.request), created=queued.created)


@strawberry.type(description="The school's field is overridden: the new value is served.")
class SchoolFieldOverridden:
    school_id: strawberry.Private[int]
    field: str = strawberry.field(description='The field, as the API names it: "city".')
    value: str = strawberry.field(description="The value now served (cleaned).")
    previous: str | None = strawberry.field(description="The override it replaced, if any.")

    @strawberry.field(description="The school, as now served.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_result(cls, applied: OverrideApplied) -> SchoolFieldOverridden:
        return cls(
            school_id=applied.school_id,
            field=applied.field,
            value=applied.value,
            previous=applied.previous,
        )


@strawberry.type(description="The override is removed: the curated (or scraped) value is served.")
class OverrideCleared:
    school_id: strawberry.Private[int]
    field: str = strawberry.field(description="The field, as the API names it.")
    previous: str = strawberry.field(description="The override removed.")

    @strawberry.field(description="The school, as now served.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_result(cls, cleared: ClearedRecord) -> OverrideCleared:
        return cls(school_id=cleared.school_id, field=cleared.field, previous=cleared.previous)


@strawberry.type(
    description="The school is retired: it leaves partner lists, and re-imports of the FAQ "
    "page do not restore it."
)
class SchoolRetired:
    school_id: strawberry.Private[int]
    retired_at: datetime = strawberry.field(description="Since when it is retired.")
    already_retired: bool = strawberry.field(
        description="True when the FAQ page had already dropped it (its date is kept)."
    )

    @strawberry.field(description="The school.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_result(cls, retired: RetiredRecord) -> SchoolRetired:
        return cls(
            school_id=retired.school_id,
            retired_at=retired.retired_at,
            already_retired=retired.already_retired,
        )


@strawberry.type(description="The admin's retirement is taken back: the school is listed again.")
class SchoolRestored:
    school_id: strawberry.Private[int]
    retired_at: datetime = strawberry.field(description="When it had been retired.")

    @strawberry.field(description="The school.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_result(cls, restored: RestoredRecord) -> SchoolRestored:
        return cls(school_id=restored.school_id, retired_at=restored.retired_at)


@strawberry.type(description="The finding is resolved: it leaves the open lists until seen again.")
class FindingResolved:
    finding: Finding = strawberry.field(description="The finding, as now stored.")
    changed: bool = strawberry.field(
        description="False when it was resolved already: nothing changed, nothing was logged."
    )

    @classmethod
    def from_result(cls, resolved: ResolvedRecord) -> FindingResolved:
        row = resolved.finding
        record = FindingRecord(
            id=row.id,
            kind=row.kind,
            origin=row.origin,
            severity=row.severity,
            message=row.message,
            detail=dict(row.detail),
            school_id=row.school_id,
            source_line=row.source_line,
            first_seen_at=row.first_seen_at,
            resolved_at=row.resolved_at,
            link_id=row.link_id,
        )
        return cls(finding=Finding.from_record(record), changed=resolved.changed)


@strawberry.type(
    description="The scraped value is accepted: it is stored as an override and served as such."
)
class ScrapedValueAccepted:
    school_id: strawberry.Private[int]
    field: str = strawberry.field(description='The fact\'s field: "deadline".')
    key: str = strawberry.field(description='The fact\'s key: "application/autumn".')
    value: JSON = strawberry.field(description="The value now served, as the page gave it.")

    @strawberry.field(description="The school, as now served.")
    async def school(self, info: GraphQLInfo) -> School:
        return await existing_school(info, self.school_id)

    @classmethod
    def from_result(cls, accepted: ValueAccepted) -> ScrapedValueAccepted:
        return cls(
            school_id=accepted.school_id,
            field=accepted.field,
            key=accepted.key,
            value=JSON(accepted.value),
        )


RequestSyncResult = Annotated[
    SyncRequested | AdminRefused | InvalidInput,
    strawberry.union("RequestSyncResult", description="What `requestSync` answers."),
]
ImportFaqResult = Annotated[
    FaqImportRequested | AdminRefused | InvalidInput,
    strawberry.union("ImportFaqResult", description="What `importFaq` answers."),
]
OverrideSchoolFieldResult = Annotated[
    SchoolFieldOverridden | AdminRefused | InvalidInput,
    strawberry.union(
        "OverrideSchoolFieldResult", description="What `overrideSchoolField` answers."
    ),
]
ClearOverrideResult = Annotated[
    OverrideCleared | AdminRefused | InvalidInput,
    strawberry.union("ClearOverrideResult", description="What `clearOverride` answers."),
]
RetireSchoolResult = Annotated[
    SchoolRetired | AdminRefused | InvalidInput,
    strawberry.union("RetireSchoolResult", description="What `retireSchool` answers."),
]
RestoreSchoolResult = Annotated[
    SchoolRestored | AdminRefused | InvalidInput,
    strawberry.union("RestoreSchoolResult", description="What `restoreSchool` answers."),
]
ResolveFindingResult = Annotated[
    FindingResolved | AdminRefused | InvalidInput,
    strawberry.union("ResolveFindingResult", description="What `resolveFinding` answers."),
]
AcceptScrapedValueResult = Annotated[
    ScrapedValueAccepted | AdminRefused | InvalidInput,
    strawberry.union("AcceptScrapedValueResult", description="What `acceptScrapedValue` answers."),
]
AdminActionsResult = Annotated[
    AdminActionList | AdminRefused,
    strawberry.union("AdminActionsResult", description="What `adminActions` answers."),
]
JobRequestsResult = Annotated[
    JobRequestList | AdminRefused,
    strawberry.union("JobRequestsResult", description="What `jobRequests` answers."),
]
SchedulerStateResult = Annotated[
    SchedulerStatus | AdminRefused,
    strawberry.union("SchedulerStateResult", description="What `schedulerState` answers."),
]
