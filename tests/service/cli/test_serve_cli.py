"""``mobility serve``: a real server process on a free loopback port answers a query."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.engine import URL

from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.db.migrate import head_revision
from tests.databases import settings_for
from tests.processes import process_env, serving
from tests.sample_catalogue import build_sample_catalogue


@pytest.fixture
async def catalogue_file(tmp_path: Path) -> Path:
    path = tmp_path / "catalogue.sqlite3"
    settings = settings_for(URL.create("sqlite+aiosqlite", database=str(path)))
    engine = create_engine(settings)
    try:
        await migrate.upgrade(engine, settings)
        async with create_sessionmaker(engine)() as session:
            await build_sample_catalogue(session)
            await session.commit()
    finally:
        await engine.dispose()
    return path


@pytest.fixture
def server(catalogue_file: Path, tmp_path: Path) -> Iterator[str]:
    env = process_env(DATABASE_URL=f"sqlite:///{catalogue_file}", LOG_FORMAT="json")
    with serving(env, tmp_path) as base:
        yield base


def test_serve_answers_a_query_and_is_ready(server: str) -> None:
    response = httpx.post(
        f"{server}/graphql",
        json={"query": '{ country(code: "FI") { name(lang: EN) schools { slug } } }'},
        timeout=10,
    )
    assert response.status_code == 200
    assert response.json() == {
        "data": {"country": {"name": "Finland", "schools": [{"slug": "aalto-university"}]}}
    }
    assert httpx.get(f"{server}/readyz", timeout=10).json() == {
        "status": "ready",
        "revision": head_revision(),
    }


def _json_lines(log: Path) -> list[dict[str, object]]:
    lines = []
    for raw in log.read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    return lines


def test_the_access_log_line_is_json_and_carries_the_request_id(
    server: str, tmp_path: Path
) -> None:
    response = httpx.get(f"{server}/healthz", headers={"X-Request-ID": "serve-trace-1"}, timeout=10)
    assert response.headers["X-Request-ID"] == "serve-trace-1"
    for _ in range(50):  # the line is written as the response starts; give it a moment
        access = [
            line
            for line in _json_lines(tmp_path / "serve.log")
            if line["logger"] == "uvicorn.access" and line.get("request_id") == "serve-trace-1"
        ]
        if access:
            break
        time.sleep(0.1)
    (line,) = access
    assert line["level"] == "INFO"
    assert "color_message" not in line  # uvicorn's copy of the message with colour codes
    assert "GET /healthz HTTP/1.1" in str(line["message"])


def test_serve_runs_on_uvloop_with_the_httptools_parser(catalogue_file: Path) -> None:
    import uvloop
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    from service.cli.serve import uvicorn_config
    from service.web.app import create_app

    settings = settings_for(URL.create("sqlite+aiosqlite", database=str(catalogue_file)))
    config = uvicorn_config(create_app(settings), settings)
    config.load()  # what uvicorn.Server does before it listens
    assert config.http_protocol_class is HttpToolsProtocol
    loop_factory = config.get_loop_factory()
    assert loop_factory is not None
    loop = loop_factory()
    try:
        assert isinstance(loop, uvloop.Loop)
    finally:
        loop.close()
