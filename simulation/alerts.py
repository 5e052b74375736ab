"""Assessment's target alerts as published (the alerts topic), to check them against the ground truth.

Alerts are keyed by partnership, so each target's alerts sit on one partition in the order they were published.
"""

from __future__ import annotations

from typing import Any

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from shared.contracts.registry import ALERTS_TOPIC
from shared.messaging.codec import UndecodableEvent, decode


async def read_alerts(bootstrap: str, namespace: str = "") -> list[dict[str, Any]]:
    """Every alert published so far: type, target_id and partnership_id, in publication order per partnership."""
    topic = namespace + ALERTS_TOPIC
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in sorted(await _partitions(consumer, topic))]
        if not partitions:
            return []
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        alerts: list[dict[str, Any]] = []
        while [tp for tp, end in ends.items() if await consumer.position(tp) < end]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                for record in batch:
                    try:
                        envelope = decode(record.headers, record.key, record.value)
                    except UndecodableEvent:
                        continue
                    alerts.append(
                        {
                            "type": envelope.type,
                            "target_id": str(envelope.data.target_id),  # type: ignore[attr-defined]
                            "partnership_id": str(envelope.partnership_id),
                        }
                    )
        return alerts
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    found = consumer.partitions_for_topic(topic)
    if not found:
        await consumer._client.force_metadata_update()  # the client learns a topic only when asked
        found = consumer.partitions_for_topic(topic)
    return set(found or ())
