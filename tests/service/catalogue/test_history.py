"""Changes since a time, and findings of the import and the sync, filtered."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.catalogue.changes import load_changes
from service.catalogue.findings import FindingCriteria, list_findings, load_findings_by_school
from service.db.models import Finding, FindingSeverity, School, SchoolFactChange
from tests.factories import make_school


def _at(day: int) -> datetime:
    return datetime(2025, 1, day, tzinfo=UTC)


async def _change(session: AsyncSession, school: School, day: int, date: str) -> None:
    session.add(
        SchoolFactChange(
            school_id=school.id,
            field="deadline",
            key="application/autumn",
            old_value=None if day == 1 else {"date": "old"},
            new_value={"date": date},
            changed_at=_at(day),
            source_url="https://x.example/",
        )
    )
    await session.flush()


async def _finding(
    session: AsyncSession, school: School | None, kind: str, origin: str, *, resolved: bool = False
) -> Finding:
    finding = Finding(
        fingerprint=f"{kind}-{origin}-{school.id if school else 0}".ljust(64, "0"),
        kind=kind,
        origin=origin,
        severity=FindingSeverity.WARNING,
        message=kind,
        detail={},
        school_id=school.id if school else None,
        first_seen_at=_at(2),
        resolved_at=_at(3) if resolved else None,
    )
    session.add(finding)
    await session.flush()
    return finding


async def test_changes_since_a_time_oldest_first_and_per_school(session: AsyncSession) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto University")
    unical = await make_school(session, slug="unical", name="University of Calabria")
    await _change(session, aalto, 1, "2025-04-01")
    await _change(session, unical, 3, "2025-05-15")
    await _change(session, aalto, 5, "2025-04-15")
    since = await load_changes(session, since=_at(3))
    assert [(c.school_id, c.new, c.changed_at) for c in since] == [
        (unical.id, {"date": "2025-05-15"}, _at(3)),
        (aalto.id, {"date": "2025-04-15"}, _at(5)),
    ]
    assert since[1].old == {"date": "old"}
    only_aalto = await load_changes(session, since=_at(1), school_ids=[aalto.id])
    assert [c.changed_at for c in only_aalto] == [_at(1), _at(5)]
    assert len(await load_changes(session, since=_at(1), limit=1)) == 1


async def test_changes_continue_after_a_position_inside_one_timestamp(
    session: AsyncSession,
) -> None:
    aalto = await make_school(session, slug="aalto", name="Aalto University")
    for day, date in ((3, "2025-04-01"), (3, "2025-04-15"), (3, "2025-04-30"), (5, "2025-05-15")):
        await _change(session, aalto, day, date)
    first = await load_changes(session, since=_at(1), limit=2)
    assert [c.new for c in first] == [{"date": "2025-04-01"}, {"date": "2025-04-15"}]
    last = first[-1]
    rest = await load_changes(session, since=_at(1), after=(last.changed_at, last.id))
    assert [(c.new, c.changed_at) for c in rest] == [
        ({"date": "2025-04-30"}, _at(3)),
        ({"date": "2025-05-15"}, _at(5)),
    ]


async def test_findings_of_both_origins_filtered_by_school_and_kind(session: AsyncSession) -> None:
    enseirb = await make_school(session, slug="enseirb", name="ENSEIRB-MATMECA")
    isima = await make_school(session, slug="isima", name="ISIMA")
    imported = await _finding(session, enseirb, "link_to_other_school", "import")
    synced = await _finding(session, enseirb, "page_on_other_partner_site", "sync")
    soft = await _finding(session, isima, "soft_404", "sync")
    await _finding(session, isima, "fetch_failed", "sync", resolved=True)
    await _finding(session, None, "country_name_corrected", "import")

    assert {
        f.id for f in await list_findings(session, FindingCriteria(school_ids=[enseirb.id]))
    } == {
        imported.id,
        synced.id,
    }
    assert [f.id for f in await list_findings(session, FindingCriteria(kinds=["soft_404"]))] == [
        soft.id
    ]
    assert len(await list_findings(session, FindingCriteria(origin="import"))) == 2
    everything = await list_findings(session, FindingCriteria(include_resolved=True))
    assert len(everything) == 5
    by_school = await load_findings_by_school(session, [isima.id, 424242, enseirb.id])
    assert [[f.kind for f in found] for found in by_school] == [
        ["soft_404"],
        [],
        ["page_on_other_partner_site", "link_to_other_school"],  # newest first
    ]
    (entry,) = by_school[0]
    assert (entry.origin, entry.severity, entry.resolved_at) == ("sync", "WARNING", None)
