"""The admin log keeps who did what, on what, why, and how it ended; newest first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from service.db.models import AdminOutcome
from service.db.versioning import read_data_version
from service.operations.admin_log import (
    AdminActionKind,
    list_admin_actions,
    record_admin_action,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


async def test_an_action_is_kept_with_its_reason_and_payload(session: AsyncSession) -> None:
    await record_admin_action(
        session,
        actor="token:0123456789ab",
        action=AdminActionKind.OVERRIDE_SCHOOL_FIELD,
        target="phelma",
        outcome=AdminOutcome.APPLIED,
        reason="the partner moved to a new site",
        payload={"field": "website", "value": "https://phelma.example/", "previous": None},
        at=T0,
    )
    session.expunge_all()
    (entry,) = await list_admin_actions(session)
    assert (entry.at, entry.actor, entry.action, entry.target, entry.outcome, entry.reason) == (
        T0,
        "token:0123456789ab",
        "override_school_field",
        "phelma",
        AdminOutcome.APPLIED,
        "the partner moved to a new site",
    )
    assert entry.payload == {
        "field": "website",
        "value": "https://phelma.example/",
        "previous": None,
    }


async def test_the_log_pages_back_newest_first_and_filters_by_action(session: AsyncSession) -> None:
    kinds = [
        AdminActionKind.REQUEST_SYNC,
        AdminActionKind.RETIRE_SCHOOL,
        AdminActionKind.REQUEST_SYNC,
        AdminActionKind.RESTORE_SCHOOL,
    ]
    entries = [
        await record_admin_action(
            session,
            actor="token:a",
            action=kind,
            target=f"target-{number}",
            outcome=AdminOutcome.QUEUED,
            at=T0 + timedelta(minutes=number),
        )
        for number, kind in enumerate(kinds)
    ]
    page = await list_admin_actions(session, limit=2)
    assert [entry.target for entry in page] == ["target-3", "target-2"]
    older = await list_admin_actions(session, limit=2, before_id=page[-1].id)
    assert [entry.target for entry in older] == ["target-1", "target-0"]
    syncs = await list_admin_actions(session, action=AdminActionKind.REQUEST_SYNC)
    assert [entry.id for entry in syncs] == [entries[2].id, entries[0].id]


async def test_recording_an_action_does_not_change_the_data_version(session: AsyncSession) -> None:
    before = await read_data_version(session)
    await record_admin_action(
        session,
        actor="token:a",
        action=AdminActionKind.REQUEST_SYNC,
        target="all schools",
        outcome=AdminOutcome.QUEUED,
    )
    await session.commit()
    assert await read_data_version(session) == before
