"""Root fields over the catalogue: countries, schools and offers (paginated)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Annotated, TypeVar

import strawberry

from service.catalogue import (
    OfferCriteria,
    OfferOrder,
    PageRequest,
    Position,
    Requirements,
    SchoolOrder,
    assess_schools,
    list_countries,
    list_offers,
    offer_school_ids,
    page_offers,
    page_schools_in_order,
    school_by_slug,
)
from service.graphql.context import GraphQLInfo
from service.graphql.errors import bad_input
from service.graphql.paging import DEFAULT_PAGE_SIZE
from service.graphql.types.catalogue import Country, Offer, School
from service.graphql.types.enums import OfferFact, OfferOrderField, SchoolOrderField
from service.graphql.types.inputs import CountryFilter, OfferFilter, SchoolFilter
from service.graphql.types.offer_connection import (
    OfferConnection,
    OfferEdge,
    decode_offer_cursor,
    encode_offer_cursor,
)
from service.graphql.types.pagination import (
    SchoolConnection,
    SchoolEdge,
    decode_school_cursor,
    encode_school_cursor,
    page_info_of,
)


def check_page_size(info: GraphQLInfo, first: int, argument: str = "first") -> int:
    """``first`` when within 0..max_page_size; a readable error naming ``argument`` otherwise."""
    limit = info.context.max_page_size
    if not 0 <= first <= limit:
        raise bad_input(f"`{argument}` must be between 0 and {limit}.")
    return first


async def resolve_countries(
    info: GraphQLInfo,
    filter: Annotated[
        CountryFilter | None, strawberry.argument(description="Which countries; default: all.")
    ] = None,
) -> list[Country]:
    filter = filter or CountryFilter()
    records = await info.context.db.run(
        list_countries, codes=filter.codes, with_partners=filter.with_partners
    )
    return [Country.from_record(record) for record in records]


async def resolve_country(
    info: GraphQLInfo,
    code: Annotated[str, strawberry.argument(description='ISO 3166-1 alpha-2 code: "FI".')],
) -> Country | None:
    row = await info.context.relations.by_key("Country", code.strip().upper())
    return None if row is None else Country.from_row(row)


#: The order a connection's cursors are made for (``SchoolOrder``, ``OfferOrder``).
Order = TypeVar("Order")

#: Relay's paging arguments, as every connection field takes them.
First = Annotated[
    int | None,
    strawberry.argument(
        description="Page size from the start (or from `after`), from 0 to the server's "
        "maximum; 20 when neither `first` nor `last` is given."
    ),
]
After = Annotated[
    str | None, strawberry.argument(description="Start after this cursor (`endCursor`).")
]
Last = Annotated[
    int | None, strawberry.argument(description="Page size from the end (or from `before`).")
]
Before = Annotated[
    str | None, strawberry.argument(description="End before this cursor (`startCursor`).")
]


def page_request(info: GraphQLInfo, first: int | None, last: int | None) -> tuple[int, bool]:
    """(page size, from the end) for Relay's ``first``/``last``; a readable error for both."""
    if first is not None and last is not None:
        raise bad_input("Give `first` or `last`, not both.")
    if last is not None:
        return check_page_size(info, last, "last"), True
    return check_page_size(info, DEFAULT_PAGE_SIZE if first is None else first), False


def relay_page(
    info: GraphQLInfo,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    decode: Callable[[str, str], Position],
) -> PageRequest:
    """The keyset page Relay's four arguments ask for; ``decode(cursor, argument name)``."""
    limit, from_end = page_request(info, first, last)
    return PageRequest(
        limit=limit,
        after=None if after is None else decode(after, "after"),
        before=None if before is None else decode(before, "before"),
        from_end=from_end,
    )


def ordered_relay_page(
    info: GraphQLInfo,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
    decode: Callable[[str, Order, str], Position],
    order: Order,
) -> PageRequest:
    """:func:`relay_page` of a connection whose cursors are made for ``order``.

    ``decode(cursor, order, argument name)``.
    """
    return relay_page(
        info, first, after, last, before, lambda text, argument: decode(text, order, argument)
    )


async def resolve_schools(
    info: GraphQLInfo,
    filter: Annotated[
        SchoolFilter | None,
        strawberry.argument(description="Which schools; default: current partners."),
    ] = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    order_by: Annotated[
        SchoolOrderField, strawberry.argument(description="The order of the pages.")
    ] = SchoolOrderField.SLUG,
) -> SchoolConnection:
    order = SchoolOrder[order_by.name]
    request = ordered_relay_page(info, first, after, last, before, decode_school_cursor, order)
    criteria = (filter or SchoolFilter()).to_criteria()
    page = await info.context.db.run(page_schools_in_order, criteria, order, request)
    edges = [
        SchoolEdge(cursor=encode_school_cursor(record, order), node=School.from_record(record))
        for record in page.rows
    ]
    return SchoolConnection(
        criteria=criteria,
        edges=edges,
        page_info=page_info_of(page, [edge.cursor for edge in edges]),
    )


async def resolve_school(
    info: GraphQLInfo,
    slug: Annotated[str, strawberry.argument(description='The school\'s slug: "ensimag".')],
) -> School | None:
    record = await info.context.db.run(school_by_slug, slug)
    return None if record is None else School.from_record(record)


async def narrow_offers(
    info: GraphQLInfo, filter: OfferFilter | None
) -> tuple[OfferCriteria, dict[int, tuple[OfferFact, ...]]]:
    """The SQL criteria of ``filter``, narrowed to the schools meeting what the student asks.

    Returns the criteria and, for each school kept, the criteria it met only on unknown facts.
    Two statements more when the filter asks about facts (candidate schools, their facts).
    """
    criteria = OfferCriteria() if filter is None else filter.to_criteria()
    requirements = Requirements() if filter is None else filter.to_requirements()
    if not requirements:
        return criteria, {}
    candidates = await info.context.db.run(offer_school_ids, criteria)
    verdicts = await info.context.db.run(assess_schools, candidates, requirements)
    kept = {
        school_id: tuple(OfferFact[fact.name] for fact in verdict.unknown)
        for school_id, verdict in verdicts.items()
        if verdict.matches
    }
    return dataclasses.replace(criteria, school_ids=sorted(kept)), kept


async def resolve_offers(
    info: GraphQLInfo,
    filter: Annotated[
        OfferFilter | None, strawberry.argument(description="Which offers; default: current.")
    ] = None,
) -> list[Offer]:
    criteria, unknown = await narrow_offers(info, filter)
    records = await info.context.db.run(list_offers, criteria)
    return [
        Offer.from_record(record, unknown_facts=unknown.get(record.school_id, ()))
        for record in records
    ]


async def resolve_offers_connection(
    info: GraphQLInfo,
    filter: Annotated[
        OfferFilter | None, strawberry.argument(description="Which offers; default: current.")
    ] = None,
    first: First = None,
    after: After = None,
    last: Last = None,
    before: Before = None,
    order_by: Annotated[
        OfferOrderField, strawberry.argument(description="The order of the pages.")
    ] = OfferOrderField.ACADEMIC_YEAR,
) -> OfferConnection:
    order = OfferOrder[order_by.name]
    request = ordered_relay_page(info, first, after, last, before, decode_offer_cursor, order)
    criteria, unknown = await narrow_offers(info, filter)
    page = await info.context.db.run(page_offers, criteria, order, request)
    edges = [
        OfferEdge(
            cursor=encode_offer_cursor(paged.position, order),
            node=Offer.from_record(
                paged.record, unknown_facts=unknown.get(paged.record.school_id, ())
            ),
        )
        for paged in page.rows
    ]
    return OfferConnection(
        criteria=criteria,
        edges=edges,
        page_info=page_info_of(page, [edge.cursor for edge in edges]),
    )
