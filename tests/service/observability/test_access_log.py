"""The access line of each request, written by the application (not by uvicorn)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import URL

from service.web.app import create_app
from tests.databases import settings_for


def _access(stream: io.StringIO) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    return [line for line in lines if line["logger"] == "service.access"]


async def test_a_refused_request_is_logged_with_its_status_duration_and_request_id(
    log_stream: io.StringIO, tmp_path: Path
) -> None:
    settings = settings_for(URL.create("sqlite+aiosqlite", database=str(tmp_path / "e.sqlite3")))
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api") as client:
        response = await client.post(
            "/graphql", content=b"{", headers={"Content-Type": "application/json",
                                               "X-Request-ID": "trace-42"}
        )  # fmt: skip
    assert response.status_code == 400
    (line,) = _access(log_stream)
    assert {key: line[key] for key in ("method", "path", "status", "request_id")} == {
        "method": "POST",
        "path": "/graphql",
        "status": 400,
        "request_id": "trace-42",
    }
    assert "operation" not in line
    assert line["message"] == f"POST /graphql 400 {line['duration_ms']} ms"
