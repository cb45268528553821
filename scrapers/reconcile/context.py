"""Everything reconciliation reads about one school before it writes, in a few queries.

What one school needs of the rest of the catalogue (which hosts belong to other partners) is read
once per run (:func:`load_partner_sites`), not once per school: a school's own reads are by its
key, so a run's cost grows with its schools, not with their square.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.findings import SYNC_ORIGIN as SYNC_ORIGIN
from scrapers.reconcile.identity import host_of
from service.catalogue import CURATED_FIELDS, Source, served_school
from service.db import Finding, Link, School, SchoolFact, SchoolOverride

FactKey = tuple[str, str]

#: A partner as the host index knows it: (school id, slug).
_Owner = tuple[int, str]


@dataclass(frozen=True, slots=True)
class PartnerSites:
    """The host of every active partner's website and active links, read once per run.

    A host may belong to several partners (two schools sharing a site); its owners are kept in
    order, websites first (by school id), then links (by link id), and the first owner outside
    the asking school's family answers for it.
    """

    owners: Mapping[str, tuple[_Owner, ...]]

    def others_than(self, family: Collection[int]) -> Mapping[str, str]:
        """Host → the slug of a partner outside ``family`` whose website or link it hosts."""
        return _OtherPartnerHosts(self.owners, frozenset(family))


class _OtherPartnerHosts(Mapping[str, str]):
    """A view of :class:`PartnerSites` without one family: a lookup costs O(owners of a host)."""

    __slots__ = ("_family", "_owners")

    def __init__(self, owners: Mapping[str, tuple[_Owner, ...]], family: frozenset[int]) -> None:
        self._owners = owners
        self._family = family

    def __getitem__(self, host: str) -> str:
        for school_id, slug in self._owners.get(host, ()):
            if school_id not in self._family:
                return slug
        raise KeyError(host)

    def __iter__(self) -> Iterator[str]:
        return (host for host in self._owners if host in self)

    def __contains__(self, host: object) -> bool:
        owners = self._owners.get(host, ()) if isinstance(host, str) else ()
        return any(school_id not in self._family for school_id, _ in owners)

    def __len__(self) -> int:
        return sum(1 for _ in self)


async def load_partner_sites(session: AsyncSession) -> PartnerSites:
    """Read the hosts of every active partner's website and active links (two statements)."""
    active = (School.is_partner.is_(True), School.retired_at.is_(None))
    websites = await session.execute(
        select(School.id, School.slug, School.website).where(*active).order_by(School.id)
    )
    owners: dict[str, list[_Owner]] = {}
    for school_id, slug, website in websites:
        if website:
            owners.setdefault(host_of(website), []).append((school_id, slug))
    links = await session.execute(
        select(Link.url, School.id, School.slug)
        .join(School, School.id == Link.school_id)
        .where(*active, Link.retired_at.is_(None))
        .order_by(Link.id)
    )
    for url, school_id, slug in links:
        known = owners.setdefault(host_of(url), [])
        if (school_id, slug) not in known:
            known.append((school_id, slug))
    owners.pop("", None)
    return PartnerSites({host: tuple(found) for host, found in owners.items()})


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
    other_partner_hosts: Mapping[str, str]
    link_ids: dict[str, int]
    facts: dict[FactKey, SchoolFact]
    overrides: dict[FactKey, SchoolOverride]
    #: The school's own fields as served (override > curated), decided by the API's SQL.
    served: dict[str, ServedValue]
    #: This school's sync findings (open or resolved), by fingerprint.
    findings: dict[str, Finding]


@cache
def _served_fields() -> Select[Any]:
    """One school's fields as served, and where each comes from (``:school_id``).

    Built once: the precedence expressions over every curated field take milliseconds to build
    and to key for SQLAlchemy's statement cache, and the sync reads them for every school.
    """
    overridden = served_school(School)
    return overridden.join(
        select(
            *(overridden.label(name) for name in CURATED_FIELDS),
            *(overridden.source(name).label(f"{name}_source") for name in CURATED_FIELDS),
        ).select_from(School)
    ).where(School.id == bindparam("school_id"))


async def load_context(
    session: AsyncSession, school_id: int, partners: PartnerSites | None = None
) -> SchoolContext:
    """Read one school's context; raises ``LookupError`` for an unknown school.

    ``partners`` is the run's :class:`PartnerSites`; without it they are read here, which is
    right for one school and wrong for many (each would read the whole catalogue's sites).
    """
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
    if partners is None:
        partners = await load_partner_sites(session)

    facts = await session.scalars(select(SchoolFact).where(SchoolFact.school_id == school.id))
    overrides = await session.scalars(
        select(SchoolOverride).where(SchoolOverride.school_id == school.id)
    )
    served = (await session.execute(_served_fields(), {"school_id": school.id})).mappings().one()
    findings = await session.scalars(
        select(Finding).where(Finding.school_id == school.id, Finding.origin == SYNC_ORIGIN)
    )
    return SchoolContext(
        school=school,
        names=names,
        other_partner_hosts=partners.others_than(family),
        link_ids={row.url: row.id for row in own_links},
        facts={(fact.field, fact.key): fact for fact in facts},
        overrides={(o.field, o.key): o for o in overrides},
        served={
            name: ServedValue(served[name], served[f"{name}_source"]) for name in CURATED_FIELDS
        },
        findings={finding.fingerprint: finding for finding in findings},
    )
