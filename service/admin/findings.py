"""An admin marks a finding resolved: it leaves the open lists, and the admin log says who and why.

Resolving is a human's "seen, handled". It does not stop the observation: when the next import
or sync sees the same thing again (same fingerprint), it reopens the finding, as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import admin_action, record_applied
from service.admin.validation import InvalidInputError, check_optional_reason
from service.db import Finding, utcnow
from service.operations import AdminActionKind


@dataclass(frozen=True, slots=True)
class FindingResolved:
    finding: Finding
    #: False when it was resolved already (nothing changed, nothing logged).
    changed: bool


@admin_action(
    AdminActionKind.RESOLVE_FINDING,
    target=lambda arguments: f"finding {arguments['finding_id']}",
    echo=lambda arguments: {"finding": arguments["finding_id"]},
)
async def resolve_finding(
    session: AsyncSession, *, actor: str, finding_id: int, reason: str | None = None
) -> FindingResolved:
    """Mark finding ``finding_id`` resolved now, with ``reason`` in the admin log."""
    finding = await session.get(Finding, finding_id)
    if finding is None:
        raise InvalidInputError("finding", f"there is no finding {finding_id}")
    cleaned = check_optional_reason(reason)
    if finding.resolved_at is not None:
        return FindingResolved(finding, changed=False)
    finding.resolved_at = utcnow()
    await session.flush()
    await record_applied(
        session,
        actor=actor,
        action=AdminActionKind.RESOLVE_FINDING,
        target=f"finding {finding_id} ({finding.kind})",
        reason=cleaned,
        payload={"finding_id": finding_id, "kind": finding.kind, "message": finding.message},
    )
    return FindingResolved(finding, changed=True)
