"""FAQ input bounds: control characters in names, and caps on items and schools (issue 17)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.errors import SourceError
from scrapers.faq.importer import import_faq
from service.db.models import Finding, School
from service.text import sanitize_text
from tests.scrapers.faq.seed import import_seed

pytestmark = pytest.mark.reliability

AALTO = "Aalto University, Finlande, Master of Science in Technology"


def _with_nul_in_aalto(text: str) -> str:
    at = text.index("Aalto University")
    return text[: at + 3] + "\x00" + text[at + 3 :]


async def _current_schools(session: AsyncSession) -> list[str]:
    slugs = await session.scalars(
        select(School.slug).where(School.retired_at.is_(None)).order_by(School.slug)
    )
    return list(slugs)


def test_unstorable_characters_are_removed_and_counted() -> None:
    assert sanitize_text("Aal\x00to\x85 Uni\ufffdversity\t") == ("Aalto University\t", 3)


async def test_a_nul_in_a_name_is_removed_with_a_finding_and_retires_nobody(
    session: AsyncSession,
) -> None:
    seed = await import_seed(session)
    before = await _current_schools(session)

    report = await import_faq(session, _with_nul_in_aalto(seed), source_label="nul.md")
    await session.commit()

    assert await _current_schools(session) == before
    assert "aalto-university" in before
    assert not report.plan.is_empty  # a new revision, with its finding
    (finding,) = [f for f in report.findings if f.kind == "control_characters"]
    # cmark turns the NUL into U+FFFD (CommonMark), which is removed the same way.
    written = AALTO[:3] + "\ufffd" + AALTO[3:]
    assert finding.message == (
        f"1 control or replacement character(s) removed from {written!r}: read as {AALTO!r}"
    )
    stored = await session.scalar(
        select(func.count()).select_from(Finding).where(Finding.kind == "control_characters")
    )
    assert stored == 1


def _page_of(items: int) -> str:
    lines = [f"* [École {n}, France](https://ecole{n}.example/)" for n in range(items)]
    return (
        "## Mobilités en commun\n\nEcoles et Chiffres de l'année 2025/2026\n\n**France**\n\n"
        + "\n".join(lines)
        + "\n"
    )


@pytest.mark.parametrize(
    ("max_items", "max_schools", "message"),
    [
        (
            50,
            None,
            "big.md has 60 list items, more than FAQ_MAX_ITEMS (50): refused, nothing imported",
        ),
        (
            100,
            40,
            (
                "big.md has 60 partner schools, more than FAQ_MAX_SCHOOLS (40): "
                "refused, nothing imported"
            ),
        ),
    ],
)
async def test_a_page_over_a_cap_is_refused_and_changes_nothing(
    session: AsyncSession, max_items: int, max_schools: int | None, message: str
) -> None:
    await import_seed(session)
    before = await _current_schools(session)
    with pytest.raises(SourceError) as refused:
        await import_faq(
            session,
            _page_of(60),
            source_label="big.md",
            max_items=max_items,
            max_schools=max_schools,
        )
    await session.rollback()
    assert str(refused.value) == message
    assert await _current_schools(session) == before


async def test_a_page_within_the_caps_is_imported(session: AsyncSession) -> None:
    report = await import_faq(
        session, _page_of(60), source_label="big.md", max_items=60, max_schools=60
    )
    await session.commit()
    assert report.counts.partners_by_country == {"FR": 60}
    assert len(await _current_schools(session)) == 60


async def test_a_renamed_school_is_retired_with_a_finding_naming_its_replacement(
    session: AsyncSession,
) -> None:
    seed = await import_seed(session)

    renamed = seed.replace("Aalto University", "Aalto Yliopisto", 1)
    report = await import_faq(session, renamed, source_label="renamed.md")
    await session.commit()

    (finding,) = [f for f in report.findings if f.kind == "school_replaced"]
    assert finding.message.startswith(
        "'Aalto University' (aalto-university) retired, replaced by 'Aalto Yliopisto' "
        "(aalto-yliopisto): same website "
    )
    assert finding.detail["retired"] == "aalto-university"
    assert finding.detail["replaced_by"] == "aalto-yliopisto"
    assert [f.kind for f in report.findings if f.kind == "school_retired"] == []
