"""Reading and writing topics in tests, through the real broker."""

from __future__ import annotations

import time
from dataclasses import dataclass
from uuid import uuid4

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer

from shared.contracts.envelope import Envelope
from shared.messaging.codec import UndecodableEvent, decode, encode


@dataclass(frozen=True)
class Record:
    topic: str
    key: bytes | None
    value: bytes | None
    headers: dict[str, bytes]

    def envelope(self) -> Envelope:
        return decode(self.headers.items(), self.key, self.value)


async def read_all(bootstrap: str, topics: list[str], *, at_least: int = 0, timeout: float = 30) -> list[Record]:
    """Every record of `topics` from the beginning; waits until there are `at_least` of them."""
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap,
        group_id=f"test-reader-{uuid4().hex[:8]}",
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records: list[Record] = []
    deadline = time.monotonic() + timeout
    try:
        while True:
            batches = await consumer.getmany(timeout_ms=300)
            for batch in batches.values():
                records += [Record(r.topic, r.key, r.value, dict(r.headers)) for r in batch]
            if not batches and len(records) >= at_least and await _at_end(consumer):
                return records
            if time.monotonic() > deadline:
                raise AssertionError(f"read {len(records)} records of {topics}, expected at least {at_least}")
    finally:
        await consumer.stop()


async def _at_end(consumer: AIOKafkaConsumer) -> bool:
    assigned = consumer.assignment()
    if not assigned:
        return False
    ends = await consumer.end_offsets(list(assigned))
    for tp, end in ends.items():
        if await consumer.position(tp) < end:
            return False
    return True


def envelopes(records: list[Record]) -> list[Envelope]:
    decoded = []
    for record in records:
        try:
            decoded.append(record.envelope())
        except UndecodableEvent:
            continue
    return decoded


async def publish(bootstrap: str, topic: str, *events: Envelope) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        for event in events:
            message = encode(event)
            await producer.send_and_wait(
                topic,
                key=str(event.partnership_id).encode(),
                value=message.value,
                headers=list(message.headers.items()),
            )
    finally:
        await producer.stop()


async def publish_raw(bootstrap: str, topic: str, key: bytes, value: bytes, headers: list[tuple[str, bytes]]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap)
    await producer.start()
    try:
        await producer.send_and_wait(topic, key=key, value=value, headers=headers)
    finally:
        await producer.stop()
