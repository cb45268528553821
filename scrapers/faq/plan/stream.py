"""Compare the page's offers and links with the database's rows as they stream by (decision 0360).

A catalogue's offers and links are most of its rows. Held as a snapshot beside the page's
catalogue they were the bulk of a second import's memory (about 9 times the page's size of 19, on
a 3,000-school page); compared as they come, a batch of rows at a time, they cost nothing once
passed. The page's own dicts are consumed (:class:`~scrapers.faq.plan.compare.StreamedTable`):
what remains of them is what the import adds or changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from scrapers.faq.interpret import Catalogue, LinkKey, OfferKey
from scrapers.faq.plan.compare import StreamedTable, TablePlan, link_label, offer_label
from scrapers.faq.plan.snapshot import Snapshot, stream_links, stream_offers
from service.db import LinkRole


@dataclass(frozen=True, slots=True)
class StreamedPlans:
    """The offers' and links' plans, and what the regression check needs of the offers."""

    offers: TablePlan
    links: TablePlan
    #: The database's current offers whose places are known.
    known_places: int


async def compare_offers_and_links(
    session: AsyncSession, catalogue: Catalogue, snapshot: Snapshot
) -> StreamedPlans:
    """The plans of the offers and links: ``catalogue.offers`` and ``catalogue.links`` are left
    holding only what is added or changed. The ids of the links the catalogue's findings refer to
    are kept in ``snapshot.link_ids``."""
    offers: StreamedTable[OfferKey, int | None] = StreamedTable(
        catalogue.offers, "places", offer_label
    )
    known_places = 0
    async for key, id_, places, retired in stream_offers(session):
        offers.see(key, id_, places, retired)
        known_places += not retired and places is not None
    wanted = {finding.link_key for finding in catalogue.findings if finding.link_key is not None}
    links: StreamedTable[LinkKey, LinkRole] = StreamedTable(catalogue.links, "role", link_label)
    async for link_key, id_, role, retired in stream_links(session):
        links.see(link_key, id_, role, retired)
        if link_key in wanted:
            snapshot.link_ids[link_key] = id_
    return StreamedPlans(offers.finish(), links.finish(), known_places)
