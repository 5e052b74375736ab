"""faust's producer buffer, flushed to the end before faust commits offsets.

faust commits a source offset only after `producer.flush()`, so that the table changelog rows an event caused are on
the broker before the event counts as read. But `ProducerBuffer.flush` (faust-streaming 0.15) returns as soon as one
queued row takes longer than 0.1 s to be handed over, with the rest still queued. Under load it commits offsets past
events whose changelog rows were never sent; a worker killed then comes back without them: the small chaos run lost
one student's last record that way (issue 13). The flush below waits until no row is queued or being handed over.
"""

from __future__ import annotations

import asyncio
from typing import Any

from faust.transport.producer import ProducerBuffer

_HANDING_OVER = "_cycle_handing_over"


def install() -> None:
    """Patch faust's buffer in this process (the worker's own); a second call changes nothing."""
    if getattr(ProducerBuffer.flush, "drains", False):
        return
    send_pending = ProducerBuffer._send_pending

    async def counted_send_pending(self: ProducerBuffer, fut: Any) -> None:
        setattr(self, _HANDING_OVER, getattr(self, _HANDING_OVER, 0) + 1)
        try:
            await send_pending(self, fut)
        finally:
            setattr(self, _HANDING_OVER, getattr(self, _HANDING_OVER) - 1)

    async def flush(self: ProducerBuffer) -> None:
        await drain(self)

    flush.drains = True  # type: ignore[attr-defined]
    ProducerBuffer._send_pending = counted_send_pending  # type: ignore[method-assign]
    ProducerBuffer.flush = flush  # type: ignore[method-assign]


async def drain(buffer: Any) -> None:
    """Wait until the buffer holds nothing and hands nothing over; raises as faust does if it stopped with rows."""
    while buffer.size or getattr(buffer, _HANDING_OVER, 0):
        if buffer.state != "running":
            raise RuntimeError("Cannot flush: Producer not Running")
        buffer.message_sent.clear()
        try:
            await asyncio.wait_for(buffer.message_sent.wait(), timeout=0.1)
        except TimeoutError:
            continue
