"""Instructions per cold country page, in process: run under callgrind.

``create_app`` on uvloop, driven with ASGI messages (no HTTP, no uvicorn), answers cold country
pages (``RESPONSE_CACHE_BYTES=0``) over the 21 countries at concurrency 8 against one
10,000-school PostgreSQL database loaded by ``bench.postgraphile_bench.prepare`` (kept under
``--database`` for the next run). After the warm-up it switches callgrind's collection on for
the counted requests (``callgrind_control -i on``, which needs ``--instr-atstart=no``) and off
again; the instructions of the dump divided by ``--requests`` are the cost of one page::

    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/cg.out \\
        .venv/bin/python -m bench.graphql_instructions \\
        --postgres-server postgresql://postgres@127.0.0.1:5432/postgres
    callgrind_annotate /tmp/cg.out | head

With ``--sqlite PATH`` instead of ``--postgres-server`` the same pages are answered from that
SQLite file (loaded the same way the first time, kept for the next run). ``--query NAME``
answers another cold read of ``bench.cold_reads`` instead (the unfiltered ``offersConnection``,
its filtered shapes, ``schools``, ``search``), 21 different requests cycled the same way.

Without valgrind (``--no-callgrind``) it prints the process CPU per page instead, which moves
with the machine's load. ``--check`` first prints a digest of the 21 answers, to compare trees.
Decisions 0270 and 0290.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import orjson

from bench.cold_reads import COLD_QUERY_NAMES, cold_bodies
from bench.faq_import import bench_database
from service.config import Settings


async def asgi_request(app: Any, body: bytes) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"127.0.0.1"),
            (b"content-type", b"application/json"),
            (b"accept", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8000),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.Event().wait()  # a disconnect never comes
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        else:
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


async def start_lifespan(app: Any) -> tuple[asyncio.Task[None], asyncio.Queue[dict[str, Any]]]:
    inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    await inbox.put({"type": "lifespan.startup"})

    async def send(message: dict[str, Any]) -> None:
        await outbox.put(message)

    task = asyncio.ensure_future(
        app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, inbox.get, send)
    )
    started = await outbox.get()
    assert started["type"] == "lifespan.startup.complete", started
    return task, inbox


async def _drive(
    app: Any, bodies: list[bytes], count: int, concurrency: int, *, check: bool
) -> None:
    queue = iter(range(count))

    async def worker() -> None:
        for index in queue:
            status, answer = await asgi_request(app, bodies[index % len(bodies)])
            # Not while counting: the test of the body is the harness's cost, not the server's.
            assert status == 200, answer[:300]
            assert not (check and b'"errors"' in answer), answer[:300]

    await asyncio.gather(*(worker() for _ in range(concurrency)))


def _instrument(switch: str) -> None:
    """Switch callgrind's collection on or off for this process (it waits for the answer)."""
    subprocess.run(["callgrind_control", "-i", switch, str(os.getpid())], check=True)


@asynccontextmanager
async def _database(arguments: argparse.Namespace) -> AsyncIterator[Settings]:
    if arguments.sqlite is None:
        async with bench_database(arguments.postgres_server, name=arguments.database) as settings:
            yield settings
    else:
        yield Settings(database_url=f"sqlite:///{arguments.sqlite.resolve()}", _env_file=None)


async def _run(arguments: argparse.Namespace) -> None:
    from bench.postgraphile_bench import prepare
    from service.web.app import create_app

    async with _database(arguments) as settings:
        await prepare(settings, arguments.schools, 42)
        os.environ["DATABASE_URL"] = settings.database.render_as_string(hide_password=False)
        os.environ["RESPONSE_CACHE_BYTES"] = "0"
        # As bench.api_bench.serving: the benchmark measures the work, not the limits.
        for name, value in (
            ("LOG_LEVEL", "WARNING"),
            ("GRAPHQL_COST_BUDGET", "100000000"),
            ("GRAPHQL_MAX_QUEUED", "1000"),
            ("GRAPHQL_QUEUE_WAIT_SECONDS", "60"),
            # valgrind is slow (~50x): nothing that runs per second of wall time may be counted
            # per page. At its default of 0.5 s the data version's read (a session) cost
            # 100-300 k instructions a page under valgrind, varying with the machine's load;
            # at the real server's ~1,000 pages a second it is a few hundred.
            ("DATA_VERSION_MAX_AGE_SECONDS", "60"),
            ("DB_PING_AFTER_IDLE_SECONDS", "60"),
            ("REQUEST_DEADLINE_SECONDS", "60"),
        ):
            os.environ.setdefault(name, value)
        app = create_app(Settings(_env_file=None))
        lifespan, inbox = await start_lifespan(app)
        bodies = [orjson.dumps(body) for body in cold_bodies(arguments.query)]
        if arguments.check:
            digest = hashlib.sha256()
            for body in bodies:
                digest.update((await asgi_request(app, body))[1])
            print(
                f"digest of the {len(bodies)} answers ({arguments.query}): {digest.hexdigest()}",
                flush=True,
            )
        await _drive(app, bodies, arguments.warmup, arguments.concurrency, check=True)
        cpu = time.process_time()
        if arguments.callgrind:
            _instrument("on")
        await _drive(app, bodies, arguments.requests, arguments.concurrency, check=False)
        if arguments.callgrind:
            _instrument("off")
        cpu = time.process_time() - cpu
        print(
            f"{arguments.requests} answers ({arguments.query}) at concurrency "
            f"{arguments.concurrency}: "
            f"{cpu * 1000 / arguments.requests:.3f} ms of process CPU per answer"
            + (" (under valgrind)" if arguments.callgrind else ""),
            flush=True,
        )
        await inbox.put({"type": "lifespan.shutdown"})
        await lifespan


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    backend = parser.add_mutually_exclusive_group(required=True)
    backend.add_argument("--postgres-server")
    backend.add_argument("--sqlite", type=Path, help="an SQLite file, loaded when empty")
    parser.add_argument("--database", default="mobility_bench_instructions")
    parser.add_argument("--schools", type=int, default=10_000)
    parser.add_argument("--warmup", type=int, default=100)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument(
        "--query", choices=COLD_QUERY_NAMES, default="country page", help="what is answered"
    )
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--no-callgrind", dest="callgrind", action="store_false")
    arguments = parser.parse_args()
    import uvloop

    uvloop.run(_run(arguments))


if __name__ == "__main__":
    main()
