"""Topics are created by the project, never auto-created: explicit partition counts and configs."""

from __future__ import annotations

import functools

import structlog
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import TopicAlreadyExistsError
from aiokafka.partitioner import murmur2

from shared.contracts.registry import ALERTS_TOPIC, FIGURES_TOPIC, stage_topics

log = structlog.get_logger(__name__)

# Stage topics are the system of record that assessment rebuilds from: never deleted by age.
EVENT_LOG_CONFIG = {"retention.ms": "-1", "cleanup.policy": "delete"}
# Three copies where there are three brokers, of which an acks=all write must reach two: one broker may die
# without losing an acknowledged record. A single broker keeps one copy and needs one (issue 13).
MOST_REPLICAS = 3
DEAD_LETTER_CONFIG = {"retention.ms": str(30 * 24 * 3600 * 1000), "cleanup.policy": "delete"}


@functools.lru_cache(maxsize=1 << 16)
def key_partition(key: bytes, partitions: int) -> int:
    """The partition Kafka's default partitioner picks for `key` among `partitions` (murmur2, which aiokafka computes
    in pure Python: cached, since a flush sends many records per key)."""
    hashed: int = murmur2(key)
    return (hashed & 0x7FFFFFFF) % partitions


def product_topics(namespace: str = "") -> list[str]:
    return [*stage_topics(namespace), namespace + FIGURES_TOPIC, namespace + ALERTS_TOPIC]


async def ensure_topics(
    bootstrap: str, names: list[str], partitions: int, config: dict[str, str] | None = None
) -> list[str]:
    """Create the missing topics; returns the names created."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [name for name in names if name not in existing]
        if missing:
            replicas = min(MOST_REPLICAS, len((await admin.describe_cluster())["brokers"]))
            configs = {**(config or EVENT_LOG_CONFIG), "min.insync.replicas": str(max(1, replicas - 1))}
            new = [NewTopic(name, partitions, replicas, topic_configs=configs) for name in missing]
            response = await admin.create_topics(new)
            failures = [
                (error[0], error[1])
                for error in response.topic_errors
                if error[1] not in (0, TopicAlreadyExistsError.errno)
            ]
            if failures:
                raise RuntimeError(f"could not create topics (name, Kafka error code): {failures}")
            log.info("topics created", topics=missing, partitions=partitions)
        return missing
    finally:
        await admin.close()
