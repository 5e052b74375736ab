"""The topics the worker reads, and the ones it needs to exist before faust subscribes.

All source topics have the same partition count and are read by one agent, so faust assigns the same partition
number of each to one worker (co-partitioned): a partnership's events, its roll-up parts (keyed by parent id, which
is a partnership id too) and its table rows all live on that worker.
"""

from __future__ import annotations

import faust

from services.assessment.settings import AssessmentSettings
from services.assessment.store import open_store
from shared.contracts.registry import dead_letter_topic, stage_topics
from shared.messaging.topics import DEAD_LETTER_CONFIG, ensure_topics

_ROLLUP_CONFIG = {"cleanup.policy": "delete", "retention.ms": str(7 * 24 * 3600 * 1000)}


def raw_schema() -> faust.Schema:  # type: ignore[type-arg]
    # One instance per user: a table's changelog topic writes its serializers into the schema it is given.
    return faust.Schema(key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def source_topic(app: faust.App, settings: AssessmentSettings) -> faust.TopicT:
    return app.topic(*stage_topics(settings.topic_namespace), settings.rollup_topic, schema=raw_schema())


async def prepare(settings: AssessmentSettings) -> None:
    """Before faust subscribes: the roll-up and dead-letter topics exist and the schema is migrated."""
    await ensure_topics(
        settings.kafka_bootstrap_servers, [settings.rollup_topic], settings.topic_partitions, _ROLLUP_CONFIG
    )
    await ensure_topics(
        settings.kafka_bootstrap_servers,
        [dead_letter_topic("assessment", settings.topic_namespace)],
        1,
        DEAD_LETTER_CONFIG,
    )
    store = await open_store(settings.database_url, settings.db_schema)
    await store.close()
