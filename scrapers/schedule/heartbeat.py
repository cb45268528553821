"""The scheduler's heartbeat: a file it rewrites every few seconds while its event loop runs.

A container healthcheck cannot ask the scheduler anything (it serves no port), and "the process
exists" says nothing of a loop stuck on a dead database connection. The heartbeat task runs on
the same event loop as the jobs, beside them, so it keeps beating through a long sync and stops
when the loop is blocked or gone; the healthcheck (:func:`heartbeat_is_fresh`, or compose's
``mobility schedule --check-heartbeat``) passes while the file is younger than
:data:`STALE_AFTER_SECONDS`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator
from pathlib import Path

from service.background import run_alongside

log = logging.getLogger(__name__)

BEAT_SECONDS = 10.0
#: Three missed beats: the loop is stuck, not just busy.
STALE_AFTER_SECONDS = 3 * BEAT_SECONDS


def write_beat(path: Path) -> None:
    """Write the current Unix time into ``path`` (atomically: a reader never sees half)."""
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(f"{time.time():.0f}\n", encoding="utf-8")
    partial.replace(path)


def heartbeat_is_fresh(path: Path, *, now: float | None = None) -> bool:
    """Whether ``path`` was beaten less than :data:`STALE_AFTER_SECONDS` ago."""
    try:
        beaten = float(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError):
        return False
    return (now if now is not None else time.time()) - beaten < STALE_AFTER_SECONDS


async def _beat_forever(path: Path, interval: float) -> None:
    while True:
        try:
            write_beat(path)
        except OSError as exc:  # a full disk must not stop the scheduler; the healthcheck says it
            log.warning("cannot write the heartbeat file %s: %s", path, exc)
        await asyncio.sleep(interval)


@contextlib.asynccontextmanager
async def heartbeat(path: Path | None, interval: float = BEAT_SECONDS) -> AsyncIterator[None]:
    """Beat ``path`` while the block runs (nothing when None); the file is removed after."""
    if path is None:
        yield
        return
    try:
        async with run_alongside(_beat_forever(path, interval)):
            yield
    finally:
        _remove(path)


def _remove(path: Path) -> None:
    # A stopped scheduler has no heartbeat: a stale file would look alive for 30 s.
    path.unlink(missing_ok=True)
