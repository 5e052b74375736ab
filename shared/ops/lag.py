"""How far each consumer group is behind: committed offset against the end of each partition it has committed on.

The end is read with read_committed isolation, as the product's consumers read, so an open transaction does not
count as lag. A partition the group has never committed on is not listed: Kafka records no position for it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka import TopicPartition
from aiokafka.structs import OffsetAndMetadata

from shared.ops.broker import admin_client, partitions_of, topic_partitions, topic_reader


@dataclass(frozen=True)
class PartitionLag:
    topic: str
    partition: int
    committed: int
    end: int

    @property
    def lag(self) -> int:
        return max(self.end - self.committed, 0)


@dataclass(frozen=True)
class GroupLag:
    group: str
    state: str
    members: int
    partitions: tuple[PartitionLag, ...]

    @property
    def lag(self) -> int:
        return sum(p.lag for p in self.partitions)


async def consumer_lag(bootstrap: str, namespace: str = "", match: str | None = None) -> list[GroupLag]:
    async with admin_client(bootstrap) as admin:
        groups = sorted(
            name
            for name, _protocol in await admin.list_consumer_groups()
            if name.startswith(namespace) and (match is None or match in name)
        )
        if not groups:
            return []
        # One group per request: aiokafka 0.14 fails to decode Kafka 4's answer describing several at once.
        descriptions = await asyncio.gather(*(admin.describe_consumer_groups([group]) for group in groups))
        states = {
            group["group"]: (group["state"], len(group["members"]))
            for responses in descriptions
            for response in responses
            for group in response.to_object()["groups"]
        }
        offsets: list[dict[TopicPartition, OffsetAndMetadata]] = await asyncio.gather(
            *(admin.list_consumer_group_offsets(group) for group in groups)
        )
        committed = {
            group: {tp: o.offset for tp, o in found.items() if o.offset >= 0}
            for group, found in zip(groups, offsets, strict=True)
        }
        topics = {tp.topic for found in committed.values() for tp in found}
        existing = set(topic_partitions(await partitions_of(admin, topics))) if topics else set()
    async with topic_reader(bootstrap) as consumer:
        ends = await consumer.end_offsets(list(existing)) if existing else {}
    return [
        GroupLag(
            group=group,
            state=states.get(group, ("Unknown", 0))[0],
            members=states.get(group, ("Unknown", 0))[1],
            partitions=tuple(
                PartitionLag(tp.topic, tp.partition, offset, ends[tp])
                for tp, offset in sorted(committed[group].items(), key=lambda item: (item[0].topic, item[0].partition))
                if tp in ends
            ),
        )
        for group in groups
    ]
