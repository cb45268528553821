"""One findings module: the fingerprints already stored by the three loops are the ones computed
now, so observing again reopens the same rows (nothing duplicated, nothing lost)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.interpret.findings import FindingSpec
from scrapers.findings import Observed, load_findings, observe, settle
from scrapers.reconcile.context import load_context
from scrapers.reconcile.findings import LAYOUT_CHANGED, Observation, record_findings
from scrapers.sync.findings import DEAD_LINK, link_fingerprint
from service.db.models import Finding, FindingSeverity
from tests.factories import make_link, make_school

BEFORE = datetime(2026, 11, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 2, tzinfo=UTC)
PAGE = "https://esisar.example/fr/cycle-ingenieur"


def _legacy(text: str) -> str:
    """How the three loops wrote fingerprints before they shared a module (SHA-256 hex)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_each_origin_keeps_the_fingerprint_format_it_stored() -> None:
    spec = FindingSpec(kind="country_name_corrected", message="m", subject="Finalde")
    assert spec.fingerprint == _legacy("import\x1fcountry_name_corrected\x1fFinalde")
    assert link_fingerprint(DEAD_LINK, PAGE, "school:esisar") == _legacy(
        f"sync\x1fdead_link\x1fschool:esisar\x1f{PAGE}"
    )


async def _stored(session: AsyncSession, **values: object) -> Finding:
    finding = Finding(
        severity=FindingSeverity.WARNING,
        message="seen before",
        detail={},
        first_seen_at=BEFORE,
        resolved_at=BEFORE,
        **values,
    )
    session.add(finding)
    await session.flush()
    return finding


async def test_findings_of_all_three_origins_are_reopened_in_place(session: AsyncSession) -> None:
    school = await make_school(session, slug="esisar")
    link = await make_link(session, url=PAGE, school=school)
    imported = await _stored(
        session,
        fingerprint=_legacy("import\x1fcountry_name_corrected\x1fFinalde"),
        kind="country_name_corrected",
        origin="import",
    )
    dead = await _stored(
        session,
        fingerprint=_legacy(f"sync\x1fdead_link\x1fschool:esisar\x1f{PAGE}"),
        kind=DEAD_LINK,
        origin="sync",
        school_id=school.id,
        link_id=link.id,
    )
    layout = await _stored(
        session,
        fingerprint=_legacy(f"sync\x1flayout_changed\x1f{school.id}\x1f{PAGE}"),
        kind=LAYOUT_CHANGED,
        origin="sync",
        school_id=school.id,
    )

    # Reconciliation, through its own loop.
    context = await load_context(session, school.id)
    observation = Observation(LAYOUT_CHANGED, (PAGE,), "no programme table", {"url": PAGE})
    seen, written = record_findings(session, context, [observation], NOW)
    # Link health and the import, through the keys their loops compute.
    dead_key = link_fingerprint(DEAD_LINK, PAGE, "school:esisar")
    import_key = FindingSpec(kind="country_name_corrected", message="m", subject="Finalde")
    known = await load_findings(session, [dead_key, import_key.fingerprint])
    _, dead_news = observe(
        session,
        known.get(dead_key),
        key=dead_key,
        origin="sync",
        kind=DEAD_LINK,
        observed=Observed(FindingSeverity.WARNING, "failed 3 runs", {"url": PAGE}, school.id),
        now=NOW,
    )
    await session.flush()

    assert seen == {layout.fingerprint}
    assert written == [LAYOUT_CHANGED]
    assert dead_news is True
    assert set(known) == {dead.fingerprint, imported.fingerprint}
    assert await session.scalar(select(func.count()).select_from(Finding)) == 3
    assert (dead.resolved_at, dead.message, dead.first_seen_at.date()) == (
        None,
        "failed 3 runs",
        BEFORE.date(),
    )
    assert (layout.resolved_at, layout.message) == (None, "no programme table")


async def test_a_new_observation_is_news_once_and_settling_is_idempotent(
    session: AsyncSession,
) -> None:
    observed = Observed(FindingSeverity.INFO, "also over https", {"url": PAGE})
    news: list[bool] = []
    finding: Finding | None = None
    for _ in range(2):
        finding, is_news = observe(
            session,
            finding,
            key="k" * 64,
            origin="sync",
            kind="https_available",
            observed=observed,
            now=NOW,
        )
        news.append(is_news)
    await session.flush()
    assert news == [True, False]
    assert (settle(finding, NOW), settle(finding, NOW), settle(None, NOW)) == (True, False, False)
    assert finding is not None
    assert finding.resolved_at == NOW
