"""The typed per-request context every resolver receives."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import strawberry

from service.admin import AdminAuth, AdminAuthOutcome
from service.catalogue import SearchIndexCache
from service.db import SerializedSession
from service.graphql.loaders import Loaders, build_loaders
from service.name_resolution import Resolver, resolve_with_system

if TYPE_CHECKING:
    from service.graphql.relation_loaders import RelationLoaders


@dataclass(slots=True)
class ResponseNotes:
    """What resolvers tell the HTTP layer about the response they are building.

    A response that depends on the caller's token (any admin field, refused or not) must never
    be cached: the response cache is keyed on the query, not on the ``Authorization`` header.
    """

    cacheable: bool = True
    admin_refused: bool = False
    invalid_input: bool = False


@dataclass(frozen=True, slots=True)
class GraphQLContext:
    """What one request's resolvers share."""

    request_id: str
    db: SerializedSession
    loaders: Loaders
    #: The relations of the catalogue table (compiler/relations.py), batched per field.
    relations: RelationLoaders
    #: The catalogue's data version when the request started (search index, response cache).
    data_version: int
    max_page_size: int
    search_indexes: SearchIndexCache
    #: Whether the caller's ``Authorization`` header grants admin rights.
    admin: AdminAuth
    #: Where ``catalogue.changed`` events go (WEBHOOK_URLS).
    webhook_urls: tuple[str, ...] = ()
    #: Resolves an FAQ URL's host for ``importFaq`` (a fake one in tests).
    resolver: Resolver = resolve_with_system
    notes: ResponseNotes = field(default_factory=ResponseNotes)


GraphQLInfo = strawberry.Info[GraphQLContext, None]


def build_context(
    *,
    request_id: str,
    db: SerializedSession,
    data_version: int,
    max_page_size: int,
    search_indexes: SearchIndexCache,
    admin: AdminAuth | None = None,
    webhook_urls: Sequence[str] = (),
    resolver: Resolver = resolve_with_system,
) -> GraphQLContext:
    """A context with fresh loaders on ``db``."""
    # Imported here: the relation table's package (the compiler) imports the GraphQL types,
    # which import this module.
    from service.graphql.relation_loaders import RelationLoaders

    return GraphQLContext(
        request_id=request_id,
        db=db,
        loaders=build_loaders(db),
        relations=RelationLoaders(db),
        data_version=data_version,
        max_page_size=max_page_size,
        search_indexes=search_indexes,
        admin=admin or AdminAuth(AdminAuthOutcome.DISABLED),
        webhook_urls=tuple(webhook_urls),
        resolver=resolver,
    )
