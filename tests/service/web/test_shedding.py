"""The execution gate: slots, a bounded queue served in order, a wait that ends in 503."""

from __future__ import annotations

import asyncio

import pytest

from service.web.deadlines import DeadlineWatch
from service.web.shedding import ExecutionGate, OverloadedError


async def _hold(gate: ExecutionGate, entered: asyncio.Event, leave: asyncio.Event) -> None:
    async with gate.admit():
        entered.set()
        await leave.wait()


async def _holding(gate: ExecutionGate) -> tuple[asyncio.Future[None], asyncio.Event]:
    """A task holding the gate's one slot, and the event that lets it go."""
    entered, leave = asyncio.Event(), asyncio.Event()
    holder = asyncio.ensure_future(_hold(gate, entered, leave))
    await entered.wait()
    return holder, leave


async def test_a_full_queue_refuses_at_once_and_a_freed_slot_goes_to_the_first_waiter() -> None:
    gate = ExecutionGate(max_concurrent=1, max_queued=2, max_wait_seconds=60)
    events = [(asyncio.Event(), asyncio.Event()) for _ in range(3)]
    first = asyncio.ensure_future(_hold(gate, *events[0]))
    await events[0][0].wait()
    second = asyncio.ensure_future(_hold(gate, *events[1]))
    third = asyncio.ensure_future(_hold(gate, *events[2]))
    await asyncio.sleep(0)  # both queue
    with pytest.raises(OverloadedError):
        async with gate.admit():
            pass
    events[0][1].set()
    await first
    await events[1][0].wait()
    assert not events[2][0].is_set()  # in order: the third still waits
    events[1][1].set()
    events[2][1].set()
    await asyncio.gather(second, third)
    async with gate.admit():  # every slot is back
        pass


@pytest.mark.parametrize("watched", [False, True], ids=["asyncio.timeout", "DeadlineWatch"])
async def test_a_wait_past_its_limit_is_overloaded_and_leaves_no_slot_taken(watched: bool) -> None:
    gate = ExecutionGate(
        max_concurrent=1,
        max_queued=1,
        max_wait_seconds=0.01,
        deadlines=DeadlineWatch() if watched else None,
    )
    holder, leave = await _holding(gate)
    with pytest.raises(OverloadedError):
        async with gate.admit():
            pass
    leave.set()
    await holder
    async with gate.admit():
        pass


async def test_a_cancelled_waiter_gives_its_turn_on() -> None:
    gate = ExecutionGate(max_concurrent=1, max_queued=2, max_wait_seconds=60)
    holder, leave = await _holding(gate)
    waiting = asyncio.ensure_future(_hold(gate, asyncio.Event(), asyncio.Event()))
    later_in, later_out = asyncio.Event(), asyncio.Event()
    later = asyncio.ensure_future(_hold(gate, later_in, later_out))
    await asyncio.sleep(0)
    waiting.cancel()
    leave.set()  # the slot is freed while the cancelled waiter is still in the queue
    with pytest.raises(asyncio.CancelledError):
        await waiting
    await holder
    await later_in.wait()
    later_out.set()
    await later
    async with gate.admit():
        pass


async def test_the_requests_own_deadline_on_the_same_watch_ends_a_wait_as_a_timeout() -> None:
    watch = DeadlineWatch()
    gate = ExecutionGate(max_concurrent=1, max_queued=1, max_wait_seconds=60, deadlines=watch)
    holder, leave = await _holding(gate)
    loop = asyncio.get_running_loop()
    with pytest.raises(TimeoutError):
        async with watch.guard(loop.time() + 0.01) as window, gate.admit():
            pass
    assert window.expired()
    leave.set()
    await holder
    async with gate.admit():  # the abandoned wait took no slot
        pass
