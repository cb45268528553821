"""``mobility up``: the API and the scheduler as one command; one Ctrl-C stops both cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from service.catalogue.readiness import NEVER_IMPORTED
from tests.databases import migrated_database
from tests.processes import MOBILITY, free_port, process_env, wait_until_answering


def _children(pid: int) -> list[int]:
    text = Path(f"/proc/{pid}/task/{pid}/children").read_text(encoding="ascii")
    return [int(child) for child in text.split()]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def _stderr(tmp_path: Path) -> str:
    return (tmp_path / "up.log").read_text(encoding="utf-8")


def _wait_for_log(tmp_path: Path, pattern: str, seconds: float = 60) -> None:
    """Until the log holds a line matching ``pattern``: the wait ends on the line itself."""
    deadline = time.monotonic() + seconds
    while re.search(pattern, _stderr(tmp_path)) is None:
        if time.monotonic() > deadline:
            pytest.fail(f"no log line matched {pattern!r}: {_stderr(tmp_path)}")
        time.sleep(0.05)  # the poll interval of the log file, not a guess at how long it takes


@pytest.fixture
async def catalogue(tmp_path: Path) -> Path:
    """A migrated SQLite file: a copy of the test process's template, not a `db upgrade` process
    per test (what these tests prove starts with `up`)."""
    async with migrated_database("sqlite", tmp_path) as database:
        path = database.settings.database.database
    assert path is not None
    return Path(path)


def _start(tmp_path: Path, catalogue: Path, **extra: str) -> tuple[subprocess.Popen[bytes], str]:
    env = process_env(DATABASE_URL=f"sqlite:///{catalogue}", PORT=str(free_port()), **extra)
    with (tmp_path / "up.log").open("wb") as log:
        process = subprocess.Popen([*MOBILITY, "up"], env=env, cwd=tmp_path, stderr=log)
    base = f"http://127.0.0.1:{env['PORT']}"
    wait_until_answering(process, f"{base}/healthz", tmp_path / "up.log")
    return process, base


def test_one_interrupt_stops_the_api_and_the_scheduler(tmp_path: Path, catalogue: Path) -> None:
    process, _ = _start(tmp_path, catalogue, FETCH_CONTACT_URL="https://it.example.org/crawler")
    children = _children(process.pid)
    assert len(children) == 2  # mobility serve, mobility schedule
    _wait_for_log(tmp_path, r"scheduler \S+ started")  # it logs once it handles signals
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    assert "SIGINT, stopping" in _stderr(tmp_path)
    assert not any(_alive(child) for child in children)


def test_without_a_contact_url_the_api_is_served_alone_and_says_why(
    tmp_path: Path, catalogue: Path
) -> None:
    process, base = _start(tmp_path, catalogue)
    try:
        assert len(_children(process.pid)) == 1
        # Nothing imports the catalogue without the scheduler: not ready, and it says why.
        ready = httpx.get(f"{base}/readyz", timeout=5)
        assert (ready.status_code, ready.json()["reason"]) == (503, NEVER_IMPORTED)
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=60) == 0
    assert "the scheduler is not started: set FETCH_CONTACT_URL" in _stderr(tmp_path)


def test_when_a_child_dies_the_other_is_stopped_and_the_status_passed_on(
    tmp_path: Path, catalogue: Path
) -> None:
    process, _ = _start(tmp_path, catalogue, FETCH_CONTACT_URL="https://it.example.org/crawler")
    api, scheduler = _children(process.pid)
    os.kill(api, signal.SIGKILL)
    assert process.wait(timeout=60) == 128 + signal.SIGKILL
    assert not _alive(scheduler)
    assert "api stopped (exit status -9); stopping the rest" in _stderr(tmp_path)
