"""What a run visits: the active links of the catalogue, grouped by school.

A school's unit of work is its own links plus the links of the programmes it teaches. A programme
shared by several schools ("commune avec") has its links in the unit of every school sharing it:
they count for each of them, and each shows them in the run's table (Phelma and Ense3 both have
the link of their common programme). The visit fetches a URL once, and the recorder writes each
link's check once per run (:mod:`.run`). Retired schools, programmes and links are not visited.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from service.db import Link, LinkRole, Programme, School, school_programme
from service.errors import UserError


@dataclass(frozen=True, slots=True)
class PlannedLink:
    id: int
    url: str
    role: LinkRole
    #: The natural key of the link's owner: ``school:<slug>`` or ``programme:<key>``.
    owner: str

    @property
    def is_shared(self) -> bool:
        """A programme's link: in the unit of every school teaching the programme."""
        return self.owner.startswith("programme:")


@dataclass(frozen=True, slots=True)
class PlannedSchool:
    id: int
    slug: str
    name: str
    links: tuple[PlannedLink, ...]

    @property
    def urls(self) -> list[str]:
        """The distinct URLs of the school's links, in link order."""
        return list(dict.fromkeys(link.url for link in self.links))


def distinct_links(plan: Sequence[PlannedSchool]) -> int:
    """How many links the plan visits, a link shared by several schools counted once."""
    return len({link.id for school in plan for link in school.links})


async def _check_slugs(session: AsyncSession, slugs: Sequence[str]) -> None:
    query = select(School.slug, School.retired_at).where(School.slug.in_(slugs))
    found: dict[str, datetime | None] = dict((await session.execute(query)).all())
    unknown = sorted(set(slugs) - set(found))
    if unknown:
        raise UserError(f"no school with the slug {', '.join(repr(s) for s in unknown)}")
    retired = sorted(slug for slug, retired_at in found.items() if retired_at is not None)
    if retired:
        raise UserError(
            f"school {', '.join(repr(s) for s in retired)} is retired: nothing to check"
        )


#: Why a partner school with no active link, own or taught, is not visited.
NO_LINKS = "no links"


async def load_plan(
    session: AsyncSession, slugs: Sequence[str] = (), *, ids: Collection[int] | None = None
) -> list[PlannedSchool]:
    """The schools to visit (all active ones, or ``slugs``, or those of ``ids``) with their
    active links.

    A partner school with no active link is in the plan with none (:func:`unlinked` tells it
    apart): the run does not visit it, and records it as skipped (:data:`NO_LINKS`). Other
    schools without links (a parent institution, a former partner) are left out.
    Raises :class:`~service.errors.UserError` for an unknown or retired slug. ``ids`` (a host
    partition's schools) reads only those schools and their links, not the catalogue's.
    """
    if slugs:
        await _check_slugs(session, slugs)
    query = select(School.id, School.slug, School.name, School.is_partner).where(
        School.retired_at.is_(None)
    )
    if slugs:
        query = query.where(School.slug.in_(slugs))
    if ids is not None:
        query = query.where(School.id.in_(list(ids)))
    schools = (await session.execute(query.order_by(School.slug))).all()
    ids = [school.id for school in schools]
    links: dict[int, dict[int, PlannedLink]] = {school_id: {} for school_id in ids}

    # One owner string per school, shared by its links (a plan holds every active link).
    owners = {school.id: f"school:{school.slug}" for school in schools}
    own = select(Link.id, Link.url, Link.role, Link.school_id).where(
        Link.school_id.in_(ids), Link.retired_at.is_(None)
    )
    for link_id, url, role, school_id in (await session.execute(own.order_by(Link.id))).all():
        assert school_id is not None  # filtered by the query
        links[school_id][link_id] = PlannedLink(link_id, url, role, owners[school_id])

    taught = (
        select(Link.id, Link.url, Link.role, School.id, Programme.key)
        .join(Programme, Programme.id == Link.programme_id)
        .join(school_programme, school_programme.c.programme_id == Programme.id)
        .join(School, School.id == school_programme.c.school_id)
        .where(
            School.id.in_(ids),
            Link.retired_at.is_(None),
            Programme.retired_at.is_(None),
        )
        .order_by(Link.id, School.slug)
    )
    programmes: dict[str, str] = {}
    for link_id, url, role, school_id, key in (await session.execute(taught)).all():
        owner = programmes.setdefault(key, f"programme:{key}")
        links[school_id][link_id] = PlannedLink(link_id, url, role, owner)

    return [
        PlannedSchool(school.id, school.slug, school.name, tuple(links[school.id].values()))
        for school in schools
        if links[school.id] or school.is_partner
    ]


def unlinked(plan: Sequence[PlannedSchool]) -> tuple[list[PlannedSchool], list[PlannedSchool]]:
    """The plan's schools with links (to visit), and those without (to record as skipped)."""
    return [s for s in plan if s.links], [s for s in plan if not s.links]
