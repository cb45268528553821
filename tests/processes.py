"""Real `mobility` processes for the tests that run the service as a user does."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

MOBILITY = [sys.executable, "-m", "service.cli.main"]


#: Runs the `mobility` CLI with a resolver that fails every name but loopback, as an offline
#: machine's does: partner sites fail DNS and nothing leaves the machine (the database and the
#: fixture servers are reached on loopback).
#: Runs the `mobility` CLI with a resolver that sends the fixture hosts (``*.test``) to loopback
#: (the host-partition workers of the tests and of bench/sync_workers.py).
LOOPBACK_WRAPPER = """
import socket, sys
real = socket.getaddrinfo
def loopback(host, *args, **kwargs):
    if isinstance(host, str) and host.endswith(".test"):
        return real("127.0.0.1", *args, **kwargs)
    return real(host, *args, **kwargs)
socket.getaddrinfo = loopback
from service.cli.main import main
sys.argv[0] = "mobility"
main()
"""

OFFLINE_WRAPPER = """
import socket, sys
real = socket.getaddrinfo
def offline(host, *args, **kwargs):
    if host in ("127.0.0.1", "::1", "localhost", None):
        return real(host, *args, **kwargs)
    raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")
socket.getaddrinfo = offline
from service.cli.main import main
sys.argv[0] = "mobility"
main()
"""


def offline_mobility(directory: Path) -> list[str]:
    """The command line of an offline `mobility` (:data:`OFFLINE_WRAPPER`) in ``directory``."""
    wrapper = directory / "offline_mobility.py"
    wrapper.write_text(OFFLINE_WRAPPER, encoding="utf-8")
    return [sys.executable, str(wrapper)]


async def run_offline(directory: Path, env: Mapping[str, str], *args: str) -> tuple[int, str]:
    """Run an offline `mobility *args` in ``directory``: its exit code and its output."""
    process = await asyncio.create_subprocess_exec(
        *offline_mobility(directory), *args, env=dict(env), cwd=directory,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(process.communicate(), 180)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def run_mobility(*args: str, env: Mapping[str, str], cwd: Path) -> tuple[int, str, str]:
    """``mobility *args`` in a real process: its exit code, its stdout and its stderr."""
    process = await asyncio.create_subprocess_exec(
        *MOBILITY, *args, env=dict(env), cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


def free_port() -> int:
    """A TCP port nobody listens on at 127.0.0.1 right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def process_env(**variables: str) -> dict[str, str]:
    """A minimal environment for a child process running this checkout's code."""
    return {"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(Path.cwd()), **variables}


#: The contact URL a crawling `mobility` command of the tests announces.
CRAWLER_CONTACT = "https://mobility.example/crawler"


def crawler_env(database_url: str | None, **variables: str) -> dict[str, str]:
    """The environment of a `mobility` command crawling the fixture sites: a contact URL, no
    delay between a host's requests, no retries, and pages extracted in the command's own
    process (tests/conftest.py's setting, which the cleared environment loses: a pool spawned
    per run costs seconds and is not what these tests prove). ``variables`` add to or replace
    these; ``database_url``, when given, is the ``DATABASE_URL``."""
    return process_env(
        **{
            "FETCH_CONTACT_URL": CRAWLER_CONTACT,
            "FETCH_HOST_DELAY": "0",
            "FETCH_RETRIES": "0",
            "SYNC_EXTRACT_PROCESSES": "1",
            **variables,
            **({} if database_url is None else {"DATABASE_URL": database_url}),
        }
    )


#: How long a starting `mobility` process may take to answer: a safety net against one that
#: hangs, not a guess at its start-up time (a loaded machine takes seconds to import it).
START_SECONDS = 90.0


def wait_until_answering(
    process: subprocess.Popen[bytes], url: str, log: Path, seconds: float = START_SECONDS
) -> None:
    """Return once ``url`` answers 200; fail, quoting ``log``, if ``process`` exits first or
    the safety net of ``seconds`` passes. Each poll waits on the answer (or the refused
    connection) itself; the pause between two refused connections is the poll interval."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None:
            pytest.fail(f"{url}: the process exited ({process.returncode}): {log.read_text()}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"{url} did not answer within {seconds:.0f} s: {log.read_text()}")
        time.sleep(0.05)


@contextmanager
def serving(env: Mapping[str, str], cwd: Path, *, ready_path: str = "/healthz") -> Iterator[str]:
    """`mobility serve` on a free port until the block ends; yields its base URL.

    Its output goes to ``cwd / "serve.log"``, quoted when it fails to start.
    """
    port = free_port()
    log = cwd / "serve.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [*MOBILITY, "serve", "--port", str(port)],
            env=dict(env),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_answering(process, f"{base}{ready_path}", log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
