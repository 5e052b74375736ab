"""faust's hand-over of a record done inline when it need not wait, and as faust did it when it must
(services/assessment/streams/handover.py)."""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest
from faust.transport.consumer import Consumer
from mode import Service

from services.assessment.streams.handover import inline, install


class Relay(Service):
    wait_first = inline(Service.wait_first)  # type: ignore[assignment]


@pytest.fixture
def tasks_started(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    started: list[object] = []
    ensure_future = asyncio.ensure_future

    def counted(awaitable: Any, **kwargs: Any) -> Any:
        started.append(awaitable)
        return ensure_future(awaitable, **kwargs)

    monkeypatch.setattr(asyncio, "ensure_future", counted)
    return started


async def test_a_hand_over_that_need_not_wait_is_done_inline_and_starts_no_task(tasks_started: list[object]) -> None:
    async def handed_over() -> int:
        return 7

    suspended = asyncio.Event().wait()
    results = await Relay().wait_first(handed_over(), suspended)
    assert results.results == [7]
    assert not results.stopped
    assert tasks_started == []
    assert inspect.getcoroutinestate(suspended) == inspect.CORO_CLOSED  # closed, never left unawaited


async def test_a_hand_over_that_waits_is_finished_where_it_waited() -> None:
    room, steps = asyncio.Event(), []

    async def put() -> str:
        steps.append("before")
        await room.wait()
        steps.append("after")
        return "put"

    handing = asyncio.create_task(Relay().wait_first(put(), asyncio.Event().wait()))
    while not steps:
        await asyncio.sleep(0)
    assert not handing.done()
    room.set()
    results = await asyncio.wait_for(handing, 5)
    assert results.results == ["put"]
    assert steps == ["before", "after"]  # run once: its first step is not repeated


async def test_a_waiting_hand_over_is_cancelled_where_it_waits_when_the_flow_is_suspended() -> None:
    suspended, cancelled = asyncio.Event(), asyncio.Event()

    async def put() -> None:
        try:
            await asyncio.Event().wait()  # a stream buffer that never has room
        except asyncio.CancelledError:
            cancelled.set()
            raise

    handing = asyncio.create_task(Relay().wait_first(put(), suspended.wait()))
    await asyncio.sleep(0)
    suspended.set()
    results = await asyncio.wait_for(handing, 5)
    assert results.results == [True]  # the suspension won
    await asyncio.wait_for(cancelled.wait(), 5)


@pytest.mark.parametrize("waits_first", [False, True])
async def test_an_error_of_the_hand_over_reaches_the_caller(waits_first: bool) -> None:
    async def fails() -> None:
        if waits_first:
            await asyncio.sleep(0)
        raise LookupError("no stream for this partition")

    suspended = asyncio.Event().wait()
    with pytest.raises(LookupError, match="no stream"):
        await Relay().wait_first(fails(), suspended)
    if not waits_first:  # (one that waited: faust's wait_first cancels the task it made of `suspended`)
        assert inspect.getcoroutinestate(suspended) == inspect.CORO_CLOSED


async def test_a_stopped_consumer_waits_as_faust_waits(tasks_started: list[object]) -> None:
    relay = Relay()
    relay._stopped.set()

    async def handed_over() -> int:
        return 7

    results = await relay.wait_first(handed_over(), asyncio.Event().wait())
    assert results.stopped
    assert tasks_started


def test_install_patches_fausts_consumer_once() -> None:
    install()
    patched = Consumer.wait_first
    install()
    assert Consumer.wait_first is patched
    assert patched is not Service.wait_first
