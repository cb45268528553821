"""The scheduler's heartbeat file: beaten while the scheduler runs, checked by its healthcheck."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from scrapers.schedule.heartbeat import (
    STALE_AFTER_SECONDS,
    heartbeat,
    heartbeat_is_fresh,
    write_beat,
)
from tests.in_process import run_main


async def test_the_file_is_beaten_while_the_block_runs_and_removed_after(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    async with heartbeat(path, interval=3600):
        await asyncio.sleep(0)  # one turn of the loop: the task's first step writes the beat
        assert heartbeat_is_fresh(path)
    assert not path.exists()


def test_a_beat_is_fresh_for_thirty_seconds(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    assert not heartbeat_is_fresh(path)
    write_beat(path)
    beaten = float(path.read_text())
    assert heartbeat_is_fresh(path, now=beaten + STALE_AFTER_SECONDS - 1)
    assert not heartbeat_is_fresh(path, now=beaten + STALE_AFTER_SECONDS)


def test_check_heartbeat_exits_0_when_fresh_and_1_when_stale(tmp_path: Path) -> None:
    path = tmp_path / "heartbeat"
    # In process (tests/in_process.py): an exit code and a line, no scheduler started.
    env = {"SCHEDULER_HEARTBEAT_FILE": str(path)}
    stale = run_main("schedule", "--check-heartbeat", env=env, cwd=tmp_path)
    assert (stale.returncode, stale.stderr.strip()) == (
        1,
        f"no heartbeat in {path} for {STALE_AFTER_SECONDS:.0f} s",
    )
    path.write_text(f"{time.time():.0f}\n")
    fresh = run_main("schedule", "--check-heartbeat", env=env, cwd=tmp_path)
    assert fresh.returncode == 0, fresh.stderr
