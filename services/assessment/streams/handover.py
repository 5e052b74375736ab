"""faust's hand-over of each fetched record to the streams, done inline when it need not wait.

faust's consumer hands every record to the streams with `wait_first(callback(message), suspend_flow.wait())`
(faust-streaming 0.15, `Consumer._drain_messages`), so that a hand-over waiting on a full stream buffer gives up
when a rebalance suspends the flow. `wait_first` starts a task for the hand-over, one for each event it watches and
three more it cancels again: for a hand-over that never waits (the buffer has room, the conductor's lock is free),
that was a third of what the worker spent on a record (a rebuild read 1,294 events/s with it, 1,870 without).

The patched `wait_first` runs the first awaitable, when it is a coroutine, to its first wait in the caller's task:
done by then, it is the winner, as it would have been; waiting, the rest of it runs as a task (`_Resumed`) and
faust's `wait_first` watches that task beside the other awaitables, cancelling it as before.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any

from faust.transport.consumer import Consumer
from mode import Service
from mode.services import WaitResults

_INLINE = "inline"


class _Resumed:
    """A coroutine run to its first wait, awaited from there: each step is the coroutine's own, and whatever the
    awaiting task throws in (a cancellation) is thrown into the coroutine where it waits."""

    __slots__ = ("_coroutine", "_waiting")

    def __init__(self, coroutine: Coroutine[Any, Any, Any], waiting: Any) -> None:
        self._coroutine, self._waiting = coroutine, waiting

    def __await__(self) -> Generator[Any, Any, Any]:
        coroutine, waiting = self._coroutine, self._waiting
        while True:
            try:
                try:
                    sent = yield waiting
                except GeneratorExit:
                    coroutine.close()
                    raise
                except BaseException as error:  # handed to the coroutine, which decides what becomes of it
                    waiting = coroutine.throw(error)
                else:
                    waiting = coroutine.send(sent)
            except StopIteration as done:
                return done.value


WaitFirst = Callable[..., Awaitable[WaitResults]]


def inline(wait_first: WaitFirst) -> WaitFirst:
    """`wait_first` (mode's `Service.wait_first`) with its first awaitable run inline up to its first wait."""

    async def inline_first(self: Service, *awaitables: Any, timeout: Any = None) -> WaitResults:
        first = awaitables[0] if awaitables else None
        if not inspect.iscoroutine(first) or self._stopped.is_set() or self._crashed.is_set():
            return await wait_first(self, *awaitables, timeout=timeout)
        try:
            waiting = first.send(None)
        except StopIteration as done:
            _close(awaitables[1:])
            return WaitResults([first], [done.value], False)
        except BaseException:
            _close(awaitables[1:])
            raise
        rest = asyncio.ensure_future(_Resumed(first, waiting))
        return await wait_first(self, rest, *awaitables[1:], timeout=timeout)

    setattr(inline_first, _INLINE, True)
    return inline_first


def install() -> None:
    """Patch faust's consumer in this process (the worker's own); a second call changes nothing."""
    if not getattr(Consumer.wait_first, _INLINE, False):
        Consumer.wait_first = inline(Consumer.wait_first)  # type: ignore[method-assign,assignment]


def _close(awaitables: tuple[Any, ...]) -> None:
    """Coroutines never started (`suspend_flow.wait()`): closed, as a cancelled task would have closed them."""
    for awaitable in awaitables:
        if inspect.iscoroutine(awaitable):
            awaitable.close()
