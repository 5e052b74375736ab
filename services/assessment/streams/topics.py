"""The topics the worker reads, and the ones that must exist before faust subscribes.

All source topics have the same partition count and are read by one agent, so faust assigns the same partition
number of each to one worker (co-partitioned): a partnership's events, its roll-up parts (keyed by parent id, which
is a partnership id too) and its table rows all live on that worker.
"""

from __future__ import annotations

import asyncio
import time

import faust
from aiokafka.admin import AIOKafkaAdminClient

from services.assessment.settings import AssessmentSettings
from services.assessment.store import open_store
from services.assessment.streams.tables import CHANGELOG_CONFIG, changelog_topics, raw_schema
from shared.contracts.registry import dead_letter_topic, stage_topics
from shared.messaging.topics import DEAD_LETTER_CONFIG, ensure_topics

_ROLLUP_CONFIG = {"cleanup.policy": "delete", "retention.ms": str(7 * 24 * 3600 * 1000)}


def source_topic(app: faust.App, settings: AssessmentSettings) -> faust.TopicT:
    return app.topic(*stage_topics(settings.topic_namespace), settings.rollup_topic, schema=raw_schema())


async def prepare(settings: AssessmentSettings, timeout: float = 60) -> None:
    """Before faust subscribes: the roll-up topic, the changelogs and the dead-letter topic exist and every broker
    lists them, and the schema is migrated.

    faust would create the changelogs itself while starting, a moment before it subscribes; a topic created that
    late can still be missing from the metadata the consumer fetches, which then counts 0 partitions for it. faust
    refuses every write to a table whose changelog count differs from its source's (PartitionsMismatch) until the
    next metadata refresh, minutes later: on a fresh stack every roll-up part was lost that way (issue 14).
    """
    bootstrap, partitions = settings.kafka_bootstrap_servers, settings.topic_partitions
    await ensure_topics(bootstrap, [settings.rollup_topic], partitions, _ROLLUP_CONFIG)
    await ensure_topics(bootstrap, changelog_topics(settings), partitions, CHANGELOG_CONFIG)
    await ensure_topics(bootstrap, [dead_letter_topic("assessment", settings.topic_namespace)], 1, DEAD_LETTER_CONFIG)
    await ensure_topics(bootstrap, [assignor_topic(settings)], 1, DEAD_LETTER_CONFIG)
    await listed(bootstrap, [settings.rollup_topic, *changelog_topics(settings)], partitions, timeout)
    store = await open_store(settings.database_url, settings.db_schema)
    await store.close()


def assignor_topic(settings: AssessmentSettings) -> str:
    """faust's own topic for its partition assignor; created here so that it is replicated like every other topic
    (faust would create it with `topic_replication_factor`, one copy)."""
    return f"{settings.app_id}-__assignor-__leader"


async def listed(bootstrap: str, topics: list[str], partitions: int, timeout: float) -> None:
    """Wait until the broker's metadata lists every topic with `partitions` partitions, each with a leader (a
    changelog left from another CYCLE_TOPIC_PARTITIONS never will: the error names it)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        deadline = time.monotonic() + timeout
        while True:
            found = {t["topic"]: t["partitions"] for t in await admin.describe_topics(topics) if not t["error_code"]}
            ready = {
                topic
                for topic, parts in found.items()
                if len(parts) == partitions and all(p["leader"] >= 0 for p in parts)
            }
            if ready >= set(topics):
                return
            if time.monotonic() > deadline:
                counts = {topic: len(found.get(topic, ())) for topic in sorted(set(topics) - ready)}
                raise TimeoutError(f"topics not listed with {partitions} led partitions within {timeout}s: {counts}")
            await asyncio.sleep(0.1)
    finally:
        await admin.close()
