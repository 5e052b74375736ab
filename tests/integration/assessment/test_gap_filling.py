"""The records faust drops before the one it hands over are read again from the broker (streams/gaps.py): each once,
in offset order, none outside the gap; a gap holding only a transaction's commit marker yields nothing."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faust.types import TP

from services.assessment.runtime import Headers
from services.assessment.streams.gaps import fill_gap
from shared.messaging.topics import ensure_topics
from tests.support.waiting import eventually


@dataclass
class Recorded:
    offsets: list[int] = field(default_factory=list)
    values: list[bytes | None] = field(default_factory=list)
    done: list[tuple[TP, int, int]] = field(default_factory=list)

    def next_offset(self, topic: str, partition: int) -> int | None:
        return self.offsets[-1] + 1 if self.offsets else None

    async def handle(
        self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None:
        self.offsets.append(offset)
        self.values.append(value)

    async def finished(self, tp: TP, start: int, end: int) -> None:
        self.done.append((tp, start, end))


async def until_end_offset(bootstrap: str, topic: str, end: int) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        partition = TopicPartition(topic, 0)

        async def reached() -> bool:
            return bool((await consumer.end_offsets([partition]))[partition] == end)

        await eventually(reached)
    finally:
        await consumer.stop()


async def test_a_gap_is_read_from_the_broker_and_a_commit_marker_alone_yields_nothing(
    kafka_bootstrap: str, test_id: str
) -> None:
    topic = f"gaps-{test_id}"
    await ensure_topics(kafka_bootstrap, [topic], 1)
    plain = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, acks="all")
    transactional = AIOKafkaProducer(bootstrap_servers=kafka_bootstrap, transactional_id=f"gaps-{test_id}")
    await plain.start()
    await transactional.start()
    try:
        for n in range(5):  # offsets 0-4
            await plain.send_and_wait(topic, f"r{n}".encode(), partition=0)
        async with transactional.transaction():  # offsets 5, 6 and the commit marker at 7
            await transactional.send(topic, b"t5", partition=0)
            await transactional.send(topic, b"t6", partition=0)
        await until_end_offset(kafka_bootstrap, topic, 8)  # the coordinator writes the marker after answering
        await plain.send_and_wait(topic, b"r8", partition=0)
    finally:
        await plain.stop()
        await transactional.stop()
    tp = TP(topic, 0)

    gap = Recorded()
    assert await fill_gap(kafka_bootstrap, gap, tp, 2, 8, gap.finished) == 5
    assert gap.offsets == [2, 3, 4, 5, 6]
    assert gap.values == [b"r2", b"r3", b"r4", b"t5", b"t6"]
    assert gap.done == [(tp, 2, 8)]

    marker = Recorded()
    assert await fill_gap(kafka_bootstrap, marker, tp, 7, 8, marker.finished) == 0
    assert (marker.offsets, marker.done) == ([], [(tp, 7, 8)])
