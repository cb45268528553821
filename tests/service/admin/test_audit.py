"""The admin_action edge: an action's rejection is logged once and answered as InvalidInput."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from service.admin import InvalidInput, InvalidInputError, admin_action
from service.admin.validation import check_reason
from service.db.models import AdminOutcome
from service.operations.admin_log import AdminActionKind, list_admin_actions

ACTOR = "token:0123456789ab"


@admin_action(AdminActionKind.RETIRE_SCHOOL, target=lambda arguments: f"school {arguments['slug']}")
async def _retire(
    session: AsyncSession, *, actor: str, slug: str, reason: str, webhook_urls: tuple[str, ...] = ()
) -> str:
    cleaned = check_reason(reason)
    if slug == "atlantis":
        raise InvalidInputError("slug", "no such school")
    return f"{slug}: {cleaned}"


async def test_an_action_that_passes_its_checks_answers_as_written_and_logs_nothing_itself(
    session: AsyncSession,
) -> None:
    assert await _retire(session, actor=ACTOR, slug="phelma", reason="  closed ") == (
        "phelma: closed"
    )
    assert await list_admin_actions(session) == []


async def test_a_rejection_raised_by_a_check_or_the_body_is_logged_and_returned(
    session: AsyncSession,
) -> None:
    blank = await _retire(session, actor=ACTOR, slug="phelma", reason=" ")
    unknown = await _retire(
        session, actor=ACTOR, slug="atlantis", reason="gone", webhook_urls=("https://h.example",)
    )
    assert blank == InvalidInput("reason", "give a reason: it is kept in the admin log")
    assert unknown == InvalidInput("slug", "no such school")
    entries = sorted(await list_admin_actions(session), key=lambda entry: entry.id)
    assert [(e.actor, e.target, e.outcome, e.reason, e.payload) for e in entries] == [
        (
            ACTOR,
            "school phelma",
            AdminOutcome.REJECTED,
            None,
            {
                "error": {"field": "reason", "message": blank.message},
                "arguments": {"slug": "phelma"},
            },
        ),
        (
            ACTOR,
            "school atlantis",
            AdminOutcome.REJECTED,
            "gone",
            {
                "error": {"field": "slug", "message": "no such school"},
                "arguments": {"slug": "atlantis"},
            },
        ),
    ]
