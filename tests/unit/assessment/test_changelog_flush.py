"""The worker's producer flush waits for every queued changelog row, however slowly each is handed over."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from faust.transport.producer import ProducerBuffer

from services.assessment.streams.changelog_flush import drain, install


@dataclass
class SlowBuffer:
    """Hands one queued row over every 150 ms, as a loaded machine or a broker in trouble does."""

    size: int
    state: str = "running"
    message_sent: asyncio.Event = field(default_factory=asyncio.Event)

    async def hand_over(self) -> None:
        while self.size:
            await asyncio.sleep(0.15)
            self.size -= 1
            self.message_sent.set()


async def test_fausts_own_flush_returns_with_rows_still_queued() -> None:
    buffer = SlowBuffer(size=3)
    handing = asyncio.create_task(buffer.hand_over())
    await ProducerBuffer.flush_atmost(buffer, None)  # type: ignore[arg-type]
    assert buffer.size > 0, "the bug this module works around"
    handing.cancel()


async def test_the_drain_returns_only_when_every_row_was_handed_over() -> None:
    buffer = SlowBuffer(size=3)
    handing = asyncio.create_task(buffer.hand_over())
    await drain(buffer)
    assert buffer.size == 0
    await handing


async def test_a_stopped_buffer_with_rows_left_raises_instead_of_pretending() -> None:
    with pytest.raises(RuntimeError):
        await drain(SlowBuffer(size=1, state="stopping"))


def test_the_worker_installs_the_drain_once() -> None:
    install()
    patched = ProducerBuffer.flush
    install()
    assert ProducerBuffer.flush is patched
    assert getattr(ProducerBuffer.flush, "drains", False)
