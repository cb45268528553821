"""What admin mutations need before they write: authentication, input checks, the actions.

This is the room's face: other rooms (the GraphQL mutations, the ``/status`` forms) import these
names from ``service.admin``, never a module inside it (an import-linter contract says so).
"""

from service.admin.acceptance import ValueAccepted, accept_scraped_value
from service.admin.audit import admin_action, with_receivers
from service.admin.auth import AdminAuth, AdminAuthOutcome, check_admin_token, token_fingerprint
from service.admin.findings import FindingResolved, resolve_finding
from service.admin.job_requests import JobQueued, request_faq_import, request_sync
from service.admin.overrides import (
    OVERRIDABLE_FIELDS,
    OverrideApplied,
    OverrideCleared,
    clear_override,
    override_school_field,
)
from service.admin.retirement import SchoolRestored, SchoolRetired, restore_school, retire_school
from service.admin.validation import InvalidInput, InvalidInputError

__all__ = [
    "OVERRIDABLE_FIELDS",
    "AdminAuth",
    "AdminAuthOutcome",
    "FindingResolved",
    "InvalidInput",
    "InvalidInputError",
    "JobQueued",
    "OverrideApplied",
    "OverrideCleared",
    "SchoolRestored",
    "SchoolRetired",
    "ValueAccepted",
    "accept_scraped_value",
    "admin_action",
    "check_admin_token",
    "clear_override",
    "override_school_field",
    "request_faq_import",
    "request_sync",
    "resolve_finding",
    "restore_school",
    "retire_school",
    "token_fingerprint",
    "with_receivers",
]
