"""Everything reconciliation reads about one school before it writes, in a few queries."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.reconcile.identity import host_of
from service.catalogue.fields import CURATED_FIELDS
from service.catalogue.precedence import Source
from service.catalogue.served_school import served_school
from service.db.models import Finding, Link, School, SchoolFact, SchoolOverride

SYNC_ORIGIN = "sync"

FactKey = tuple[str, str]


@dataclass(frozen=True, slots=True)
class ServedValue:
    """A school field as the API serves it, and the source it comes from (None: no value)."""

    value: str | None
    source: Source | None


@dataclass(slots=True)
class SchoolContext:
    """One school, what is stored about it, and the other partners' sites."""

    school: School
    #: The school's names and its parent's: a page titled with any of them is about it.
    names: list[str]
    #: Host of another partner's website or link → that partner's slug.
    other_partner_hosts: dict[str, str]
    link_ids: dict[str, int]
    facts: dict[FactKey, SchoolFact]
    overrides: dict[FactKey, SchoolOverride]
    #: The school's own fields as served (override > curated), decided by the API's SQL.
    served: dict[str, ServedValue]
    #: This school's sync findings (open or resolved), by fingerprint.
    findings: dict[str, Finding]


async def load_context(session: AsyncSession, school_id: int) -> SchoolContext:
    """Read one school's context; raises ``LookupError`` for an unknown school."""
    school = await session.get(School, school_id)
    if school is None:
        raise LookupError(f"no school with id {school_id}")
    family = {school.id}
    names = [school.name, *([school.short_name] if school.short_name else [])]
    if school.parent_id is not None:
        parent = await session.get_one(School, school.parent_id)
        family.add(parent.id)
        names += [parent.name, *([parent.short_name] if parent.short_name else [])]
    family |= set(await session.scalars(select(School.id).where(School.parent_id == school.id)))

    own_links = (
        await session.execute(
            select(Link.url, Link.id).where(Link.school_id == school.id, Link.retired_at.is_(None))
        )
    ).all()

    partners = (
        await session.execute(
            select(School.id, School.slug, School.website).where(
                School.is_partner.is_(True), School.retired_at.is_(None), School.id.not_in(family)
            )
        )
    ).all()
    slugs = {partner_id: slug for partner_id, slug, _ in partners}
    other_hosts = {host_of(website): slug for _, slug, website in partners if website}
    partner_links = await session.execute(
        select(Link.url, Link.school_id).where(Link.school_id.in_(slugs), Link.retired_at.is_(None))
    )
    for url, owner in partner_links:
        if owner is not None:
            other_hosts.setdefault(host_of(url), slugs[owner])
    other_hosts.pop("", None)

    facts = await session.scalars(select(SchoolFact).where(SchoolFact.school_id == school.id))
    overrides = await session.scalars(
        select(SchoolOverride).where(SchoolOverride.school_id == school.id)
    )
    overridden = served_school(School)
    served = (
        (
            await session.execute(
                overridden.join(
                    select(
                        *(overridden.label(name) for name in CURATED_FIELDS),
                        *(
                            overridden.source(name).label(f"{name}_source")
                            for name in CURATED_FIELDS
                        ),
                    ).select_from(School)
                ).where(School.id == school.id)
            )
        )
        .mappings()
        .one()
    )
    findings = await session.scalars(
        select(Finding).where(Finding.school_id == school.id, Finding.origin == SYNC_ORIGIN)
    )
    return SchoolContext(
        school=school,
        names=names,
        other_partner_hosts=other_hosts,
        link_ids={row.url: row.id for row in own_links},
        facts={(fact.field, fact.key): fact for fact in facts},
        overrides={(o.field, o.key): o for o in overrides},
        served={
            name: ServedValue(served[name], served[f"{name}_source"]) for name in CURATED_FIELDS
        },
        findings={finding.fingerprint: finding for finding in findings},
    )
