"""The GraphiQL page browsers get at /graphql (when GRAPHIQL_ENABLED).

This is the single integration point for the page: today strawberry's own template, which
loads its scripts from a CDN.
"""

from __future__ import annotations

from functools import cache

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from strawberry.http.ides import get_graphql_ide_html

from service.config import Settings


@cache
def _page() -> str:
    return get_graphql_ide_html(graphql_ide="graphiql")


def graphiql_response(_request: Request, _settings: Settings) -> Response:
    """The GraphiQL page."""
    return HTMLResponse(_page())
