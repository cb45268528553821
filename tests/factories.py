"""Typed factory functions for test data: sensible defaults, every field overridable."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from service.countries import country_name
from service.db.models import (
    Country,
    FaqRevision,
    Finding,
    FindingSeverity,
    HomeTrack,
    Link,
    LinkCheck,
    LinkRole,
    LinkStatus,
    Offer,
    OfferKind,
    Programme,
    School,
    SchoolFact,
    SchoolFactChange,
    SchoolOverride,
    SelectionRule,
    SyncRun,
    SyncRunStatus,
    UrlHealth,
)

_sequence = itertools.count(1)


async def make_country(session: AsyncSession, code: str = "FR") -> Country:
    existing = await session.get(Country, code)
    if existing is not None:
        return existing
    country = Country(code=code, name_fr=country_name(code, "fr"), name_en=country_name(code, "en"))
    session.add(country)
    await session.flush()
    return country


async def make_school(
    session: AsyncSession,
    *,
    slug: str | None = None,
    name: str | None = None,
    short_name: str | None = None,
    country_code: str = "FR",
    city: str | None = None,
    parent: School | None = None,
    website: str | None = None,
    is_partner: bool = True,
    retired_at: datetime | None = None,
) -> School:
    await make_country(session, country_code)
    number = next(_sequence)
    school = School(
        slug=slug or f"school-{number}",
        name=name or f"School {number}",
        short_name=short_name,
        country_code=country_code,
        city=city,
        parent_id=parent.id if parent else None,
        website=website,
        is_partner=is_partner,
        retired_at=retired_at,
    )
    session.add(school)
    await session.flush()
    return school


async def make_programme(
    session: AsyncSession,
    *,
    schools: list[School],
    name: str | None = None,
    key: str | None = None,
    url: str | None = None,
    retired_at: datetime | None = None,
) -> Programme:
    number = next(_sequence)
    programme = Programme(
        key=key or f"programme-{number}",
        name=name or f"Programme {number}",
        url=url,
        retired_at=retired_at,
        schools=list(schools),
    )
    session.add(programme)
    await session.flush()
    return programme


async def make_home_track(session: AsyncSession, code: str, name: str | None = None) -> HomeTrack:
    existing = await session.get(HomeTrack, code)
    if existing is not None:
        return existing
    track = HomeTrack(code=code, name=name)
    session.add(track)
    await session.flush()
    return track


async def make_offer(
    session: AsyncSession,
    *,
    school: School,
    programme: Programme | None = None,
    kind: OfferKind | None = OfferKind.EXCHANGE,
    places: int | None = 2,
    academic_year: str = "2019/2020",
    tracks: list[HomeTrack] | None = None,
    retired_at: datetime | None = None,
) -> Offer:
    tracks = tracks or []
    offer = Offer(
        school_id=school.id,
        programme_id=programme.id if programme else None,
        kind=kind,
        places=places,
        academic_year=academic_year,
        scope=",".join(sorted(track.code for track in tracks)),
        home_tracks=list(tracks),
        retired_at=retired_at,
    )
    session.add(offer)
    await session.flush()
    return offer


async def make_link(
    session: AsyncSession,
    *,
    url: str,
    school: School | None = None,
    programme: Programme | None = None,
    role: LinkRole = LinkRole.EXCHANGE_PAGE,
) -> Link:
    link = Link(
        url=url,
        role=role,
        school_id=school.id if school else None,
        programme_id=programme.id if programme else None,
    )
    session.add(link)
    await session.flush()
    return link


async def make_school_fact(
    session: AsyncSession,
    *,
    school: School,
    field: str,
    value: Mapping[str, object],
    key: str = "",
    source_url: str = "https://partner.example/exchange",
    fetched_at: datetime = datetime(2025, 1, 15, tzinfo=UTC),
    last_good_at: datetime | None = None,
    stale: bool = False,
    extractor: str = "generic/test",
    extractor_version: str = "1",
    snippet: str = "",
    confidence: float = 0.9,
) -> SchoolFact:
    fact = SchoolFact(
        school_id=school.id,
        field=field,
        key=key,
        value=dict(value),
        source_url=source_url,
        fetched_at=fetched_at,
        extractor=extractor,
        extractor_version=extractor_version,
        snippet=snippet,
        confidence=confidence,
        stale=stale,
        stale_since=fetched_at if stale else None,
        last_good_at=last_good_at or fetched_at,
        first_seen_at=fetched_at,
    )
    session.add(fact)
    await session.flush()
    return fact


async def make_override(
    session: AsyncSession,
    *,
    school: School,
    field: str,
    value: Mapping[str, object],
    key: str = "",
    reason: str = "checked with the partner",
    created_by: str = "admin@ensias.example",
    created_at: datetime | None = None,
) -> SchoolOverride:
    override = SchoolOverride(
        school_id=school.id,
        field=field,
        key=key,
        value=dict(value),
        reason=reason,
        created_by=created_by,
    )
    if created_at is not None:
        override.created_at = created_at
    session.add(override)
    await session.flush()
    return override


async def make_selection_rule(
    session: AsyncSession,
    *,
    track: HomeTrack | None = None,
    semesters: list[str] | None = None,
    criteria: list[str] | None = None,
    source_text: str = "",
) -> SelectionRule:
    rule = SelectionRule(
        home_track_code=track.code if track else None,
        semesters=semesters or ["S1", "S2"],
        criteria=criteria or ["grades", "motivation"],
        source_text=source_text,
    )
    session.add(rule)
    await session.flush()
    return rule


async def make_finding(
    session: AsyncSession,
    *,
    kind: str = "country_name_corrected",
    origin: str = "import",
    severity: FindingSeverity = FindingSeverity.WARNING,
    message: str | None = None,
    detail: dict[str, object] | None = None,
    school: School | None = None,
    source_line: int | None = None,
    first_seen_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> Finding:
    number = next(_sequence)
    finding = Finding(
        fingerprint=f"{number:064x}",
        kind=kind,
        origin=origin,
        severity=severity,
        message=message or f"Finding {number}",
        detail=detail or {},
        school_id=school.id if school else None,
        source_line=source_line,
        resolved_at=resolved_at,
    )
    if first_seen_at is not None:
        finding.first_seen_at = first_seen_at
    session.add(finding)
    await session.flush()
    return finding


async def make_sync_run(
    session: AsyncSession,
    *,
    started_at: datetime = datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
    finished_at: datetime | None = None,
    status: SyncRunStatus = SyncRunStatus.OK,
    schools: list[str] | None = None,
    links_total: int = 0,
    links_checked: int = 0,
    counts: Mapping[str, int] | None = None,
    errors: Mapping[str, str] | None = None,
    error: str | None = None,
    links_reached: int = 0,
    stats: Mapping[str, object] | None = None,
    skipped: Mapping[str, str] | None = None,
) -> SyncRun:
    run = SyncRun(
        skipped=dict(skipped or {}),
        links_reached=links_reached,
        stats=dict(stats or {}),
        started_at=started_at,
        finished_at=finished_at,
        status=status,
        schools=schools or [],
        links_total=links_total,
        links_checked=links_checked,
        counts=dict(counts or {}),
        errors=dict(errors or {}),
        error=error,
        runner="test-host:1",
    )
    session.add(run)
    await session.flush()
    return run


async def make_url_health(
    session: AsyncSession,
    *,
    url: str,
    status: LinkStatus = LinkStatus.OK,
    http_status: int | None = 200,
    final_url: str | None = None,
    redirects: list[dict[str, object]] | None = None,
    response_ms: int | None = 120,
    error: str | None = None,
    content_type: str | None = "text/html",
    checked_at: datetime = datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
    last_ok_at: datetime | None = None,
    consecutive_failures: int = 0,
    https_url: str | None = None,
) -> UrlHealth:
    """The current health of ``url``; a page that answered was fine when checked, by default."""
    if http_status is not None:
        final_url = final_url or url
        if not status.is_failure:
            last_ok_at = last_ok_at or checked_at
    health = UrlHealth(
        url=url,
        status=status,
        http_status=http_status,
        final_url=final_url,
        redirects=redirects or [],
        response_ms=response_ms,
        error=error,
        content_type=content_type,
        checked_at=checked_at,
        last_ok_at=last_ok_at,
        consecutive_failures=consecutive_failures,
        https_url=https_url,
    )
    session.add(health)
    await session.flush()
    return health


async def make_link_check(
    session: AsyncSession,
    *,
    run: SyncRun,
    link: Link,
    status: LinkStatus = LinkStatus.OK,
    http_status: int | None = 200,
    redirects: list[dict[str, object]] | None = None,
    response_ms: int | None = 120,
    error: str | None = None,
    checked_at: datetime | None = None,
) -> LinkCheck:
    check = LinkCheck(
        run_id=run.id,
        link_id=link.id,
        url=link.url,
        status=status,
        http_status=http_status,
        final_url=link.url if http_status else None,
        redirects=redirects or [],
        response_ms=response_ms,
        error=error,
        checked_at=checked_at or run.started_at,
    )
    session.add(check)
    await session.flush()
    return check


async def make_change(
    session: AsyncSession,
    *,
    school: School,
    field: str,
    new_value: Mapping[str, object] | None,
    old_value: Mapping[str, object] | None = None,
    key: str = "",
    changed_at: datetime = datetime(2026, 3, 2, 4, 0, tzinfo=UTC),
    source_url: str | None = "https://partner.example/exchange",
) -> SchoolFactChange:
    change = SchoolFactChange(
        school_id=school.id,
        field=field,
        key=key,
        old_value=None if old_value is None else dict(old_value),
        new_value=None if new_value is None else dict(new_value),
        changed_at=changed_at,
        source_url=source_url,
    )
    session.add(change)
    await session.flush()
    return change


async def make_faq_revision(session: AsyncSession, *, content: str = "seed") -> FaqRevision:
    """The record of an imported FAQ page (the catalogue counts as imported: ``/readyz``)."""
    revision = FaqRevision(
        content_hash=hashlib.sha256(content.encode()).hexdigest(), source="seed:mobilite_dd.md"
    )
    session.add(revision)
    await session.flush()
    return revision
