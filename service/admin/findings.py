"""An admin marks a finding resolved: it leaves the open lists, and the admin log says who and why.

Resolving is a human's "seen, handled". It does not stop the observation: when the next import
or sync sees the same thing again (same fingerprint), it reopens the finding, as it always has.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin.audit import record_applied, record_rejected
from service.admin.validation import InvalidInput, check_reason
from service.db.models import Finding
from service.db.types import utcnow
from service.operations.admin_log import AdminActionKind


@dataclass(frozen=True, slots=True)
class FindingResolved:
    finding: Finding
    #: False when it was resolved already (nothing changed, nothing logged).
    changed: bool


async def resolve_finding(
    session: AsyncSession, *, actor: str, finding_id: int, reason: str | None = None
) -> FindingResolved | InvalidInput:
    """Mark finding ``finding_id`` resolved now, with ``reason`` in the admin log."""
    finding = await session.get(Finding, finding_id)
    cleaned = None if reason is None or not reason.strip() else check_reason(reason)
    if finding is None or isinstance(cleaned, InvalidInput):
        invalid = (
            cleaned
            if finding is not None and isinstance(cleaned, InvalidInput)
            else InvalidInput("finding", f"there is no finding {finding_id}")
        )
        return await record_rejected(
            session,
            actor=actor,
            action=AdminActionKind.RESOLVE_FINDING,
            target=f"finding {finding_id}",
            invalid=invalid,
            reason=reason,
            arguments={"finding": finding_id},
        )
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
