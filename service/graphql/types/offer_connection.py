"""The offer connection: Relay edges and cursors over offers paged in SQL, with totalCount."""

from __future__ import annotations

import strawberry

from service.catalogue import POSITION_TYPES, OfferCriteria, OfferOrder, Position, count_offers
from service.graphql.context import GraphQLInfo
from service.graphql.types.catalogue import Offer
from service.graphql.types.pagination import PageInfo, decode_position, encode_position


def encode_offer_cursor(position: Position, order: OfferOrder) -> str:
    """The cursor of the offer at ``position`` in a page of offers ordered by ``order``."""
    return encode_position(f"offer-by-{order.value}:", position)


def decode_offer_cursor(cursor: str, order: OfferOrder, argument: str) -> Position:
    """The position inside an offer cursor made for ``order``."""
    return decode_position(f"offer-by-{order.value}:", cursor, POSITION_TYPES[order], argument)


@strawberry.type(description="An offer and its cursor.")
class OfferEdge:
    cursor: str = strawberry.field(
        description="Pass it as `after` (or `before`) to continue after (or before) this offer."
    )
    node: Offer = strawberry.field(description="The offer.")


@strawberry.type(description="A page of offers, in the order asked for.")
class OfferConnection:
    criteria: strawberry.Private[OfferCriteria]
    edges: list[OfferEdge] = strawberry.field(description="The offers of this page, with cursors.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")

    @strawberry.field(description="The offers of this page (the edges' nodes).")
    def nodes(self) -> list[Offer]:
        return [edge.node for edge in self.edges]

    @strawberry.field(description="How many offers match the filter, over all pages.")
    async def total_count(self, info: GraphQLInfo) -> int:
        return await info.context.db.run(count_offers, self.criteria)
