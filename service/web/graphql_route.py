"""``/graphql`` served straight from the application's frame, before Starlette's middleware stack.

Starlette's router (its route loop and path match), its ``ExceptionMiddleware`` and its
``ServerErrorMiddleware`` (a frame and a ``send`` wrapper each, per request) do nothing for
``/graphql`` that the endpoint does not do itself: it answers every method it serves and
catches its own errors (decisions 0270 and 0321). A request for exactly ``/graphql`` with GET,
HEAD or POST goes through the same user middlewares (request id and access line, CORS,
compression) to the endpoint; anything else (another path, another method, which gets
Starlette's 405, a mounted ``root_path``, the lifespan) goes through Starlette's stack as before.

An exception that escapes the middlewares anyway still gets what ``ServerErrorMiddleware``
gives it, by that class itself: the request id's middleware (outermost) remembers whether the
response started and, once its access line is written, hands the exception to
``service.observability.server_errors.server_error``, where Starlette's middleware would have
caught it.
"""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.middleware.errors import ServerErrorMiddleware
from starlette.types import ASGIApp, Receive, Scope, Send

from service.observability import RequestIdMiddleware

PATH = "/graphql"
METHODS = frozenset({"GET", "HEAD", "POST"})


class CatalogueApplication(Starlette):
    """Starlette, with ``GET``/``HEAD``/``POST /graphql`` handed to ``graphql`` through the
    user middlewares only. The first user middleware must be ``RequestIdMiddleware``: it stands
    in for ``ServerErrorMiddleware`` on this path (``server_errors``: the stack's own, whose
    handler and debug flag it uses)."""

    def __init__(self, *, graphql: ASGIApp, **options: Any) -> None:
        super().__init__(**options)
        self._graphql_endpoint = graphql
        self._graphql: ASGIApp | None = None

    def build_graphql_stack(self) -> ASGIApp:
        """The user middlewares around the endpoint, as ``build_middleware_stack`` wraps the
        router (the same classes and options, instances of their own), the request id's
        outermost and answering for ``ServerErrorMiddleware``. With a ``max_body_size`` (not
        set here: the endpoint answers 413 itself) Starlette's whole stack serves it."""
        if getattr(self, "max_body_size", None) is not None:
            return self.build_middleware_stack()
        first, *rest = self.user_middleware
        factory: object = first.cls
        if factory is not RequestIdMiddleware:
            raise TypeError("the request id's middleware must come first")
        app = self._graphql_endpoint
        for cls, args, kwargs in reversed(rest):
            app = cls(app, *args, **kwargs)
        stack = self.build_middleware_stack()
        assert isinstance(stack, ServerErrorMiddleware)
        options: dict[str, Any] = {**first.kwargs, "server_errors": stack}
        return RequestIdMiddleware(app, *first.args, **options)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["app"] = self
        if (
            scope["type"] == "http"
            and scope["path"] == PATH
            and scope["method"] in METHODS
            and not scope.get("root_path")
        ):
            if self._graphql is None:
                self._graphql = self.build_graphql_stack()
            await self._graphql(scope, receive, send)
            return
        if self.middleware_stack is None:
            self.middleware_stack = self.build_middleware_stack()
        await self.middleware_stack(scope, receive, send)
