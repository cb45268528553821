"""``GET /status`` and its stylesheet: server-rendered HTML, readable without JavaScript.

The page loads one stylesheet from this server and nothing else; its Content-Security-Policy
says so (no script at all, unlike GraphiQL's, which needs its own). Jinja2 autoescapes every
value, scraped snippets included.
"""

from __future__ import annotations

from importlib import resources

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.templating import Jinja2Templates

from service.admin import OVERRIDABLE_FIELDS
from service.config import Settings
from service.name_resolution import Resolver, resolve_with_system
from service.web.runtime import runtime_of
from service.web.status.admin_forms import build_admin_routes
from service.web.status.admin_session import read_session
from service.web.status.overview import load_status_overview

CSS_PATH = "/status/status.css"
CONTENT_SECURITY_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    # Not "no-referrer": with it Chromium sends `Origin: null` on the page's own form posts,
    # which the same-origin check must refuse. Partner sites still get no referrer.
    "Referrer-Policy": "same-origin",
}


#: What the page says after an admin form (the redirect names one of these).
NOTICES = {
    "logged-in": "Logged in.",
    "logged-out": "Logged out.",
    "queued": "Queued: the scheduler will run it.",
    "resolved": "Finding resolved.",
    "accepted": "Value accepted: it is served as an override now.",
    "overridden": "Override set: the value is served now.",
    "cleared": "Override cleared: the curated (or scraped) value is served again.",
}


def status_routes(settings: Settings, *, resolver: Resolver = resolve_with_system) -> list[Route]:
    """The routes of the status page, its stylesheet and its admin forms."""
    templates = Jinja2Templates(directory=str(resources.files("service.web").joinpath("templates")))
    stylesheet = resources.files("service.web.status").joinpath("status.css").read_bytes()

    async def status(request: Request) -> Response:
        number = request.query_params.get("page", "1")
        page = int(number) if number.isascii() and number.isdigit() and len(number) < 7 else 1
        async with await runtime_of(request).read_session(read_only=True) as session:
            overview = await load_status_overview(session, page=page)
        return templates.TemplateResponse(
            request,
            "status.html",
            {
                "overview": overview,
                "admin_enabled": settings.admin.token is not None,
                "admin": read_session(request, settings.admin.token),
                "notice": NOTICES.get(request.query_params.get("notice", "")),
                "overridable_fields": list(OVERRIDABLE_FIELDS),
            },
            headers={**_HEADERS, "Cache-Control": "no-cache"},
        )

    async def css(_request: Request) -> Response:
        return Response(
            stylesheet,
            media_type="text/css",
            headers={**_HEADERS, "Cache-Control": "public, max-age=3600"},
        )

    return [
        Route("/status", status, methods=["GET"]),
        Route(CSS_PATH, css, methods=["GET"]),
        *build_admin_routes(settings, resolver=resolver),
    ]
