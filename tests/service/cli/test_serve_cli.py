"""``mobility serve``: a real server process on a free loopback port answers a query."""

from __future__ import annotations

import json
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from graphql import get_introspection_query
from sqlalchemy.engine import URL

from service.db import migrate
from service.db.engine import create_engine, create_sessionmaker
from service.db.migrate import head_revision
from tests.databases import settings_for
from tests.processes import MOBILITY, process_env, serving
from tests.sample_catalogue import build_sample_catalogue


@pytest.fixture(scope="module")
def serve_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The served catalogue and the server's log, shared by the tests that only read them."""
    return tmp_path_factory.mktemp("serve")


@pytest.fixture(scope="module")
async def catalogue_file(serve_dir: Path) -> Path:
    path = serve_dir / "catalogue.sqlite3"
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


@pytest.fixture(scope="module")
def server(catalogue_file: Path, serve_dir: Path) -> Iterator[str]:
    # One process for the module: its tests only read, and each tells its own requests apart.
    env = process_env(DATABASE_URL=f"sqlite:///{catalogue_file}", LOG_FORMAT="json")
    with serving(env, serve_dir) as base:
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


def test_the_access_line_has_status_duration_operation_and_request_id(
    server: str, serve_dir: Path
) -> None:
    response = httpx.post(
        f"{server}/graphql",
        json={"query": "query Partners { homeTracks { code } }", "operationName": "Partners"},
        headers={"X-Request-ID": "serve-trace-1"},
        timeout=10,
    )
    assert response.headers["X-Request-ID"] == "serve-trace-1"
    # The line is written once the response is sent: poll the log for it (60 s of polls is a
    # safety net against a line that never comes, not a guess at how long it takes).
    for _ in range(600):
        access = [
            line
            for line in _json_lines(serve_dir / "serve.log")
            if line["logger"] == "service.access" and line.get("request_id") == "serve-trace-1"
        ]
        if access:
            break
        time.sleep(0.1)
    (line,) = access
    duration = line["duration_ms"]
    assert isinstance(duration, float)
    assert duration > 0
    assert {key: line[key] for key in ("level", "method", "path", "status", "operation")} == {
        "level": "INFO",
        "method": "POST",
        "path": "/graphql",
        "status": 200,
        "operation": "Partners",
    }
    assert line["message"] == f"POST /graphql 200 {duration} ms Partners"
    # uvicorn's own access lines (no duration, no operation) are off.
    assert not [x for x in _json_lines(serve_dir / "serve.log") if x["logger"] == "uvicorn.access"]


def test_a_taken_port_is_one_line_and_exit_8(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = process_env(DATABASE_URL=f"sqlite:///{tmp_path / 'c.sqlite3'}")
        for command in (["serve", "--port", str(port)], ["up", "--port", str(port)]):
            done = subprocess.run(
                [*MOBILITY, *command], env=env, cwd=tmp_path, capture_output=True, timeout=60
            )
            assert (done.returncode, done.stdout) == (8, b""), done.stderr
            line = (
                f"mobility: error: cannot listen on 127.0.0.1:{port}: Address already in use "
                "(another server runs there? choose one with --port or PORT)"
            )
            assert done.stderr.decode().splitlines() == [line]


def test_serve_compresses_large_answers_and_revalidates_to_304(server: str) -> None:
    query = get_introspection_query()
    with httpx.Client(base_url=server, timeout=10) as client:
        plain = client.get(
            "/graphql", params={"query": query}, headers={"Accept-Encoding": "identity"}
        )
        request = client.build_request(
            "GET", "/graphql", params={"query": query}, headers={"Accept-Encoding": "gzip"}
        )
        zipped = client.send(request)
        again = client.get(
            "/graphql", params={"query": query}, headers={"If-None-Match": zipped.headers["etag"]}
        )
    assert (plain.status_code, zipped.status_code) == (200, 200)
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == plain.content
    assert zipped.num_bytes_downloaded * 5 < len(plain.content)
    assert zipped.headers["etag"] == plain.headers["etag"]
    assert zipped.headers["cache-control"] == "public, max-age=30"
    assert (again.status_code, again.content) == (304, b"")
    assert again.headers["etag"] == plain.headers["etag"]


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
