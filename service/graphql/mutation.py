"""The root ``Mutation``: the admin actions. Resolvers live in ``resolvers/admin_mutations.py``.

Every mutation needs the admin token (``Authorization: Bearer <token>``) and answers a union:
its result, ``AdminRefused`` (nothing was written), or ``InvalidInput`` naming the argument.
Mutations write small records only; syncs and imports are queued for the scheduler.
"""

from __future__ import annotations

import strawberry

from service.graphql.resolvers.admin_mutations import (
    resolve_accept_scraped_value,
    resolve_clear_override,
    resolve_import_faq,
    resolve_override_school_field,
    resolve_request_sync,
    resolve_resolve_finding,
    resolve_restore_school,
    resolve_retire_school,
)
from service.graphql.types.admin import (
    AcceptScrapedValueResult,
    ClearOverrideResult,
    ImportFaqResult,
    OverrideSchoolFieldResult,
    RequestSyncResult,
    ResolveFindingResult,
    RestoreSchoolResult,
    RetireSchoolResult,
)


@strawberry.type(
    description="Admin actions. Each needs the admin token in `Authorization: Bearer <token>` "
    "and is kept in the admin log (`adminActions`)."
)
class Mutation:
    request_sync: RequestSyncResult = strawberry.field(
        resolver=resolve_request_sync,
        description="Queue a sync of the partners' pages (all, or some schools); the "
        "scheduler runs it, and it shows in `jobRequests`.",
    )
    import_faq: ImportFaqResult = strawberry.field(
        resolver=resolve_import_faq,
        description="Queue an import of the FAQ page; the scheduler runs it.",
    )
    override_school_field: OverrideSchoolFieldResult = strawberry.field(
        resolver=resolve_override_school_field,
        description="Serve this value for a school's field, whatever the FAQ page or the "
        "partner's site say, until the override is cleared.",
    )
    clear_override: ClearOverrideResult = strawberry.field(
        resolver=resolve_clear_override,
        description="Remove an override: the curated (or scraped) value is served again.",
    )
    retire_school: RetireSchoolResult = strawberry.field(
        resolver=resolve_retire_school,
        description="Take a school out of the partner lists; imports of the FAQ page do not "
        "bring it back.",
    )
    restore_school: RestoreSchoolResult = strawberry.field(
        resolver=resolve_restore_school,
        description="Take back an admin's retirement of a school.",
    )
    resolve_finding: ResolveFindingResult = strawberry.field(
        resolver=resolve_resolve_finding,
        description="Mark a finding resolved (seen and handled); the next import or sync "
        "that observes the same thing opens it again.",
    )
    accept_scraped_value: AcceptScrapedValueResult = strawberry.field(
        resolver=resolve_accept_scraped_value,
        description="Accept a scraped value waiting for review: it is stored as an override "
        "of the same value, served as such, and later scrapes no longer replace it.",
    )
