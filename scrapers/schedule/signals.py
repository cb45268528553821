"""SIGTERM and SIGINT: the first asks the scheduler to stop cleanly, a second one insists.

The first signal sets the scheduler's stop event: the job in flight finishes its current school,
the run is recorded, locks held in ``async with`` blocks are released, and
:func:`serve_until_signalled` returns 0. A second signal cancels the loop (Ctrl-C pressed twice):
``async with`` blocks still release what they hold, and the exit code is 130.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from scrapers.schedule.loop import Scheduler

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
EXIT_FORCED = 130


@contextmanager
def stop_on_signals(
    request_stop: Callable[[], None],
    *,
    force: Callable[[], None],
    signals: Sequence[signal.Signals] = STOP_SIGNALS,
) -> Iterator[None]:
    """Route ``signals`` to ``request_stop`` (first) and ``force`` (any later one) in this loop."""
    loop = asyncio.get_running_loop()
    received = 0

    def handle(signum: signal.Signals) -> None:
        nonlocal received
        received += 1
        if received == 1:
            log.info("%s received: finishing the work in flight, then stopping", signum.name)
            request_stop()
        else:
            log.warning("%s received again: stopping now", signum.name)
            force()

    for signum in signals:
        loop.add_signal_handler(signum, handle, signum)
    try:
        yield
    finally:
        for signum in signals:
            loop.remove_signal_handler(signum)


#: ``--once``: the pass failed (the error is logged).
EXIT_PASS_FAILED = 1


async def serve_until_signalled(scheduler: Scheduler, *, once: bool = False) -> int:
    """Run ``scheduler`` until SIGTERM/SIGINT; the process exit code (0, or 130 if forced).

    With ``once``, make one pass and return (1 if it failed); a signal still ends the job in
    flight between two schools.
    """
    task = asyncio.current_task()
    assert task is not None  # called from a coroutine, there is a task
    forced = False

    def force() -> None:
        nonlocal forced
        forced = True
        task.cancel()

    with stop_on_signals(scheduler.request_stop, force=force):
        try:
            if once:
                if not await scheduler.run_once():
                    return EXIT_PASS_FAILED
            else:
                await scheduler.run()
        except asyncio.CancelledError:
            if not forced:
                raise
            log.warning("scheduler cancelled by a second signal")
            return EXIT_FORCED
    return 0
