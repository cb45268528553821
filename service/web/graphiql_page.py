"""The GraphiQL page: served with its assets from this server, or from the CDN as a fallback.

Built once when the app starts (:func:`build_graphiql`): the assets are read and verified against
their integrity hashes, and the page references them under ``/graphiql/static/``. When they are
missing or altered, the log says so and how to fix it, and the page loads the same files from the
public CDN (with the same integrity hashes), which only works with internet access.
"""

from __future__ import annotations

import html
import logging
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from service.errors import UserError
from service.web.graphiql_assets import ASSETS, DEFAULT_ASSETS_DIR, integrity_of, load_assets

logger = logging.getLogger(__name__)

STATIC_PREFIX = "/graphiql/static"
_INIT_SCRIPT = "graphiql-init.js"
_CDN_ORIGIN = "https://unpkg.com"


def _template(name: str) -> str:
    return resources.files("service.web").joinpath("templates", name).read_text(encoding="utf-8")


@dataclass(frozen=True, slots=True)
class GraphiQLPage:
    """The rendered page and the files it needs from this server."""

    html: str
    #: Served name → (bytes, media type); always holds the init script.
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    offline: bool = False

    @property
    def content_security_policy(self) -> str:
        external = "" if self.offline else f" {_CDN_ORIGIN}"
        return (
            "default-src 'none'; "
            f"script-src 'self'{external}; "
            # GraphiQL's editors set inline styles.
            f"style-src 'self' 'unsafe-inline'{external}; "
            "connect-src 'self'; img-src 'self' data:; font-src 'self' data:; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        )


def build_graphiql(assets_dir: Path | None = None, *, endpoint: str = "/graphql") -> GraphiQLPage:
    """Render the page, preferring local verified assets, falling back to the CDN."""
    directory = assets_dir or DEFAULT_ASSETS_DIR
    init = _template(_INIT_SCRIPT).encode("utf-8")
    files: dict[str, tuple[bytes, str]] = {_INIT_SCRIPT: (init, "text/javascript")}
    try:
        local = load_assets(directory)
    except UserError as exc:
        logger.warning(
            "%s; GraphiQL will load its files from %s, which needs internet access. "
            "Install them with `mobility graphiql-assets install`.",
            exc,
            _CDN_ORIGIN,
        )
        local = {}
    offline = bool(local)
    by_name = {asset.name: asset for asset in ASSETS}
    files.update({name: (content, by_name[name].media_type) for name, content in local.items()})

    def url_of(name: str) -> str:
        return f"{STATIC_PREFIX}/{name}" if offline else by_name[name].cdn_url

    crossorigin = "" if offline else ' crossorigin="anonymous"'
    stylesheets = "\n".join(
        f'    <link rel="stylesheet" href="{html.escape(url_of(a.name))}"'
        f' integrity="{a.integrity}"{crossorigin} />'
        for a in ASSETS
        if a.media_type == "text/css"
    )
    init_tag = (
        f'    <script src="{STATIC_PREFIX}/{_INIT_SCRIPT}" integrity="{integrity_of(init)}">'
        "</script>"
    )
    scripts = "\n".join(
        [
            f'    <script src="{html.escape(url_of(a.name))}" integrity="{a.integrity}"'
            f"{crossorigin}></script>"
            for a in ASSETS
            if a.media_type == "text/javascript"
        ]
        + [init_tag]
    )
    page = Template(_template("graphiql.html")).substitute(
        stylesheets=stylesheets, scripts=scripts, endpoint=html.escape(endpoint, quote=True)
    )
    return GraphiQLPage(html=page, files=files, offline=offline)


def graphiql_html_response(page: GraphiQLPage) -> Response:
    """The page, with a Content-Security-Policy that allows only what it loads."""
    return HTMLResponse(
        page.html,
        headers={
            "Content-Security-Policy": page.content_security_policy,
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )


def graphiql_static_routes(page: GraphiQLPage) -> list[Route]:
    """``GET /graphiql/static/{name}``: the page's files, from memory, cached for a year.

    Asset names carry their versions, so they never change under the same URL.
    """

    async def serve(request: Request) -> Response:
        entry = page.files.get(request.path_params["name"])
        if entry is None:
            return Response("not found", status_code=404, media_type="text/plain")
        content, media_type = entry
        return Response(
            content,
            media_type=media_type,
            headers={
                "Cache-Control": "public, max-age=31536000, immutable",
                "X-Content-Type-Options": "nosniff",
            },
        )

    return [Route(STATIC_PREFIX + "/{name}", serve, methods=["GET", "HEAD"])]
