"""How long the broker may hold the worker's fetch waiting for records: 100 ms, not the 1.5 s faust asks for.

aiokafka keeps one fetch in flight to a broker, and leaves out of it every partition whose records fetched before
are not all handed over yet. When the fetch in flight names only partitions with nothing new, the broker holds it
for the whole wait, and the records written meanwhile to the partitions left out wait with it: at a steady 1,000
events/s the worker settled into reading each record about 1.5 s after it was written, idle most of that time
(BENCHMARKS.md (4)). A shorter wait bounds that delay; an idle worker asks a few more times a second.
"""

from __future__ import annotations

from typing import Any

from faust.transport.drivers.aiokafka import AIOKafkaConsumerThread

FETCH_MAX_WAIT_MS = 100
_PATCHED = "_cycle_fetch_wait"


def install(max_wait_ms: int = FETCH_MAX_WAIT_MS) -> None:
    """Patch faust's aiokafka consumer in this process (the worker's own); a second call changes nothing."""
    create = AIOKafkaConsumerThread._create_worker_consumer
    if getattr(create, _PATCHED, False):
        return

    def create_worker_consumer(self: AIOKafkaConsumerThread, transport: Any) -> Any:
        consumer = create(self, transport)
        consumer._fetch_max_wait_ms = max_wait_ms  # read when the consumer starts and builds its fetcher
        return consumer

    setattr(create_worker_consumer, _PATCHED, True)
    AIOKafkaConsumerThread._create_worker_consumer = create_worker_consumer  # type: ignore[method-assign]
