"""Compare the page's catalogue with the database's rows as they stream by (decisions 0360, 0361).

Held as a snapshot beside the page's catalogue, the database's schools, programmes, offers and
links were the bulk of a second import's memory (about 12 times the page's size of 19, on a
3,000-school page). Compared as they come, a batch of rows at a time, they cost nothing once
passed: what is kept of them is the plan's changes, the ids of schools and programmes (keyed by
the catalogue's own strings), the ``school_programme`` pairs packed, the ids of the links the
findings refer to, and the few retired partners whose replacement the findings name. The page's
offers and links are consumed (:class:`~scrapers.faq.plan.compare.StreamedTable`): what remains
of them is what the import adds or changes.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.interpret import Catalogue, LinkKey, OfferKey, ProgrammeSpec, SchoolSpec
from scrapers.faq.plan.compare import StreamedTable, TablePlan, link_label, offer_label
from scrapers.faq.plan.snapshot import (
    SCHOOL_FIELDS,
    Row,
    Snapshot,
    Values,
    load_programme_schools,
    stream_links,
    stream_offers,
    stream_programmes,
    stream_schools,
)
from service.db import LinkRole


@dataclass(slots=True)
class StreamedPlans:
    """The plans of the tables compared as they streamed by, and what the regression check and
    the replacement findings need of them."""

    schools: TablePlan
    programmes: TablePlan
    offers: TablePlan
    links: TablePlan
    #: The database's current partner schools.
    partners: int = 0
    #: The database's current offers whose places are known.
    known_places: int = 0
    #: The partner schools the page does not list (an admin's retirements aside), by slug.
    unlisted_partners: dict[str, Row] = field(default_factory=dict)


def _school_values(school: SchoolSpec) -> tuple[object, ...]:
    return (
        school.name,
        school.short_name,
        school.city,
        school.country_code,
        school.parent_slug,
        school.website,
        school.is_partner,
    )


def _programme_values(programme: ProgrammeSpec) -> tuple[object, ...]:
    return programme.name, programme.url


def _one(value: object) -> tuple[object, ...]:
    return (value,)


async def compare_catalogue(
    session: AsyncSession, catalogue: Catalogue, snapshot: Snapshot
) -> StreamedPlans:
    """The plans of the schools, programmes, offers and links. ``catalogue.offers`` and
    ``catalogue.links`` are left holding only what is added or changed; ``snapshot`` gets the
    ids of every school and programme, the ``school_programme`` pairs, and the ids of the links
    the catalogue's findings refer to."""
    page_schools = catalogue.schools
    schools: StreamedTable[str, SchoolSpec] = StreamedTable(
        page_schools, SCHOOL_FIELDS, _school_values, str, known=snapshot.school_ids
    )
    partners = 0
    unlisted: dict[str, Row] = {}
    async for slug, id_, values, retired, held in stream_schools(session):
        # Interned: the catalogue's slugs are, so the ids are keyed by its own strings.
        slug = sys.intern(slug)
        snapshot.school_ids[slug] = id_
        schools.see(slug, id_, values, retired, held)
        partner = bool(values[-1])
        partners += partner and not retired
        if partner and not held and slug not in page_schools:
            unlisted[slug] = Row(id_, Values(SCHOOL_FIELDS, values), retired, held)
    programmes: StreamedTable[str, ProgrammeSpec] = StreamedTable(
        catalogue.programmes, ("name", "url"), _programme_values, str, known=snapshot.programme_ids
    )
    async for key, id_, values, retired in stream_programmes(session):
        key = sys.intern(key)
        snapshot.programme_ids[key] = id_
        programmes.see(key, id_, values, retired)
    snapshot.programme_schools = await load_programme_schools(session)
    offers: StreamedTable[OfferKey, int | None] = StreamedTable(
        catalogue.offers, ("places",), _one, offer_label
    )
    known_places = 0
    async for offer_key, id_, places, retired in stream_offers(session):
        offers.see(offer_key, id_, (places,), retired)
        known_places += not retired and places is not None
    wanted = {finding.link_key for finding in catalogue.findings if finding.link_key is not None}
    links: StreamedTable[LinkKey, LinkRole] = StreamedTable(
        catalogue.links, ("role",), _one, link_label
    )
    async for link_key, id_, role, retired in stream_links(session):
        links.see(link_key, id_, (role,), retired)
        if link_key in wanted:
            snapshot.link_ids[link_key] = id_
    return StreamedPlans(
        schools=schools.finish(),
        programmes=programmes.finish(),
        offers=offers.finish(),
        links=links.finish(),
        partners=partners,
        known_places=known_places,
        unlisted_partners=unlisted,
    )
