"""The faust app, and the worker state its agent, recovery callback and timer share."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import cast

import faust
from faust.transport.drivers.aiokafka import Producer as FaustKafkaProducer
from faust.types import TP

from services.assessment.publishing import Message
from services.assessment.runtime import Assessor
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore
from services.assessment.streams.tables import Tables
from shared.messaging.batches import send_batched
from shared.persistence.database import create_pool


def faust_app(settings: AssessmentSettings) -> faust.App:
    datadir = settings.data_dir / settings.app_id
    datadir.mkdir(parents=True, exist_ok=True)
    return faust.App(
        settings.app_id,
        broker=f"kafka://{settings.kafka_bootstrap_servers}",
        store="memory://",
        datadir=str(datadir),
        topic_partitions=settings.topic_partitions,
        topic_replication_factor=1,
        consumer_auto_offset_reset="earliest",
        producer_acks=-1,
        # A flush hands the producer thousands of figures and every event a changelog record: waiting 10 ms for
        # more, in batches of up to 256 KiB, the worker sent a fraction of the produce requests it sent one batch
        # of 16 KiB at a time (faust's defaults), and spent about a sixth less CPU following the scaled programme.
        producer_linger_ms=10,
        producer_max_batch_size=262_144,
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


@dataclass
class Worker:
    app: faust.App
    settings: AssessmentSettings
    tables: Tables
    source: faust.TopicT
    assessor: Assessor | None = None
    started: asyncio.Event = field(default_factory=asyncio.Event)

    async def read_side(self) -> Assessor:
        """The assessor, opened on first use: faust starts app tasks only after recovery completes, so the first
        recovery callback opens it."""
        if self.assessor is None:
            settings = self.settings
            store = AssessmentStore(
                await create_pool(settings.database_url, settings.db_schema, max_size=4, stateless=True)
            )
            await store.register_generation(settings.generation)
            self.assessor = Assessor(settings, store, self.tables.records, self.tables.rollups, self.send)
            self.started.set()
        return self.assessor

    def assigned(self) -> set[TP]:
        """The source partitions the group gave this worker (changelog partitions left out)."""
        sources = set(self.source.topics)
        return {tp for tp in self.app.consumer.assignment() if tp.topic in sources}

    async def send(self, topic: str, messages: list[Message]) -> None:
        """Hand every message to faust's producer a batch at a time, then wait for all acknowledgements (acks=all).
        A flush publishes ten to twenty figures per event read: sent one by one, they took a third of the worker."""
        # faust's own aiokafka producer, which faust flushes before it commits offsets
        producer = cast(FaustKafkaProducer, self.app.producer)._ensure_producer()
        deliveries = await send_batched(producer, [(topic, key, value, headers) for key, value, headers in messages])
        await asyncio.gather(*dict.fromkeys(deliveries))
