"""``/graphql`` served straight from the middleware stack, before Starlette's router.

The router (its route loop and path match) and its ``ExceptionMiddleware`` (a ``send``
wrapper per request) do nothing for ``/graphql`` that the endpoint does not do itself: it
answers every method it serves and catches its own errors (decision 0270). A request for
exactly ``/graphql`` with GET, HEAD or POST goes to the endpoint; anything else (another path,
another method, which gets Starlette's 405, a mounted ``root_path``) goes through the router
as before, and Starlette's ``ServerErrorMiddleware`` still wraps both.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

PATH = "/graphql"
METHODS = frozenset({"GET", "HEAD", "POST"})


class GraphQLShortcut:
    """Hands ``GET``/``HEAD``/``POST /graphql`` to ``endpoint``, the rest to ``app``."""

    def __init__(self, app: ASGIApp, *, endpoint: ASGIApp) -> None:
        self.app = app
        self.endpoint = endpoint

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"] == PATH
            and scope["method"] in METHODS
            and not scope.get("root_path")
        ):
            await self.endpoint(scope, receive, send)
            return
        await self.app(scope, receive, send)
