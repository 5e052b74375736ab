"""Topics as operators see them: partitions, messages kept, end offsets and how long records are kept.

"Messages" is end minus first offset per partition. It counts what the log still holds, including transaction
markers; on a compacted topic it is an upper bound until the cleaner has run.
"""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

from shared.ops.broker import admin_client, offset_ranges, partitions_of, topic_partitions, topic_reader

_CONFIGS = ("retention.ms", "cleanup.policy")


@dataclass(frozen=True)
class PartitionOffsets:
    partition: int
    start: int
    end: int

    @property
    def messages(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class TopicSummary:
    name: str
    partitions: tuple[PartitionOffsets, ...]
    retention_ms: int | None
    cleanup_policy: str

    @property
    def messages(self) -> int:
        return sum(p.messages for p in self.partitions)

    @property
    def end_offset(self) -> int:
        return sum(p.end for p in self.partitions)


def visible_topics(names: list[str], namespace: str, match: str | None = None) -> list[str]:
    """The topics of a namespace, without Kafka's internal ones (`__consumer_offsets`, `__transaction_state`)."""
    return sorted(
        name
        for name in names
        if name.startswith(namespace) and not name.startswith("__") and (match is None or match in name)
    )


async def _topic_configs(admin: AIOKafkaAdminClient, topics: list[str]) -> dict[str, dict[str, str]]:
    resources = [ConfigResource(ConfigResourceType.TOPIC, name, dict.fromkeys(_CONFIGS)) for name in topics]
    configs: dict[str, dict[str, str]] = {name: {} for name in topics}
    for response in await admin.describe_configs(resources):
        for resource in response.to_object()["resources"]:
            entries = resource["config_entries"]
            # aiokafka names the entry's key field "config_names" (singular in Kafka's protocol).
            configs[resource["resource_name"]] = {e["config_names"]: e["config_value"] for e in entries}
    return configs


async def summarize_topics(bootstrap: str, namespace: str = "", match: str | None = None) -> list[TopicSummary]:
    async with admin_client(bootstrap) as admin:
        names = visible_topics(await admin.list_topics(), namespace, match)
        partitions = await partitions_of(admin, names) if names else {}
        configs = await _topic_configs(admin, list(partitions)) if partitions else {}
    async with topic_reader(bootstrap) as consumer:
        ranges = await offset_ranges(consumer, topic_partitions(partitions))
    return [
        TopicSummary(
            name=name,
            partitions=tuple(PartitionOffsets(p, *ranges[TopicPartition(name, p)]) for p in numbers),
            retention_ms=int(configs[name]["retention.ms"]) if "retention.ms" in configs[name] else None,
            cleanup_policy=configs[name].get("cleanup.policy", "delete"),
        )
        for name, numbers in sorted(partitions.items())
    ]
