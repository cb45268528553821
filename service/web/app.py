"""``create_app(settings)``: the ASGI application, built at the entry point.

Nothing happens at import time: the schema is built here, the database engine in the lifespan.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import Route

from service.catalogue import SearchIndexCache
from service.config import Settings
from service.graphql import build_schema
from service.name_resolution import Resolver, resolve_with_system
from service.observability import Metrics, RequestIdMiddleware
from service.web.compression import CompressionMiddleware
from service.web.cors import CorsMiddleware
from service.web.feeds.routes import feed_routes
from service.web.graphiql_page import build_graphiql, graphiql_static_routes
from service.web.graphql_endpoint import GraphQLEndpoint
from service.web.graphql_route import CatalogueApplication
from service.web.health import build_readyz, healthz
from service.web.metrics_route import build_metrics_route
from service.web.persisted_queries import build_persisted_operations
from service.web.response_cache import ResponseCache
from service.web.runtime import build_lifespan
from service.web.status.page import status_routes


def create_app(settings: Settings, *, resolver: Resolver = resolve_with_system) -> Starlette:
    """The application: /graphql (GraphQL and GraphiQL), GraphiQL's files, /healthz, /readyz,
    /metrics, the feeds /calendar.ics and /changes.atom, and the /status page.

    ``resolver`` resolves the host of an FAQ URL an admin asks to import (tests pass a fake)."""
    graphiql = build_graphiql(settings.graphiql_assets_dir) if settings.graphiql_enabled else None
    metrics = Metrics() if settings.metrics_enabled else None
    endpoint = GraphQLEndpoint(
        settings,
        build_schema(settings),
        response_cache=ResponseCache(settings.response_cache_bytes),
        search_indexes=SearchIndexCache(),
        persisted=build_persisted_operations(settings),
        graphiql=graphiql,
        metrics=metrics,
        resolver=resolver,
    )
    middleware = [
        # The access line is written in the same frame, inside the request id's binding, so it
        # carries the id (decision 0270).
        Middleware(RequestIdMiddleware, access_log=True),
        # Always installed: with CORS off a preflight still gets a deliberate 403 (not a 405).
        Middleware(
            CorsMiddleware,
            origins=settings.cors.origins,
            allow_headers=settings.cors.allow_headers,
            max_age=settings.cors.max_age_seconds,
        ),
        Middleware(CompressionMiddleware, min_bytes=settings.compression_min_bytes),
    ]
    routes = [
        # A plain ASGI application: no Starlette Request or Response (decision 0270).
        Route("/graphql", endpoint, methods=["GET", "POST"]),
        Route("/healthz", healthz, methods=["GET"]),
        Route("/readyz", build_readyz(settings), methods=["GET"]),
        *feed_routes(),
        *status_routes(settings, resolver=resolver),
    ]
    if metrics is not None:
        routes.append(Route("/metrics", build_metrics_route(metrics), methods=["GET"]))
    if graphiql is not None:
        routes.extend(graphiql_static_routes(graphiql))
    # GET/HEAD/POST /graphql go through the middlewares above straight to the endpoint, without
    # the router and Starlette's own two middlewares (decision 0321); the route stays for the
    # other methods (Starlette's 405).
    return CatalogueApplication(
        graphql=endpoint,
        routes=routes,
        middleware=middleware,
        lifespan=build_lifespan(settings),
    )
