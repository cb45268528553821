"""The GraphiQL page serves verified local files, and falls back to the CDN loudly."""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import service.web.graphiql_page as page_module
from service.web.graphiql_assets import ASSETS, Asset, integrity_of
from service.web.graphiql_page import (
    GraphiQLPage,
    build_graphiql,
    graphiql_html_response,
    graphiql_static_routes,
)


@pytest.fixture
def assets_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory of files whose hashes the manifest is made to expect."""
    fakes = []
    for asset in ASSETS:
        content = f"/* {asset.name} */".encode()
        (tmp_path / asset.name).write_bytes(content)
        fakes.append(
            Asset(asset.package, asset.version, asset.path, integrity_of(content), asset.name)
        )
    monkeypatch.setattr(page_module, "ASSETS", tuple(fakes))
    monkeypatch.setattr("service.web.graphiql_assets.ASSETS", tuple(fakes))
    return tmp_path


def _client(page: GraphiQLPage) -> httpx.AsyncClient:
    async def index(_request: Request) -> Response:
        return graphiql_html_response(page)

    app = Starlette(routes=[Route("/graphql", index), *graphiql_static_routes(page)])
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_with_verified_assets_the_page_needs_no_internet(assets_dir: Path) -> None:
    page = build_graphiql(assets_dir)
    assert page.offline
    assert "unpkg.com" not in page.html
    assert 'src="/graphiql/static/graphiql-3.8.3.min.js"' in page.html
    async with _client(page) as client:
        response = await client.get("/graphql")
        assert response.status_code == 200
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp
        assert "connect-src 'self'" in csp
        asset = await client.get("/graphiql/static/react-18.2.0.min.js")
        assert asset.content == b"/* react-18.2.0.min.js */"
        assert asset.headers["content-type"].startswith("text/javascript")
        assert "immutable" in asset.headers["cache-control"]
        assert (await client.get("/graphiql/static/../../etc/passwd")).status_code == 404
        assert (await client.get("/graphiql/static/nope.js")).status_code == 404


async def test_the_init_script_is_pinned_by_its_own_hash(assets_dir: Path) -> None:
    page = build_graphiql(assets_dir)
    content, _ = page.files["graphiql-init.js"]
    assert (
        f'src="/graphiql/static/graphiql-init.js" integrity="{integrity_of(content)}"' in page.html
    )


def test_the_endpoint_is_escaped_into_the_page(assets_dir: Path) -> None:
    page = build_graphiql(assets_dir, endpoint='/g"><script>')
    assert 'data-endpoint="/g&quot;&gt;&lt;script&gt;"' in page.html


def test_missing_assets_fall_back_to_the_cdn_and_say_so(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="service.web.graphiql_page"):
        page = build_graphiql(tmp_path)
    assert not page.offline
    assert (
        'src="https://unpkg.com/graphiql@3.8.3/graphiql.min.js" '
        f'integrity="{ASSETS[3].integrity}" crossorigin="anonymous"'
    ) in page.html
    assert "script-src 'self' https://unpkg.com" in page.content_security_policy
    assert "GraphiQL asset missing" in caplog.text
    assert "mobility graphiql-assets install" in caplog.text
