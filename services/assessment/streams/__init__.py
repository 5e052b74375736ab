"""The faust app: one agent over every stage topic and the roll-up topic, two tables, one flush timer.

All source topics have the same partition count and are read by one agent, so faust assigns the same
partition number of each to one worker (co-partitioned): a partnership's events, its roll-up parts (keyed by
parent id, which is a partnership id too) and its table rows all live on that worker. Tables are written only
inside the agent, so each changelog row goes to the partition of the event that caused it.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import faust
import structlog
from aiokafka.admin import AIOKafkaAdminClient
from faust.types import TP

from services.assessment.publishing import Message
from services.assessment.runtime import Assessor
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore, open_store
from shared.contracts.registry import dead_letter_topic, stage_topics
from shared.messaging.topics import DEAD_LETTER_CONFIG, ensure_topics
from shared.persistence.database import create_pool

log = structlog.get_logger(__name__)
_ROLLUP_CONFIG = {"cleanup.policy": "delete", "retention.ms": str(7 * 24 * 3600 * 1000)}


@dataclass
class Worker:
    app: faust.App
    settings: AssessmentSettings
    assessor: Assessor | None = None


def _raw() -> faust.Schema:  # type: ignore[type-arg]
    # One instance per user: a table's changelog topic writes its serializers into the schema it is given.
    return faust.Schema(key_type=bytes, value_type=bytes, key_serializer="raw", value_serializer="raw")


def create_worker_app(settings: AssessmentSettings) -> Worker:
    datadir = settings.data_dir / settings.app_id
    datadir.mkdir(parents=True, exist_ok=True)
    app = faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        datadir=str(datadir),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        web_enabled=False,
        autodiscover=False,
        table_standby_replicas=0,
        broker_commit_every=500,
        broker_commit_interval=1.0,
        # A killed worker's partitions move on after this long (faust's default is 60 s).
        broker_session_timeout=settings.session_timeout_seconds,
        broker_heartbeat_interval=1.0,
        key_serializer="raw",
        value_serializer="raw",
    )
    # A table picks its changelog serializers from key_type/value_type (bytes -> raw), not from its schema.
    table_options = {"partitions": settings.topic_partitions, "key_type": bytes, "value_type": bytes}
    records = app.Table("records", schema=_raw(), **table_options)  # type: ignore[arg-type]
    rollups = app.Table("rollups", schema=_raw(), **table_options)  # type: ignore[arg-type]
    source = app.topic(*stage_topics(settings.topic_namespace), settings.rollup_topic, schema=_raw())
    worker = Worker(app, settings)
    started = asyncio.Event()

    async def send(topic: str, messages: list[Message]) -> None:
        """Hand every message to the producer, then wait for all acknowledgements (acks=all)."""
        pending = [
            await app.producer.send(topic, key, value, partition=None, timestamp=None, headers=headers)
            for key, value, headers in messages
        ]
        await asyncio.gather(*pending)

    async def open_read_side() -> Assessor:
        # Opened from the first recovery callback: faust starts app tasks only after recovery completes.
        if worker.assessor is None:
            store = AssessmentStore(await create_pool(settings.database_url, settings.db_schema, max_size=4))
            await store.register_generation(settings.generation)
            worker.assessor = Assessor(settings, store, records, rollups, send)
            started.set()
        return worker.assessor

    @app.agent(source)
    async def assess(stream: faust.StreamT[bytes]) -> None:
        await started.wait()
        async for event in stream.events():
            message = event.message
            assert worker.assessor is not None  # set before `started`
            await worker.assessor.handle(
                message.topic, message.partition, message.offset, message.key, message.value, message.headers
            )

    sources = set(source.topics)

    def assigned() -> set[TP]:
        return {tp for tp in app.consumer.assignment() if tp.topic in sources}

    @records.on_recover
    async def rebuild_engine() -> None:
        try:
            assessor = await open_read_side()
            current = assigned()
            committed = await committed_offsets(settings)
            positions = {(tp.topic, tp.partition): committed[tp] for tp in current if tp in committed}
            await assessor.recovered({tp.partition for tp in current}, positions)
        except Exception as error:  # without its engine the worker would idle silently: stop it, be restarted
            log.exception("assessment_recovery_failed")
            await app.crash(error)

    @app.timer(settings.flush_seconds)  # type: ignore[untyped-decorator]
    async def flush() -> None:
        assessor = worker.assessor
        if assessor is None or app.rebalancing:
            return
        if {tp.partition for tp in assigned()} != assessor.partitions:
            await rebuild_engine()  # the group moved partitions and no recovery callback told us
        await assessor.flush()

    return worker


async def committed_offsets(settings: AssessmentSettings) -> dict[TP, int]:
    """The group's committed offsets: faust commits only after the table changelog is flushed, so every event
    before them is in the recovered tables (a consumer's fetch position may already be further ahead)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=settings.kafka_bootstrap_servers)
    await admin.start()
    try:
        found = await admin.list_consumer_group_offsets(settings.app_id)
    finally:
        await admin.close()
    return {TP(tp.topic, tp.partition): meta.offset for tp, meta in found.items() if meta.offset >= 0}


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
