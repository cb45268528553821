"""The typed per-request context every resolver receives."""

from __future__ import annotations

from dataclasses import dataclass

import strawberry

from service.catalogue.search_index import SearchIndexCache
from service.db.serialized import SerializedSession
from service.graphql.loaders import Loaders, build_loaders


@dataclass(frozen=True, slots=True)
class GraphQLContext:
    """What one request's resolvers share."""

    request_id: str
    db: SerializedSession
    loaders: Loaders
    #: The catalogue's data version when the request started (search index, response cache).
    data_version: int
    max_page_size: int
    search_indexes: SearchIndexCache


GraphQLInfo = strawberry.Info[GraphQLContext, None]


def build_context(
    *,
    request_id: str,
    db: SerializedSession,
    data_version: int,
    max_page_size: int,
    search_indexes: SearchIndexCache,
) -> GraphQLContext:
    """A context with fresh loaders on ``db``."""
    return GraphQLContext(
        request_id=request_id,
        db=db,
        loaders=build_loaders(db),
        data_version=data_version,
        max_page_size=max_page_size,
        search_indexes=search_indexes,
    )
